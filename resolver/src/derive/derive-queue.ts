import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';

/** Persons and sightings whose co-travel must be derived (`coTravelMark`); drained by derive jobs. */
export const PENDING_COTRAVEL = 'onemap:derive:cotravel';
/** The persons one taker (a derive job, by its id) has taken and not finished: taken again first. */
const TAKEN_PREFIX = 'onemap:derive:cotravel:taken:';
/** Most persons one take moves (`deriveNow` takes again until none is pending). */
export const COTRAVEL_TAKE_MAX = 5000;

/**
 * What a derive job derives co-travel for, as pending marks (members of `PENDING_COTRAVEL`):
 * a person whose every pair is derived again (`eid`: a corrected record took a sighting away),
 * or a new sighting of a person (`eid` + tab + the record id of its `VISITED`), whose pairs with
 * the persons at that place and time are derived (`deriveCoTravelMarks`). An eid holds no tab.
 */
export const coTravelMark = {
  person: (eid: string) => eid,
  sighting: (eid: string, rid: string) => `${eid}\t${rid}`,
};

/**
 * Marks as a derive job takes them: persons derived whole, and the new sightings of the others
 * (the sightings of a person derived whole add nothing to it).
 */
export function parseCoTravelMarks(marks: readonly string[]): { persons: string[]; sightings: { eid: string; rids: string[] }[] } {
  const persons = new Set<string>();
  const sightings = new Map<string, string[]>();
  for (const m of marks) {
    const tab = m.indexOf('\t');
    if (tab < 0) persons.add(m);
    else {
      const eid = m.slice(0, tab);
      const rids = sightings.get(eid);
      if (rids) rids.push(m.slice(tab + 1));
      else sightings.set(eid, [m.slice(tab + 1)]);
    }
  }
  return {
    persons: [...persons],
    sightings: [...sightings].filter(([eid]) => !persons.has(eid)).map(([eid, rids]) => ({ eid, rids })),
  };
}

/**
 * The co-travel marks of a written batch: each new sighting of a person (a trace fact), and each
 * person a corrected record may have taken a sighting from, whole.
 */
export function coTravelMarksOf(touched: readonly { eid: string; type: string; rid: string }[], withdrawnTraces: readonly string[]): string[] {
  const marks = new Set<string>();
  for (const t of touched) if (t.type === 'trace' && t.eid.startsWith('P-')) marks.add(coTravelMark.sighting(t.eid, t.rid));
  for (const eid of withdrawnTraces) if (eid.startsWith('P-')) marks.add(coTravelMark.person(eid));
  return [...marks];
}

/**
 * Marks persons or sightings for co-travel derivation (`coTravelMark`) and schedules one derive
 * job per second (the job id is the second, so a burst of batches makes one job). Derivation
 * runs off the write path, so a pushed record becomes visible without waiting for it.
 */
export async function scheduleCoTravel(redis: Redis, queue: Queue, marks: readonly string[]): Promise<void> {
  if (!marks.length) return;
  for (let i = 0; i < marks.length; i += 5000)
    await redis.sadd(PENDING_COTRAVEL, ...marks.slice(i, i + 5000));
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
