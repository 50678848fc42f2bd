/**
 * The pipeline's catch-up read (`readRecordsSince`): every source record after a seq, once each,
 * in (seq, rid) order, whatever the page size — and each page a bounded index seek, not a scan of
 * every record of the seq (after a bulk load they all share one seq: a scan per page is quadratic).
 * The same read with its pages read ahead on a worker thread (`readRecordsSinceAhead`, a large
 * graph's whole sync) gives the same pages.
 */
import { type Graph, GraphError, readTx, writeTx } from '@onemap/graph-schema/server';
import neo4j from 'neo4j-driver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RECORDS_PAGE_CYPHER, type RecordPage, readRecordsSince, type StoredRecord, storedRecordsOf } from '../../resolver/src/graph/load-index.ts';
import { readRecordsSinceAhead } from '../../resolver/src/graph/record-pages-thread.ts';
import { clearGraph, openTestGraph } from '../helpers/graph.ts';

let graph: Graph;
/** rid -> seq of the records written below: seven at seq 1 (a bulk load's), three at 2, two at 5 */
const seqOf = new Map<string, number>([
  ...Array.from({ length: 7 }, (_, i) => [`hotel:r${(7 - i) * 3}`, 1] as [string, number]),
  ...['hotel:a', 'hotel:z', 'hotel:m'].map((rid) => [rid, 2] as [string, number]),
  ...['hotel:b', 'hotel:c'].map((rid) => [rid, 5] as [string, number]),
]);
const ordered = (since: number) =>
  [...seqOf]
    .filter(([, s]) => s > since)
    .sort(([a, x], [b, y]) => x - y || (a < b ? -1 : a > b ? 1 : 0))
    .map(([rid]) => rid);

beforeAll(async () => {
  graph = openTestGraph();
  await clearGraph(graph);
  await writeTx(graph, (tx) =>
    tx.run(
      `UNWIND $rows AS row
       CREATE (r:SourceRecord {rid: row.rid, source: 'hotel', recordId: row.rid, hash: 'h', seq: row.seq, batchId: 'b',
                               attrs: '{"guest":{}}', mentions: '{"guest":{"kind":"Person","identifiers":[],"flags":[]}}'})
       CREATE (r)-[:RESOLVED_TO {role: 'guest'}]->(:Entity:Person {eid: 'p-' + row.rid})`,
      { rows: [...seqOf].map(([rid, seq]) => ({ rid, seq })) },
    ),
  );
});
afterAll(async () => graph.driver.close());

async function readAll(since: number, pageSize: number): Promise<{ rids: string[]; pages: number }> {
  const rids: string[] = [];
  let pages = 0;
  for await (const page of readRecordsSince(graph, since, pageSize)) {
    pages++;
    rids.push(...page.rid);
  }
  return { rids, pages };
}

describe('readRecordsSince', () => {
  it('returns every record after the seq once, in (seq, rid) order, across pages that split a seq', async () => {
    for (const pageSize of [1, 2, 3, 5, 20]) {
      const all = await readAll(0, pageSize);
      expect(all.rids, `page size ${pageSize}`).toEqual(ordered(0));
      expect(all.pages).toBe(Math.ceil(seqOf.size / pageSize));
      expect((await readAll(1, pageSize)).rids, `since 1, page size ${pageSize}`).toEqual(ordered(1));
      expect((await readAll(2, pageSize)).rids).toEqual(ordered(2));
      expect((await readAll(5, pageSize)).rids).toEqual([]);
    }
  });

  it('gives each record its mentions with their current entity', async () => {
    const first = await readRecordsSince(graph, 4, 10).next();
    const page = first.done ? [] : storedRecordsOf(first.value);
    expect(page.map((r) => r.rid)).toEqual(['hotel:b', 'hotel:c']);
    expect(page[0]?.mentions).toEqual([
      {
        eid: 'p-hotel:b',
        mention: {
          key: 'hotel:hotel:b:guest',
          source: 'hotel',
          recordId: 'hotel:b',
          role: 'guest',
          kind: 'Person',
          attrs: {},
          identifiers: [],
          flags: [],
        },
      },
    ]);
  });

  it('reads a page by two seeks on the (seq, rid) index that stop at the page size, however many records share the seq', async () => {
    // A bulk load's shape: 2,000 records in one seq. Index statistics are sampled afresh so the
    // planner sees the graph this test wrote, not what earlier test files left.
    await writeTx(graph, (tx) =>
      tx.run(
        `UNWIND range(0, 1999) AS i
         CREATE (:SourceRecord {rid: 'bulk:' + right('000' + toString(i), 4), source: 'bulk', recordId: toString(i), hash: 'h', seq: 7,
                                attrs: '{}', mentions: '{}'})`,
      ),
    );
    await writeTx(graph, (tx) => tx.run("CALL db.resampleIndex('source_record_seq_rid')"));
    await writeTx(graph, (tx) => tx.run('CALL db.awaitIndexes(60)'));
    await writeTx(graph, (tx) => tx.run('CALL db.clearQueryCaches()'));
    const page = 10;
    const plan = await readTx(
      graph,
      async (tx) =>
        (await tx.run(`PROFILE ${RECORDS_PAGE_CYPHER}`, { afterSeq: 7, afterRid: 'bulk:1000', limit: neo4j.int(page) }))
          .summary.profile,
    );
    const ops: { op: string; details: string; rows: number }[] = [];
    const walk = (p: typeof plan) => {
      if (!p) return;
      ops.push({ op: p.operatorType.replace(/@.*/, ''), details: String(p.arguments?.Details ?? ''), rows: p.rows });
      for (const c of p.children) walk(c);
    };
    walk(plan);
    const plain = JSON.stringify(ops.map((o) => `${o.op} ${o.rows} ${o.details}`));
    // bounded work: no operator handles more than the two branches' pages (the old query read and sorted all 2,000)
    for (const o of ops) expect(o.rows, plain).toBeLessThanOrEqual(2 * page);
    const seeks = ops.filter((o) => o.details.includes('SourceRecord(seq, rid)'));
    expect(seeks, plain).toHaveLength(2);
    // and the page is the right one
    const got = await readTx(graph, async (tx) =>
      (await tx.run(RECORDS_PAGE_CYPHER, { afterSeq: 7, afterRid: 'bulk:1000', limit: neo4j.int(page) })).records.map(
        (r) => r.get('rid') as string,
      ),
    );
    expect(got).toEqual(Array.from({ length: page }, (_, i) => `bulk:${String(1001 + i).padStart(4, '0')}`));
  });
});

describe('readRecordsSinceAhead (pages read on a worker thread)', () => {
  async function pagesOf(read: AsyncGenerator<RecordPage>): Promise<StoredRecord[][]> {
    const pages: StoredRecord[][] = [];
    for await (const page of read) pages.push(storedRecordsOf(page));
    return pages;
  }

  it('gives the same pages, record for record and mention for mention, as the read on this thread', async () => {
    expect(graph.connection).toBeDefined();
    for (const pageSize of [7, 500]) {
      for (const since of [0, 2]) {
        const here = await pagesOf(readRecordsSince(graph, since, pageSize));
        const ahead = await pagesOf(readRecordsSinceAhead(graph, since, pageSize));
        expect(ahead, `page size ${pageSize}, since ${since}`).toEqual(here);
        if (since === 0) expect(here.flat().length).toBeGreaterThan(seqOf.size);
      }
    }
  });

  it('stops its worker when the loop is left after the first page, and reads again afterwards', async () => {
    const seen: string[] = [];
    for await (const page of readRecordsSinceAhead(graph, 0, 2)) {
      seen.push(...page.rid);
      break;
    }
    expect(seen).toEqual(ordered(0).slice(0, 2));
    const again = await pagesOf(readRecordsSinceAhead(graph, 4, 10));
    expect(again).toEqual(await pagesOf(readRecordsSince(graph, 4, 10)));
    expect(again.flat().slice(0, 2).map((r) => r.rid)).toEqual(['hotel:b', 'hotel:c']);
  });

  it('lets the event loop turn between pages however far ahead its worker is (a job’s lock is renewed by a timer meanwhile)', async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    const atPage: number[] = [];
    try {
      // a slow consumer: its worker has the next pages ready before it asks
      for await (const page of readRecordsSinceAhead(graph, 5, 200)) {
        atPage.push(ticks);
        const until = performance.now() + 25;
        while (performance.now() < until) expect(page.rid.length).toBeGreaterThan(0);
      }
    } finally {
      clearInterval(timer);
    }
    expect(atPage.length).toBeGreaterThanOrEqual(10);
    // a timer ran between (nearly) every two pages, not only while the first was awaited
    const turns = atPage.slice(1).filter((t, i) => t > atPage[i]!).length;
    expect(turns, JSON.stringify(atPage)).toBeGreaterThanOrEqual(atPage.length - 3);
  });

  it('throws the graph’s own error when its worker cannot read (credentials refused)', async () => {
    const wrong: Graph = {
      ...graph,
      readRetryMs: 0,
      connection: { ...graph.connection!, password: 'not-the-password' },
    };
    const failed = await pagesOf(readRecordsSinceAhead(wrong, 0, 10)).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(GraphError);
    expect((failed as GraphError).code).toBe('ONEMAP_ERR_GRAPH_AUTH');
  });

  it('reads on this thread when the graph does not say how to connect again', async () => {
    const { connection: _, ...plain } = graph;
    expect(await pagesOf(readRecordsSinceAhead(plain, 0, 500))).toEqual(await pagesOf(readRecordsSince(graph, 0, 500)));
  });
});
