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

/** Set while a job is queued that has not started yet: the groups queued meanwhile are its. */
const SCHEDULED = 'onemap:derive:after-commit:scheduled';
/** Numbers the after-commit jobs (their ids). */
const JOB_COUNTER = 'onemap:derive:after-commit:jobs';
/**
 * How long the scheduled mark lives without its job starting (a process that died between marking
 * and adding the job): groups queued then wait at most this long for the next group's job.
 */
const SCHEDULED_TTL_MS = 10_000;

// Appends the group; marks a job scheduled unless one is, and then returns the new job's number
// (0: a job that has not started yet will take this group).
const QUEUE = `
redis.call('RPUSH', KEYS[1], ARGV[1])
if redis.call('SET', KEYS[2], '1', 'NX', 'PX', tonumber(ARGV[2])) then return redis.call('INCR', KEYS[3]) end
return 0`;

/**
 * Queues a committed group's after-commit work (quality rules, co-travel marks, early warnings,
 * watch events): the group is appended to a list in Redis, and a derive job is added unless one is
 * scheduled that has not started yet; the job is delayed by `windowMs` and takes every group
 * waiting when it runs. So the work of a stream of groups costs one job, one quality transaction,
 * one warnings read and one watches read per window instead of per group — fixed costs that
 * otherwise competed with the writes for the same two cores. The group is in Redis (as job data
 * were) before any job could take it, and a job clears the mark before it takes anything, so a
 * group is always taken by a job that starts after it was queued (no clock is compared: several
 * processes queue). `windowMs` 0: the job runs at once.
 */
export async function queueAfterCommit(redis: Redis, queue: Queue, group: unknown, windowMs: number): Promise<void> {
  const n = Number(
    await redis.eval(
      QUEUE,
      3,
      PENDING_AFTER_COMMIT,
      SCHEDULED,
      JOB_COUNTER,
      JSON.stringify(group),
      String(SCHEDULED_TTL_MS),
    ),
  );
  if (n > 0)
    await queue.add('after-commit', {}, { jobId: `after-commit-${n}`, ...(windowMs > 0 ? { delay: windowMs } : {}) });
}

/** A job starts: the groups queued from now on schedule a job of their own. */
export async function startAfterCommit(redis: Redis): Promise<void> {
  await redis.del(SCHEDULED);
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
  if (waiting > 0) await queue.add('after-commit', {}, { jobId: `after-commit-${await redis.incr(JOB_COUNTER)}` });
  return waiting;
}
