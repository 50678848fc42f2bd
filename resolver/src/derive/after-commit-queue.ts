import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';

/** Committed groups whose after-commit work waits (one JSON item per group, oldest first). */
export const PENDING_AFTER_COMMIT = 'onemap:derive:after-commit';
/** The groups one after-commit job has taken and not finished (taken again when the job is retried). */
const TAKEN_PREFIX = 'onemap:derive:after-commit:taken:';
/** The after-commit window by default, ms (config ONEMAP_AFTER_COMMIT_WINDOW_MS). */
export const AFTER_COMMIT_WINDOW_MS = 200;
/** Most groups one take moves (a job takes again until nothing waits). */
export const AFTER_COMMIT_TAKE_MAX = 200;

/**
 * Queues a committed group's after-commit work (quality rules, co-travel marks, early warnings,
 * watch events): the group is appended to a list in Redis, and one derive job is scheduled per
 * window of `windowMs` (the job id names the window, so every group of the window makes one job),
 * delayed by the window: it runs once the window is over and takes every group waiting by then.
 * So the work of a stream of groups costs one job, one quality transaction, one warnings read and
 * one watches read per window instead of per group — fixed costs that otherwise competed with the
 * writes for the same two cores. The groups are in Redis (as job data were) before the job is
 * added, so a job never runs before the groups it was made for; a group added after its window's
 * job was taken is in a later window. `windowMs` 0: one job per group, at once.
 */
export async function queueAfterCommit(redis: Redis, queue: Queue, group: unknown, windowMs: number): Promise<void> {
  await redis.rpush(PENDING_AFTER_COMMIT, JSON.stringify(group));
  const window =
    windowMs > 0 ? `w${Math.floor(Date.now() / windowMs)}` : `n${await redis.incr(`${PENDING_AFTER_COMMIT}:n`)}`;
  await queue.add(
    'after-commit',
    {},
    { jobId: `after-commit-${window}`, ...(windowMs > 0 ? { delay: windowMs } : {}) },
  );
}

// Leftovers of an earlier attempt of this job first (a retried job finishes what it took);
// else moves up to ARGV[1] waiting groups into the job's own key, atomically (two derive
// workers never take the same group).
const TAKE = `
local leftover = redis.call('LRANGE', KEYS[2], 0, -1)
if #leftover > 0 then return leftover end
local items = redis.call('LRANGE', KEYS[1], 0, tonumber(ARGV[1]) - 1)
if #items == 0 then return items end
redis.call('LTRIM', KEYS[1], #items, -1)
redis.call('RPUSH', KEYS[2], unpack(items))
return items`;

/**
 * The waiting groups an after-commit job takes (at most `max`; what an earlier attempt of the same
 * job took and did not finish comes first). They stay the job's until `finishAfterCommit`.
 */
export async function takeAfterCommit<T>(redis: Redis, jobId: string, max = AFTER_COMMIT_TAKE_MAX): Promise<T[]> {
  const items = (await redis.eval(TAKE, 2, PENDING_AFTER_COMMIT, TAKEN_PREFIX + jobId, String(max))) as string[];
  return items.map((s) => JSON.parse(s) as T);
}

/** The groups the job took are done. */
export async function finishAfterCommit(redis: Redis, jobId: string): Promise<void> {
  await redis.del(TAKEN_PREFIX + jobId);
}

/**
 * At a worker's start: groups left waiting without a job (a leader that died between queueing a
 * group and adding its window's job) get one now. Returns how many groups were waiting.
 */
export async function resumeAfterCommit(redis: Redis, queue: Queue): Promise<number> {
  const waiting = await redis.llen(PENDING_AFTER_COMMIT);
  if (waiting > 0) await queue.add('after-commit', {}, { jobId: `after-commit-resume-${Date.now()}` });
  return waiting;
}
