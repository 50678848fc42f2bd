/**
 * A file batch is written chunk by chunk, one transaction each (`GraphResolver.processChunks`).
 * Small chunks write the graph one chunk writes; a write that fails stops the batch at that chunk —
 * nothing of a later chunk reaches the graph — and the retry, on an index rebuilt from the graph,
 * ends with the same graph — though the next chunk was already resolved while the failing one was
 * being written (chunk i+1 is resolved while chunk i is written).
 */
import { readTx, writeTx } from '@onemap/graph-schema/server';
import { readBatch, stageFile } from '@onemap/resolver/intake';
import { afterAll, describe, expect, it } from 'vitest';
import { clearGraph } from '../helpers/graph.ts';
import { entityPartition, graphContentLines, lineDifferences } from '../helpers/graph-fingerprint.ts';
import { ingestDirect, openTestPipeline, sampleFiles } from '../helpers/pipeline.ts';

const FILES = sampleFiles(['2026-03-02'], ['household', 'business', 'hotel']);
const CHUNK = 37;
/** Every chunk in one (the batches of the sample day are far smaller). */
const WHOLE = 1_000_000;

const small = openTestPipeline({ chunkSize: CHUNK });
const whole = openTestPipeline({ chunkSize: WHOLE });
afterAll(async () => {
  await Promise.all([small.close(), whole.close()]);
});

/**
 * The graph's content without the sequence numbers (a chunk's write takes the next one: they follow
 * the chunking), each entity id replaced by its first mention (`rid#role`): an id is minted from a
 * mention and the index's count of ids minted, which starts again when the index is rebuilt.
 */
const content = async (t: typeof small) => {
  const firstMention = await readTx(t.graph, async (tx) => {
    const r = await tx.run(
      'MATCH (s:SourceRecord)-[x:RESOLVED_TO]->(e:Entity) RETURN e.eid AS eid, min(s.rid + "#" + x.role) AS first',
    );
    return new Map(r.records.map((x) => [x.get('eid') as string, x.get('first') as string]));
  });
  return (await graphContentLines(t.graph))
    .map((l) =>
      l.replace(/"seq":\d+,?/g, '').replace(/\b[POLVTC]-[0-9a-f]{16}\b/g, (eid) => `<${firstMention.get(eid) ?? eid}>`),
    )
    .sort();
};

const countWhere = (t: typeof small, cypher: string, params: Record<string, unknown>) =>
  readTx(t.graph, async (tx) => Number((await tx.run(cypher, params)).records[0]?.get('n') ?? 0));

describe('a file batch written chunk by chunk', () => {
  let reference: { partition: string[]; lines: string[] };

  it('many small chunks write the graph one chunk a batch writes', async () => {
    await clearGraph(whole.graph);
    await whole.redis.flushdb();
    const once = await ingestDirect(whole.pipeline, FILES);
    expect(once.every((b) => b.status === 'done')).toBe(true);
    reference = { partition: await entityPartition(whole.graph), lines: await content(whole) };
    expect(reference.partition.length).toBeGreaterThan(100);

    await clearGraph(small.graph);
    await small.redis.flushdb();
    const chunked = await ingestDirect(small.pipeline, FILES);
    expect(chunked.every((b) => b.status === 'done')).toBe(true);
    // the household file alone is many chunks of 37
    expect(chunked[0]!.rows).toBeGreaterThan(CHUNK * 5);
    expect(await entityPartition(small.graph)).toEqual(reference.partition);
    expect(lineDifferences(await content(small), reference.lines)).toEqual({ missing: [], extra: [] });
  });

  it('a write that fails stops the batch there: no later chunk is written, and the retry ends with the same graph', async () => {
    await clearGraph(small.graph);
    await small.redis.flushdb();
    const [first, ...rest] = FILES;
    const [source, file] = first!;
    const batch = stageFile(small.pipeline.deps.stagingDir, source, file, small.pipeline.entry(source).file);
    const records = readBatch(batch, small.pipeline.entry(source)).records;
    // a record of the fifth chunk already has a node (no sequence: the index never reads it), so
    // that chunk's CREATE of its source record breaks the uniqueness of `rid` and its write fails
    const planted = records[CHUNK * 4 + 3]!.rid;
    const laterRids = records.slice(CHUNK * 5).map((r) => r.rid);
    await writeTx(small.graph, (tx) => tx.run('CREATE (:SourceRecord {rid: $rid, planted: true})', { rid: planted }));
    const failed = await small.pipeline.processBatch(batch).then(
      (b) => b,
      (e: Error) => e,
    );
    expect(failed).toBeInstanceOf(Error);
    // the four chunks before it are in the graph, nothing from the chunk that failed or any after it
    expect(
      await countWhere(small, 'MATCH (r:SourceRecord {batchId: $b}) RETURN count(r) AS n', { b: batch.batchId }),
    ).toBe(CHUNK * 4);
    expect(
      await countWhere(small, 'MATCH (r:SourceRecord) WHERE r.rid IN $rids RETURN count(r) AS n', { rids: laterRids }),
    ).toBe(0);

    // the fault removed, the same batch again (a retried job): its index is rebuilt from the graph
    const rebuildsBefore = small.pipeline.resolver.rebuilds;
    await writeTx(small.graph, (tx) => tx.run('MATCH (r:SourceRecord {planted: true}) DELETE r'));
    const retried = await small.pipeline.processBatch(batch);
    expect(retried.status).toBe('done');
    expect(small.pipeline.resolver.rebuilds).toBe(rebuildsBefore + 1);
    const others = await ingestDirect(small.pipeline, rest);
    expect(others.every((b) => b.status === 'done')).toBe(true);
    expect(await entityPartition(small.graph)).toEqual(reference.partition);
    expect(lineDifferences(await content(small), reference.lines)).toEqual({ missing: [], extra: [] });
  });
});
