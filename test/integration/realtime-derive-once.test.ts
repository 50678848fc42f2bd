/**
 * The after-commit work of pushes (quality rules, co-travel marks, watch events) runs once for
 * every committed group, the groups of a window together in one `after-commit` job
 * (`queueAfterCommit`), whichever process takes it: alone, the resolve leader
 * runs it itself; while another process runs a derive worker, the leader's derive worker steps
 * aside (`deriveAsideWhileLeading`) and the other takes every group's job; when the other goes,
 * the leader takes them again. Nothing is lost and nothing runs twice. Own ids: `T-DER-*`.
 */
import { type BackgroundJobs, startBackgroundJobs } from '@onemap/resolver/jobs';
import type { AfterCommitRun } from '@onemap/resolver/pipeline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clearGraph } from '../helpers/graph.ts';
import { hotelRecord } from '../helpers/hotel-records.ts';
import { openTestPipeline } from '../helpers/pipeline.ts';

const a = openTestPipeline();
const b = openTestPipeline();
const config = { ONEMAP_WORKER_CONCURRENCY: 1, ONEMAP_QUALITY_REPORTS_EVERY_MS: 0, ONEMAP_STANDBY_SYNC_MS: 0 };
const running: BackgroundJobs[] = [];

beforeAll(async () => {
  await clearGraph(a.graph);
  await a.redis.flushdb();
});
afterAll(async () => {
  await Promise.all(running.map((j) => j.close()));
  await Promise.all([a.close(), b.close()]);
});

async function start(p: typeof a): Promise<BackgroundJobs> {
  const jobs = await startBackgroundJobs(p.pipeline, config);
  running.push(jobs);
  return jobs;
}

/** Pushes `n` batches of two hotel records each, at once; returns their batch ids. */
async function push(tag: string, n: number, base: number): Promise<string[]> {
  const out = await Promise.all(
    Array.from({ length: n }, (_, i) =>
      a.pipeline.submitRecords('hotel', [
        hotelRecord(base + 2 * i, { record_id: `T-DER-${tag}-${2 * i}` }),
        hotelRecord(base + 2 * i + 1, { record_id: `T-DER-${tag}-${2 * i + 1}` }),
      ]),
    ),
  );
  return out.map((r) => r.batchId);
}

/** Waits until every batch is done and its after-commit job has run (the batch is marked checked). */
async function checked(ids: string[]): Promise<void> {
  await expect
    .poll(
      async () => {
        const res = await a.graph.driver.executeQuery(
          'UNWIND $ids AS id MATCH (x:Batch {batchId: id}) WHERE x.status = "done" AND x.checkedAt IS NOT NULL RETURN count(x) AS n',
          { ids },
          { database: a.graph.database },
        );
        return Number(res.records[0]!.get('n'));
      },
      { timeout: 60_000, interval: 200 },
    )
    .toBe(ids.length);
}

/** The after-commit jobs that ran the work of these batches: which worker ran each, and the batches of each. */
async function afterCommitJobs(ids: string[]): Promise<{ by: string; batches: string[] }[]> {
  const want = new Set(ids);
  const jobs = await a.pipeline.deriveQueue().getJobs(['completed', 'active', 'waiting', 'failed', 'delayed']);
  return jobs
    .filter((j) => j.name === 'after-commit')
    .map((j) => ({ by: j.processedBy ?? '', batches: (j.returnvalue as AfterCommitRun | null)?.batches ?? [] }))
    .filter((j) => j.batches.some((id) => want.has(id)));
}

/** Quality reports per batch, and the groups (distinct pipeline sequences) the batches' records were written in. */
async function reportsAndGroups(ids: string[]): Promise<{ reports: number[]; groups: number }> {
  const reports = await a.graph.driver.executeQuery(
    'UNWIND $ids AS id OPTIONAL MATCH (q:QualityReport {batchId: id}) RETURN id, count(q) AS n',
    { ids },
    { database: a.graph.database },
  );
  const groups = await a.graph.driver.executeQuery(
    'MATCH (r:SourceRecord) WHERE r.batchId IN $ids RETURN count(DISTINCT r.seq) AS n',
    { ids },
    { database: a.graph.database },
  );
  return { reports: reports.records.map((r) => Number(r.get('n'))), groups: Number(groups.records[0]!.get('n')) };
}

/**
 * Every batch's work ran in exactly one after-commit job, each batch has one quality report, and
 * the groups' work was not spread over more jobs than there were groups (a window's groups share one).
 */
async function expectOncePerGroup(ids: string[]): Promise<{ by: string; batches: string[] }[]> {
  // a batch is marked checked before its job ends (watch events and co-travel marks come after):
  // wait until the jobs that ran them have completed and said which batches they ran
  await expect
    .poll(
      async () => new Set((await afterCommitJobs(ids)).flatMap((j) => j.batches).filter((id) => ids.includes(id))).size,
      {
        timeout: 30_000,
        interval: 100,
      },
    )
    .toBe(ids.length);
  const jobs = await afterCommitJobs(ids);
  const seen = jobs.flatMap((j) => j.batches).filter((id) => ids.includes(id));
  expect([...seen].sort()).toEqual([...ids].sort());
  const { reports, groups } = await reportsAndGroups(ids);
  expect(jobs.length).toBeGreaterThan(0);
  expect(jobs.length).toBeLessThanOrEqual(groups);
  expect(reports).toEqual(ids.map(() => 1));
  return jobs;
}

describe('the after-commit job of a group', () => {
  let leader: BackgroundJobs;
  let other: BackgroundJobs;

  it('alone, the resolve leader runs every group’s work itself, once', async () => {
    leader = await start(a);
    await expect.poll(() => leader.realtime.lease.epoch !== null, { timeout: 30_000 }).toBe(true);
    const ids = await push('ALONE', 30, 9100);
    await checked(ids);
    const jobs = await expectOncePerGroup(ids);
    expect(leader.deriveAside.aside).toBe(false);
    expect(new Set(jobs.map((j) => j.by)).size).toBe(1);
  });

  it('while another process runs a derive worker, the leader steps aside and the other runs every group’s work, once', async () => {
    other = await start(b);
    await leader.deriveAside.check();
    await expect.poll(() => leader.deriveAside.aside, { timeout: 30_000 }).toBe(true);
    expect(other.deriveAside.aside).toBe(false);
    const ids = await push('ASIDE', 30, 9300);
    await checked(ids);
    const jobs = await expectOncePerGroup(ids);
    // the jobs ran in the other process (each derive worker has its own name); a paused BullMQ
    // worker may still take the one job its blocking fetch was waiting for when it paused
    const names = [leader.ingest.derive.opts.name, other.ingest.derive.opts.name];
    expect(jobs.every((j) => names.includes(j.by))).toBe(true);
    expect(jobs.filter((j) => j.by !== other.ingest.derive.opts.name).length).toBeLessThanOrEqual(1);
  });

  it('when the other process goes, the leader takes the jobs again: nothing waits for a worker that is gone', async () => {
    await other.close();
    running.splice(running.indexOf(other), 1);
    await leader.deriveAside.check();
    await expect.poll(() => leader.deriveAside.aside, { timeout: 30_000 }).toBe(false);
    const ids = await push('BACK', 20, 9500);
    await checked(ids);
    const jobs = await expectOncePerGroup(ids);
    expect(new Set(jobs.map((j) => j.by))).toEqual(new Set([leader.ingest.derive.opts.name]));
  });
});
