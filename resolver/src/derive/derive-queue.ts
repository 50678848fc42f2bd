import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';

/** Persons whose co-travel must be recomputed; drained by derive jobs. */
export const PENDING_COTRAVEL = 'onemap:derive:cotravel';

/**
 * Marks persons for co-travel recomputation and schedules one derive job per second (the job
 * id is the second, so a burst of batches makes one job). Derivation runs off the write path,
 * so a pushed record becomes visible without waiting for it.
 */
export async function scheduleCoTravel(redis: Redis, queue: Queue, personEids: string[]): Promise<void> {
  if (!personEids.length) return;
  for (let i = 0; i < personEids.length; i += 5000) await redis.sadd(PENDING_COTRAVEL, ...personEids.slice(i, i + 5000));
  await queue.add('co-travel', {}, { jobId: `cotravel-${Math.floor(Date.now() / 1000)}`, delay: 300 });
}

/** Takes up to `max` pending persons off the set. */
export async function takePendingCoTravel(redis: Redis, max = 5000): Promise<string[]> {
  return (await redis.spop(PENDING_COTRAVEL, max)) ?? [];
}
