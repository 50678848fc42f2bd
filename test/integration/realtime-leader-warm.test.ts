/**
 * A new resolve leader brings its resolution index up to the graph before it takes any push: on a
 * large graph that sync takes a minute, and a push taken before it would hold its 10-second job
 * lock through it (the locks lapsed, BullMQ took the jobs again and again: docs/ingestion.md).
 */
import { startRealtimeWorkers } from '@onemap/resolver/jobs';
import type { SyncProgress } from '@onemap/resolver/pipeline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clearGraph } from '../helpers/graph.ts';
import { ingestDirect, openTestPipeline, queryRows, sampleFiles } from '../helpers/pipeline.ts';

const loaded = openTestPipeline();
const syncs: SyncProgress[] = [];
// its whole sync reads the graph's pages on a worker thread (`readRecordsSinceAhead`), as a province's does
const fresh = openTestPipeline({ onSync: (p) => syncs.push(p), pagesAheadFrom: 0 });

beforeAll(async () => {
  await clearGraph(loaded.graph);
  await loaded.redis.flushdb();
  await ingestDirect(loaded.pipeline, sampleFiles(['2026-03-02'], ['household', 'hotel']));
});
afterAll(async () => {
  await Promise.all([loaded.close(), fresh.close()]);
});

describe('a new resolve leader', () => {
  it('takes jobs only once its index holds every record the graph has', async () => {
    const seq = (await queryRows<{ seq: number }>(loaded, 'MATCH (s:PipelineState {id: "main"}) RETURN s.seq AS seq'))[0]?.seq;
    expect(seq).toBeGreaterThan(0);
    const records = (await queryRows<{ records: number }>(loaded, 'MATCH (r:SourceRecord) RETURN count(r) AS records'))[0]?.records;
    expect(records).toBeGreaterThan(100);
    // a process that never resolved anything: its index is empty until it syncs
    expect(fresh.pipeline.resolver.sequence).toBe(0);
    const atLeading: { epoch: number; sequence: number; leaderWorker: boolean }[] = [];
    const workers = startRealtimeWorkers(fresh.pipeline, {
      onLeader: (epoch) => {
        if (epoch !== null) atLeading.push({ epoch, sequence: fresh.pipeline.resolver.sequence, leaderWorker: workers.leader() !== null });
      },
    });
    try {
      await expect.poll(() => atLeading.length, { timeout: 30_000 }).toBe(1);
      // when the leader starts taking jobs its index is at the graph's sequence, and its worker exists
      expect(atLeading[0]).toMatchObject({ sequence: Number(seq), leaderWorker: true });
      expect(workers.lease.epoch).toBe(atLeading[0]!.epoch);
      // and it said so (a worker prints it: on a province's graph this sync takes a minute or two)
      const whole = syncs.filter((p) => p.whole && p.done);
      expect(whole).toHaveLength(1);
      expect(whole[0]).toMatchObject({ records, of: records, entities: expect.any(Number) });
      expect(whole[0]!.mentions).toBeGreaterThanOrEqual(records!);
      expect(whole[0]!.entities).toBeGreaterThan(0);
      // a catch-up of nothing new says nothing
      const before = syncs.length;
      await fresh.pipeline.resolver.sync();
      expect(syncs).toHaveLength(before);
    } finally {
      await workers.close();
    }
  });

  it('a stop during the warm-up waits for it: the driver is never closed under its read (which would never settle and keep the process alive)', async () => {
    let warmUps = 0;
    let warmedAt = 0;
    const realWarmUp = fresh.pipeline.realtime.warmUp.bind(fresh.pipeline.realtime);
    fresh.pipeline.realtime.warmUp = async () => {
      warmUps++;
      await new Promise((r) => setTimeout(r, 1_500));
      await realWarmUp();
      warmedAt = Date.now();
    };
    const workers = startRealtimeWorkers(fresh.pipeline);
    try {
      await expect.poll(() => warmUps, { timeout: 30_000 }).toBe(1);
    } finally {
      const parts: string[] = [];
      await workers.close((part, closing) => (parts.push(part), closing));
      expect(warmedAt).toBeGreaterThan(0);
      expect(parts).toContain('resolve leader warm-up (its index read back from the graph)');
      // it did not start taking pushes after the stop
      expect(workers.leader()).toBeNull();
      fresh.pipeline.realtime.warmUp = realWarmUp;
    }
  });
});
