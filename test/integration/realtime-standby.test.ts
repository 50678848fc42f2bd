/**
 * A hot standby: a worker that does not lead keeps its resolution index up to the graph, so when
 * the leader goes it takes over without reading the whole graph (a minute at a million records,
 * with every push waiting). Without it (`standbySyncMs: 0`) the index stays empty until the lease.
 */
import { startRealtimeWorkers } from '@onemap/resolver/jobs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clearGraph } from '../helpers/graph.ts';
import { ingestDirect, openTestPipeline, queryRows, sampleFiles } from '../helpers/pipeline.ts';

const leading = openTestPipeline();
const standby = openTestPipeline();
const cold = openTestPipeline();

const graphSeq = async () =>
  Number(
    (await queryRows<{ seq: number }>(leading, 'MATCH (s:PipelineState {id: "main"}) RETURN s.seq AS seq'))[0]?.seq ??
      0,
  );

beforeAll(async () => {
  await clearGraph(leading.graph);
  await leading.redis.flushdb();
});
afterAll(async () => {
  await Promise.all([leading.close(), standby.close(), cold.close()]);
});

describe('a worker that does not lead', () => {
  it('follows the graph while another leads, and takes over without rebuilding its index', async () => {
    const leaderEpochs: number[] = [];
    const first = startRealtimeWorkers(leading.pipeline, { onLeader: (e) => e !== null && leaderEpochs.push(e) });
    await expect.poll(() => leaderEpochs.length, { timeout: 30_000 }).toBe(1);
    const tookOver: { sequence: number; rebuilds: number }[] = [];
    const second = startRealtimeWorkers(standby.pipeline, {
      standbySyncMs: 100,
      onLeader: (e) =>
        e !== null &&
        tookOver.push({ sequence: standby.pipeline.resolver.sequence, rebuilds: standby.pipeline.resolver.rebuilds }),
    });
    const third = startRealtimeWorkers(cold.pipeline, { standbySyncMs: 0 });
    try {
      // records written by the leader's process, in two rounds: the standby catches up with each
      await ingestDirect(leading.pipeline, sampleFiles(['2026-03-02'], ['household', 'hotel']));
      const seq1 = await graphSeq();
      expect(seq1).toBeGreaterThan(0);
      await expect.poll(() => standby.pipeline.resolver.sequence, { timeout: 20_000 }).toBe(seq1);
      await ingestDirect(leading.pipeline, sampleFiles(['2026-03-03'], ['hotel', 'netcafe']));
      const seq2 = await graphSeq();
      expect(seq2).toBeGreaterThan(seq1);
      await expect.poll(() => standby.pipeline.resolver.sequence, { timeout: 20_000 }).toBe(seq2);
      // followed by sequence, not rebuilt each time: one whole read (its first) in all
      expect(standby.pipeline.resolver.rebuilds).toBe(1);
      // it holds what the leader's index holds: every mention of the graph in the same entity
      const mentions = await queryRows<{ key: string }>(
        leading,
        'MATCH (r:SourceRecord)-[x:RESOLVED_TO]->(:Entity) RETURN DISTINCT r.rid + ":" + x.role AS key',
      );
      expect(mentions.length).toBeGreaterThan(100);
      const entityIn = (p: typeof leading) =>
        new Map(mentions.map(({ key }) => [key, p.pipeline.resolver.resolutionIndex.entityOf(key) ?? 'missing']));
      expect(entityIn(standby)).toEqual(entityIn(leading));
      expect([...entityIn(standby).values()]).not.toContain('missing');
      // never the leader meanwhile; the cold standby read nothing
      expect(second.lease.epoch).toBeNull();
      expect(tookOver).toEqual([]);
      expect(cold.pipeline.resolver.sequence).toBe(0);
      expect(cold.pipeline.resolver.rebuilds).toBe(0);

      // the leader stops (its lease released): a standby takes over with the index it kept
      await first.close();
      await expect
        .poll(() => second.lease.epoch !== null || third.lease.epoch !== null, { timeout: 30_000 })
        .toBe(true);
      if (second.lease.epoch !== null) {
        await expect.poll(() => tookOver.length, { timeout: 30_000 }).toBe(1);
        expect(tookOver[0]).toEqual({ sequence: seq2, rebuilds: 1 });
      } else {
        // the cold one won the lease: it reads the graph whole before it leads
        await expect.poll(() => cold.pipeline.resolver.sequence, { timeout: 30_000 }).toBe(seq2);
        expect(cold.pipeline.resolver.rebuilds).toBe(1);
      }
    } finally {
      await Promise.all([first.close(), second.close(), third.close()]);
    }
  });
});
