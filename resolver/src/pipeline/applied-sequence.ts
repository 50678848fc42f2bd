import type { Redis } from 'ioredis';

/**
 * The highest resolution sequence whose write has committed AND been applied: a writer of
 * sequences (a file batch's chunk, the leader's group) sets it once its commit has returned.
 *
 * Why not `PipelineState.seq`: Neo4j applies a commit to the store and then to its indexes, and a
 * read beside the writer can see the sequence move while the (seq, rid) index does not yet hold
 * that sequence's records — a follower reading then skips them for good (seen in
 * `realtime-standby.test.ts`: a 2,000-record chunk's sequence visible for more than 100 ms before
 * its records). A commit that has returned to its writer is applied whole, so a follower reading
 * no further than this value sees every record up to it. The resolve leader never needs it: it
 * reads under the resolve lock, beside no writer of sequences.
 */
export const APPLIED_SEQUENCE_KEY = 'onemap:resolution-seq:applied';

/** Raises it, never lowers it (groups commit in order, but a late call must not move it back). */
const RAISE = `local v = tonumber(redis.call('get', KEYS[1]) or '0')
if v < tonumber(ARGV[1]) then redis.call('set', KEYS[1], ARGV[1]) end
return 1`;

/** Records that every sequence up to `seq` is committed and applied. */
export async function publishAppliedSequence(redis: Redis, seq: number): Promise<void> {
  await redis.eval(RAISE, 1, APPLIED_SEQUENCE_KEY, String(seq));
}

/** Sets it whatever it was: a bulk load replaced the database, whose every record is applied once it has started. */
export async function setAppliedSequence(redis: Redis, seq: number): Promise<void> {
  await redis.set(APPLIED_SEQUENCE_KEY, String(seq));
}

/** The highest sequence known applied (0 when none is: a follower then reads nothing yet). */
export async function readAppliedSequence(redis: Redis): Promise<number> {
  return Number((await redis.get(APPLIED_SEQUENCE_KEY)) ?? 0);
}
