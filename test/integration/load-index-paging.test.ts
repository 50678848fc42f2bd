/**
 * The pipeline's catch-up read (`readRecordsSince`): every source record after a seq, once each,
 * in (seq, rid) order, whatever the page size — and each page a bounded index seek, not a scan of
 * every record of the seq (after a bulk load they all share one seq: a scan per page is quadratic).
 */
import { type Graph, readTx, writeTx } from '@onemap/graph-schema/server';
import neo4j from 'neo4j-driver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RECORDS_PAGE_CYPHER, readRecordsSince } from '../../resolver/src/graph/load-index.ts';
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
    rids.push(...page.map((r) => r.rid));
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
    const page = first.done ? [] : first.value;
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
