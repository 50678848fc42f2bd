import type { Redis } from 'ioredis';

/** Redis list the leader appends one `GroupTiming` per group to, when timings are on (the bench reads it). */
export const GROUP_TIMINGS_KEY = 'onemap:group-timings';
/** The list keeps the newest this many groups. */
const GROUP_TIMINGS_KEPT = 20_000;

/**
 * Where one group commit of the resolve leader spent its time, in ms (config ONEMAP_GROUP_TIMINGS):
 * `waited` how long its pushes sat in the leader's process before the flush began (oldest / mean),
 * then each stage of the flush in order: `pending` (the batches' status read), `lock` (taking the
 * resolve lock), `sync` (the index catch-up read), `resolve` (CPU), `previous` (waiting for the
 * previous group's write to end), `tx` (the write transaction's statements) and `commit` (the rest
 * of the transaction: the commit itself); `total` ends there. The groups are pipelined: `cycle`
 * (flush start to its write's start) is the leader's time on the path; the next group's flush
 * starts then, and resolves while this one's `tx` and `commit` run. `after` (queueing the
 * after-commit job) runs while the next group goes on, so it is not in `total`; the group's pushes
 * are acked by BullMQ after it, and the acks are in neither. `loopMax` / `loopMean`: the leader
 * process's event-loop delay since the previous group's timing (a statement's answer, a lock
 * renewal, the next group's flush wait that long for the thread: the resolve's slices, the
 * driver's packing, the derive job's synchronous work in the same process, time off the cores).
 */
export interface GroupTiming {
  /** flush start, epoch ms */
  at: number;
  jobs: number;
  records: number;
  waitedMax: number;
  waitedMean: number;
  pending: number;
  lock: number;
  sync: number;
  resolve: number;
  /** waiting for the previous group's write to end (pipelined groups) */
  previous?: number;
  tx: number;
  commit: number;
  after: number;
  /** flush start → its write started: the leader's time on the path before the next group's flush */
  cycle?: number;
  total: number;
  /** the longest / mean event-loop delay since the previous group's timing (ms) */
  loopMax?: number;
  loopMean?: number;
}

/** Appends a group's timing (one Redis round trip; errors are ignored, timings never fail a group). */
export async function recordGroupTiming(redis: Redis, t: GroupTiming): Promise<void> {
  await redis
    .multi()
    .rpush(GROUP_TIMINGS_KEY, JSON.stringify(t))
    .ltrim(GROUP_TIMINGS_KEY, -GROUP_TIMINGS_KEPT, -1)
    .exec()
    .catch(() => undefined);
}

/** Every group timing kept, oldest first. */
export async function readGroupTimings(redis: Redis): Promise<GroupTiming[]> {
  return (await redis.lrange(GROUP_TIMINGS_KEY, 0, -1)).map((s) => JSON.parse(s) as GroupTiming);
}
