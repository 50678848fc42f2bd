/**
 * Issue 13 (nothing lost): a person marked for co-travel is derived even when the derivation that
 * took the mark fails or its process dies. The marks were popped from the pending set (`SPOP`)
 * and gone with the process: a worker stopped mid-derivation (at 1 M a derivation of 5,000 persons
 * takes seconds, longer than the 25 s a SIGTERM waits under load) left those persons' companion
 * edges missing until they were seen again. Now a taker (a derive job, by its id) keeps what it
 * took until it finishes, and its retry takes that first; a job that fails its last attempt gives
 * them back to the pending set and schedules a job for them, and a worker that starts schedules one for
 * marks left pending. Own ids: `P-CTM*`, `L-CTM*`.
 */
import { readTx, writeTx } from '@onemap/graph-schema/server';
import { finishPendingCoTravel, PENDING_COTRAVEL, takePendingCoTravel } from '@onemap/resolver/derive';
import { startIngestWorker } from '@onemap/resolver/jobs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPersonsAndPlaces, type TestVisit, writeVisits } from '../helpers/cotravel-graph.ts';
import { clearGraph } from '../helpers/graph.ts';
import { openTestPipeline } from '../helpers/pipeline.ts';

const t = openTestPipeline();
const A = 'P-CTM-A';
const B = 'P-CTM-B';
const C = 'P-CTM-C';
const PLACES = ['L-CTM-1', 'L-CTM-2', 'L-CTM-3'];
// travellers elsewhere: the population that makes three quiet legs together unlikely by chance
const OTHERS = Array.from({ length: 200 }, (_, i) => `P-CTM-O${i}`);
// A and B together at three places, a day apart each: companions
const together: TestVisit[] = PLACES.flatMap((place, i) => [
  { eid: A, place, at: `2026-11-0${5 + i}T08:00:00Z`, rid: `rail:ctm-a${i}` },
  { eid: B, place, at: `2026-11-0${5 + i}T08:10:00Z`, rid: `rail:ctm-b${i}` },
]);

async function edges(): Promise<string[]> {
  return readTx(t.graph, async (tx) =>
    (
      await tx.run(
        "MATCH (x:Person)-[:CO_TRAVELED]->(y:Person) WHERE x.eid STARTS WITH 'P-CTM' RETURN x.eid + '|' + y.eid AS e ORDER BY e",
      )
    ).records.map((r) => String(r.get('e'))),
  );
}

beforeAll(async () => {
  await clearGraph(t.graph);
  await t.redis.flushdb();
  await createPersonsAndPlaces(t.graph, [A, B, C, ...OTHERS], [...PLACES, 'L-CTM-X']);
  await writeVisits(t.graph, [
    ...together,
    ...OTHERS.map((eid, i) => ({
      eid,
      place: 'L-CTM-X',
      at: `2026-11-0${1 + (i % 3)}T0${i % 10}:00:00Z`,
      rid: `netcafe:ctm-o${i}`,
    })),
  ]);
});

afterAll(async () => {
  await t.close();
});

describe('co-travel marks are kept until derived (issue 13)', () => {
  it('what a failed derivation took is derived by its retry, first; another taker never takes it', async () => {
    await t.redis.sadd(PENDING_COTRAVEL, A, B);
    // a derive job takes the marks and dies before deriving them
    expect((await takePendingCoTravel(t.redis, 'job:dead')).sort()).toEqual([A, B]);
    expect(await t.redis.scard(PENDING_COTRAVEL)).toBe(0);
    await t.redis.sadd(PENDING_COTRAVEL, C);
    // another job meanwhile takes only what is pending
    expect(await takePendingCoTravel(t.redis, 'job:other')).toEqual([C]);
    await finishPendingCoTravel(t.redis, 'job:other');
    expect(await edges()).toEqual([]);
    // the dead job's retry (the same id): its marks first, then nothing is left anywhere
    await t.pipeline.deriveNow('job:dead');
    expect(await edges()).toEqual([`${A}|${B}`]);
    expect(await takePendingCoTravel(t.redis, 'job:dead')).toEqual([]);
    expect(await t.redis.scard(PENDING_COTRAVEL)).toBe(0);
  });

  it('a taker that takes again before finishing gets the same marks (a retry does not skip them)', async () => {
    await t.redis.sadd(PENDING_COTRAVEL, A, B, C);
    const first = (await takePendingCoTravel(t.redis, 'job:again', 2)).sort();
    expect(first).toHaveLength(2);
    expect((await takePendingCoTravel(t.redis, 'job:again', 2)).sort()).toEqual(first);
    await finishPendingCoTravel(t.redis, 'job:again');
    // the one left pending is taken next, and more marks than a Lua unpack holds move at once
    const many = Array.from({ length: 12_000 }, (_, i) => `P-CTM-N${i}`);
    await t.redis.sadd(PENDING_COTRAVEL, ...many);
    const taken = await takePendingCoTravel(t.redis, 'job:again', 100_000);
    expect(taken).toHaveLength(12_001);
    expect(await takePendingCoTravel(t.redis, 'job:again', 100_000)).toHaveLength(12_001);
    await finishPendingCoTravel(t.redis, 'job:again');
  });

  it('a derive job that fails its last attempt gives its marks back, and a job scheduled for them derives them', async () => {
    await writeTx(t.graph, (tx) =>
      tx.run("MATCH (x:Person)-[r:CO_TRAVELED]-() WHERE x.eid STARTS WITH 'P-CTM' DELETE r"),
    );
    expect(await edges()).toEqual([]);
    await t.redis.del(PENDING_COTRAVEL);
    // nothing pending when it starts: it schedules nothing of its own
    const worker = startIngestWorker(t.pipeline, { concurrency: 1, coTravelRetryMs: 1500 });
    await new Promise((r) => setTimeout(r, 500));
    await t.redis.sadd(PENDING_COTRAVEL, A, B);
    // the derivation takes the marks and fails, every attempt (Neo4j gone for longer than the retries)
    const real = t.pipeline.deriveNow.bind(t.pipeline);
    const took: string[][] = [];
    t.pipeline.deriveNow = async (taker?: string) => {
      took.push(await takePendingCoTravel(t.redis, taker ?? 'direct'));
      throw new Error('Neo4j unavailable (test)');
    };
    try {
      await t.pipeline
        .deriveQueue()
        .add('co-travel', {}, { jobId: 'cotravel-ctm-fails', attempts: 2, backoff: { type: 'fixed', delay: 50 } });
      const deadline = Date.now() + 30_000;
      while ((took.length < 2 || (await t.redis.scard(PENDING_COTRAVEL)) < 2) && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 20));
      expect(took.map((x) => x.sort())).toEqual([
        [A, B],
        [A, B],
      ]);
      expect((await t.redis.smembers(PENDING_COTRAVEL)).sort()).toEqual([A, B]);
      // Neo4j back: no write comes, yet the job scheduled for the given-back marks derives them
      t.pipeline.deriveNow = real;
      const until = Date.now() + 30_000;
      while ((await edges()).length === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
      expect(await edges()).toEqual([`${A}|${B}`]);
      expect(await t.redis.scard(PENDING_COTRAVEL)).toBe(0);
      expect(await takePendingCoTravel(t.redis, 'job:cotravel-ctm-fails')).toEqual([]);
    } finally {
      t.pipeline.deriveNow = real;
      await worker.close();
    }
  });

  it('marks pending when a worker starts are derived then, without a write', async () => {
    await writeTx(t.graph, (tx) =>
      tx.run("MATCH (x:Person)-[r:CO_TRAVELED]-() WHERE x.eid STARTS WITH 'P-CTM' DELETE r"),
    );
    await t.redis.sadd(PENDING_COTRAVEL, A, B);
    const worker = startIngestWorker(t.pipeline, { concurrency: 1 });
    try {
      const until = Date.now() + 30_000;
      while ((await edges()).length === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
      expect(await edges()).toEqual([`${A}|${B}`]);
      expect(await t.redis.scard(PENDING_COTRAVEL)).toBe(0);
    } finally {
      await worker.close();
    }
  });
});
