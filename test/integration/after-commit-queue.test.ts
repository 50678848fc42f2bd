/**
 * The after-commit queue on the real Redis and BullMQ (`queueAfterCommit`): the groups committed
 * within one window make one derive job, which runs once the window is over and takes every group
 * waiting; a retried job finishes the groups it took before taking others; two takers never take
 * the same group; with window 0 every group has a job of its own. Own queue: the echo queue.
 */
import { finishAfterCommit, PENDING_AFTER_COMMIT, queueAfterCommit, takeAfterCommit } from '@onemap/resolver/derive';
import { createQueue, QueueName, redisConnectionOf } from '@onemap/resolver/queue';
import type { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { testEnv } from '../helpers/env.ts';

let redis: Redis;
let queue: Queue;

beforeAll(async () => {
  redis = new Redis(testEnv.REDIS_URL, { maxRetriesPerRequest: 3 });
  queue = createQueue(QueueName.Echo, redisConnectionOf(testEnv.REDIS_URL));
});
beforeEach(async () => {
  await queue.obliterate({ force: true });
  const taken = await redis.keys(`${PENDING_AFTER_COMMIT}*`);
  if (taken.length) await redis.del(...taken);
});
afterAll(async () => {
  await queue.obliterate({ force: true });
  await queue.close();
  redis.disconnect();
});

const group = (n: number) => ({ items: [{ batch: { batchId: `B-ACQ-${n}` } }] });
const ids = (groups: { items: { batch: { batchId: string } }[] }[]) =>
  groups.flatMap((g) => g.items.map((i) => i.batch.batchId));

describe('the after-commit queue', () => {
  it('groups of one window make one delayed job, which takes them all', async () => {
    // a long window, so the groups below fall in one or (at a boundary) two windows
    const windowMs = 60_000;
    for (let n = 0; n < 5; n++) await queueAfterCommit(redis, queue, group(n), windowMs);
    const jobs = await queue.getJobs(['delayed', 'waiting']);
    expect(jobs.length).toBeGreaterThanOrEqual(1);
    expect(jobs.length).toBeLessThanOrEqual(2);
    expect(jobs.every((j) => j.name === 'after-commit' && j.opts.delay === windowMs)).toBe(true);
    const taken = await takeAfterCommit<ReturnType<typeof group>>(redis, jobs[0]!.id!);
    expect(ids(taken)).toEqual(['B-ACQ-0', 'B-ACQ-1', 'B-ACQ-2', 'B-ACQ-3', 'B-ACQ-4']);
    await finishAfterCommit(redis, jobs[0]!.id!);
    expect(await takeAfterCommit(redis, jobs[0]!.id!)).toEqual([]);
  });

  it('a retried job takes what it took before first; another taker never gets those groups', async () => {
    for (let n = 0; n < 3; n++) await queueAfterCommit(redis, queue, group(n), 0);
    const first = await takeAfterCommit<ReturnType<typeof group>>(redis, 'job-A', 2);
    expect(ids(first)).toEqual(['B-ACQ-0', 'B-ACQ-1']);
    // job A failed before finishing; job B takes what is left, never A's groups
    const other = await takeAfterCommit<ReturnType<typeof group>>(redis, 'job-B', 10);
    expect(ids(other)).toEqual(['B-ACQ-2']);
    await queueAfterCommit(redis, queue, group(3), 0);
    // A's retry: its own groups again, not the new one
    expect(ids(await takeAfterCommit<ReturnType<typeof group>>(redis, 'job-A', 10))).toEqual(['B-ACQ-0', 'B-ACQ-1']);
    await finishAfterCommit(redis, 'job-A');
    expect(ids(await takeAfterCommit<ReturnType<typeof group>>(redis, 'job-A', 10))).toEqual(['B-ACQ-3']);
  });

  it('with window 0, every group has a job of its own, at once', async () => {
    for (let n = 0; n < 3; n++) await queueAfterCommit(redis, queue, group(n), 0);
    const jobs = await queue.getJobs(['waiting', 'delayed']);
    expect(jobs.length).toBe(3);
    expect(jobs.every((j) => !j.opts.delay)).toBe(true);
  });
});
