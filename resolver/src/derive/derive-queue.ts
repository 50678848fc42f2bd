import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';

/** Persons whose co-travel must be recomputed; drained by derive jobs. */
export const PENDING_COTRAVEL = 'onemap:derive:cotravel';
/** The persons one taker (a derive job, by its id) has taken and not finished: taken again first. */
const TAKEN_PREFIX = 'onemap:derive:cotravel:taken:';
/** Most persons one take moves (`deriveNow` takes again until none is pending). */
export const COTRAVEL_TAKE_MAX = 5000;

/**
 * Marks persons for co-travel recomputation and schedules one derive job per second (the job
 * id is the second, so a burst of batches makes one job). Derivation runs off the write path,
 * so a pushed record becomes visible without waiting for it.
 */
export async function scheduleCoTravel(redis: Redis, queue: Queue, personEids: string[]): Promise<void> {
  if (!personEids.length) return;
  for (let i = 0; i < personEids.length; i += 5000)
    await redis.sadd(PENDING_COTRAVEL, ...personEids.slice(i, i + 5000));
  await queue.add('co-travel', {}, { jobId: `cotravel-${Math.floor(Date.now() / 1000)}`, delay: 300 });
}

/**
 * Schedules a derive job for marks already pending, if any, after `delayMs`: marks given back by a
 * job that failed for good, or left by a process that died, are derived without waiting for the
 * next write to schedule a job (nothing may ever come for a quiet source). Its own job id, so a
 * job of the same second that has run already does not swallow it. Resolves with whether it did.
 */
export async function schedulePendingCoTravel(redis: Redis, queue: Queue, delayMs: number): Promise<boolean> {
  if (!(await redis.scard(PENDING_COTRAVEL))) return false;
  await queue.add('co-travel', {}, { jobId: `cotravel-pending-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`, delay: delayMs });
  return true;
}

// What this taker took and did not finish first (a retried job, or one whose process died and
// that the stall check gave back, finishes it); else moves up to ARGV[1] pending persons into
// the taker's own set, atomically (two derive workers never take the same mark). SADD in slices:
// Lua's unpack has a stack limit.
const TAKE = `
local leftover = redis.call('SMEMBERS', KEYS[2])
if #leftover > 0 then return leftover end
local items = redis.call('SPOP', KEYS[1], tonumber(ARGV[1]))
for i = 1, #items, 5000 do
  redis.call('SADD', KEYS[2], unpack(items, i, math.min(i + 4999, #items)))
end
return items`;

/**
 * Takes up to `max` pending persons for `taker` (a derive job's id): they stay the taker's until
 * `finishPendingCoTravel`, and a taker that takes again before finishing gets the same persons —
 * so a derivation that fails, or whose process is killed, is done again by the job's retry
 * instead of being lost with the popped marks (a companion edge missing until the person is seen
 * again). A derivation is idempotent: doing a taken one twice changes nothing.
 */
export async function takePendingCoTravel(redis: Redis, taker: string, max = COTRAVEL_TAKE_MAX): Promise<string[]> {
  return (await redis.eval(TAKE, 2, PENDING_COTRAVEL, TAKEN_PREFIX + taker, String(max))) as string[];
}

// The taker's persons back into the pending set, atomically, and the taker's set gone.
const GIVE_BACK = `
local n = redis.call('SCARD', KEYS[2])
if n > 0 then redis.call('SUNIONSTORE', KEYS[1], KEYS[1], KEYS[2]) end
redis.call('DEL', KEYS[2])
return n`;

/**
 * Gives what `taker` took and did not finish back to the pending set (a derive job that failed its
 * last attempt: no retry of it will take them), so the next derive job derives them instead of
 * the marks waiting, unseen, in a set no job takes. Resolves with how many went back.
 */
export async function giveBackPendingCoTravel(redis: Redis, taker: string): Promise<number> {
  return Number(await redis.eval(GIVE_BACK, 2, PENDING_COTRAVEL, TAKEN_PREFIX + taker));
}

/** The taker's persons are derived: its next take takes pending ones. */
export async function finishPendingCoTravel(redis: Redis, taker: string): Promise<void> {
  await redis.del(TAKEN_PREFIX + taker);
}
