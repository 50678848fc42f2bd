/**
 * A new resolve leader brings its resolution index up to the graph before it takes any push: on a
 * large graph that sync takes a minute, and a push taken before it would hold its 10-second job
 * lock through it (the locks lapsed, BullMQ took the jobs again and again: docs/ingestion.md).
 * Then it rehearses a group write on a made-up chunk, rolled back, so that Neo4j has compiled the
 * statements before the first push waits for them: every statement runs, and nothing stays.
 */
import { startRealtimeWorkers } from '@onemap/resolver/jobs';
import type { SyncProgress } from '@onemap/resolver/pipeline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rehearseChunk } from '../../resolver/src/graph/write-chunk.ts';
import { REHEARSAL_ID, rehearsalChunk } from '../../resolver/src/pipeline/rehearsal-chunk.ts';
import { clearGraph } from '../helpers/graph.ts';
import { ingestDirect, openTestPipeline, queryRows, sampleFiles } from '../helpers/pipeline.ts';

const loaded = openTestPipeline();
const syncs: SyncProgress[] = [];
// its whole sync reads the graph's pages on a worker thread (`readRecordsSinceAhead`), as a province's does
const fresh = openTestPipeline({
  onSync: (p) => {
    syncs.push(p);
    busyAtSync.push(fresh.pipeline.busy);
  },
  pagesAheadFrom: 0,
});
/** `IngestPipeline.busy` at each sync report: a leader's warm-up counts as ingest work in hand */
const busyAtSync: boolean[] = [];

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
    const seq = (
      await queryRows<{ seq: number }>(loaded, 'MATCH (s:PipelineState {id: "main"}) RETURN s.seq AS seq')
    )[0]?.seq;
    expect(seq).toBeGreaterThan(0);
    const records = (
      await queryRows<{ records: number }>(loaded, 'MATCH (r:SourceRecord) RETURN count(r) AS records')
    )[0]?.records;
    expect(records).toBeGreaterThan(100);
    // a process that never resolved anything: its index is empty until it syncs
    expect(fresh.pipeline.resolver.sequence).toBe(0);
    const atLeading: { epoch: number; sequence: number; leaderWorker: boolean }[] = [];
    const workers = startRealtimeWorkers(fresh.pipeline, {
      onLeader: (epoch) => {
        if (epoch !== null)
          atLeading.push({
            epoch,
            sequence: fresh.pipeline.resolver.sequence,
            leaderWorker: workers.leader() !== null,
          });
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
      // busy while its index was read back (a server's idle reads wait), not once it leads with nothing in hand
      expect(busyAtSync.length).toBeGreaterThan(0);
      expect(busyAtSync.every(Boolean)).toBe(true);
      expect(fresh.pipeline.busy).toBe(false);
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

/** Everything in the graph, counted (nodes by label, relationships by type) and the pipeline's state node as it is. */
async function contents(): Promise<string> {
  const rows = await queryRows<{ nodes: string[]; rels: string[]; state: unknown }>(
    loaded,
    `CALL () { MATCH (n) UNWIND labels(n) AS l WITH l ORDER BY l RETURN collect(l) AS nodes }
     CALL () { MATCH ()-[r]->() WITH type(r) AS t ORDER BY t RETURN collect(t) AS rels }
     OPTIONAL MATCH (s:PipelineState {id: 'main'})
     RETURN nodes, rels, properties(s) AS state`,
  );
  return JSON.stringify(rows[0]);
}

describe('the group write rehearsed before the first push', () => {
  it('runs every statement of a group write on a made-up chunk, and leaves the graph as it was', async () => {
    const before = await contents();
    const chunk = rehearsalChunk('onemap-rehearsal');
    let inside: Record<string, unknown> = {};
    const ms = await rehearseChunk(loaded.graph, chunk, async (tx) => {
      // within the transaction, before the rollback: what the chunk wrote is there
      const r = await tx.run(
        `CALL () { MATCH (e:Entity) WHERE e.eid STARTS WITH $p RETURN count(e) AS entities }
         CALL () { MATCH (r:SourceRecord) WHERE r.recordId STARTS WITH $p RETURN count(r) AS records }
         CALL () { MATCH (:SourceRecord)-[x:RESOLVED_TO]->(e:Entity) WHERE e.eid STARTS WITH $p RETURN count(x) AS resolved }
         CALL () { MATCH (e:Entity)-[x]->(:Entity) WHERE e.eid STARTS WITH $p AND type(x) <> 'VISITED' RETURN count(x) AS relations }
         CALL () { MATCH (e:Entity)-[v:VISITED]->(:Place) WHERE e.eid STARTS WITH $p RETURN count(v) AS visits }
         CALL () { MATCH (e:Entity)-[:HAS_IDENTIFIER]->(i:Identifier) WHERE e.eid STARTS WITH $p RETURN count(i) AS identifiers }
         CALL () { MATCH (x:EidRedirect) WHERE x.eid STARTS WITH $p RETURN count(x) AS redirects }
         RETURN entities, records, resolved, relations, visits, identifiers, redirects`,
        { p: REHEARSAL_ID },
      );
      inside = Object.fromEntries(r.records[0]!.keys.map((k) => [k, Number(r.records[0]!.get(k as string))]));
    });
    expect(ms).toBeGreaterThan(0);
    // an entity of each kind created and one changed, less the one merged away; two records of two roles each; a relation of each type
    const kinds = new Set(chunk.entities.map((e) => e.kind)).size;
    expect(inside).toEqual({
      entities: 2 * kinds - 1,
      records: 2,
      resolved: 4,
      relations: chunk.relations.length,
      visits: 1,
      identifiers: 1,
      redirects: 1,
    });
    expect(await contents()).toBe(before);
  });

  it('a leader rehearses it with its fence and batch bookkeeping: its epoch and no batch stay', async () => {
    const before = await contents();
    const realtime = loaded.pipeline.realtime;
    realtime.epoch = 1_000_000;
    try {
      const rounds = await realtime.rehearseGroupWrite(2);
      expect(rounds).toHaveLength(2);
    } finally {
      realtime.epoch = null;
    }
    expect(await contents()).toBe(before);
  });
});
