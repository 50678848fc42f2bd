/**
 * The after-commit queue on the real Redis and BullMQ (`queueAfterCommit`): the groups queued
 * before a job starts make one derive job, delayed by the window, which takes every group waiting;
 * a group queued once it started schedules the next; a retried job finishes the groups it took
 * before taking others; two takers never take the same group; a worker that starts queues a job for
 * groups left without one. Own queue: the echo queue.
 */
import {
  finishAfterCommit,
  PENDING_AFTER_COMMIT,
  queueAfterCommit,
  resumeAfterCommit,
  startAfterCommit,
  takeAfterCommit,
} from '@onemap/resolver/derive';
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
  it('groups queued before a job starts make one delayed job, which takes them all', async () => {
    const windowMs = 60_000;
    for (let n = 0; n < 5; n++) await queueAfterCommit(redis, queue, group(n), windowMs);
    const jobs = await queue.getJobs(['delayed', 'waiting']);
    expect(jobs.length).toBe(1);
    expect(jobs[0]!.name).toBe('after-commit');
    expect(jobs[0]!.opts.delay).toBe(windowMs);
    await startAfterCommit(redis);
    const taken = await takeAfterCommit<ReturnType<typeof group>>(redis, jobs[0]!.id!);
    expect(ids(taken)).toEqual(['B-ACQ-0', 'B-ACQ-1', 'B-ACQ-2', 'B-ACQ-3', 'B-ACQ-4']);
    await finishAfterCommit(redis, jobs[0]!.id!);
    expect(await takeAfterCommit(redis, jobs[0]!.id!)).toEqual([]);
  });

  it('a group queued once a job has started schedules the next job', async () => {
    await queueAfterCommit(redis, queue, group(0), 0);
    expect((await queue.getJobs(['waiting', 'delayed'])).length).toBe(1);
    await queueAfterCommit(redis, queue, group(1), 0);
    expect((await queue.getJobs(['waiting', 'delayed'])).length, 'a job not started yet takes the second group').toBe(
      1,
    );
    await startAfterCommit(redis);
    await queueAfterCommit(redis, queue, group(2), 0);
    const jobs = await queue.getJobs(['waiting', 'delayed']);
    expect(jobs.length).toBe(2);
    expect(jobs.every((j) => !j.opts.delay)).toBe(true);
    // the first job takes all three (it takes after it started); the second then finds none
    expect(ids(await takeAfterCommit<ReturnType<typeof group>>(redis, 'first'))).toEqual([
      'B-ACQ-0',
      'B-ACQ-1',
      'B-ACQ-2',
    ]);
    expect(await takeAfterCommit(redis, 'second')).toEqual([]);
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

  it('a worker that starts queues a job for groups left without one', async () => {
    await queueAfterCommit(redis, queue, group(0), 0);
    await queue.obliterate({ force: true });
    expect(await resumeAfterCommit(redis, queue)).toBe(1);
    expect((await queue.getJobs(['waiting'])).length).toBe(1);
  });
});
