import type { Redis } from 'ioredis';
import type { BatchInfo } from '../graph/batches.ts';
import type { StagedBatch } from '../intake/staged-batch.ts';

/** Redis key of a pushed batch's first delivery (`<prefix><batchId>`). */
export const PUSH_KEY_PREFIX = 'onemap:push:';

/**
 * How long the door remembers a push's content: as long as BullMQ keeps completed jobs (7 days).
 * A re-delivery after that is taken as new at the door; the worker then finds the batch done in
 * the graph and writes nothing again.
 */
export const PUSH_TTL_SECONDS = 7 * 24 * 3600;

/** What the door keeps of a pushed batch until its group commits (the graph has no Batch node yet). */
type PendingPush = Pick<BatchInfo, 'batchId' | 'source' | 'originalName' | 'way' | 'receivedAt'>;

/**
 * Claims a pushed batch's first delivery in Redis (SET NX with a TTL): true for content never
 * pushed before (within the TTL), false for a re-delivery. The door's one round trip for the
 * dedupe by content, instead of a graph write per push; the Batch node is written by the group
 * transaction that commits the push's records.
 */
export async function claimPush(redis: Redis, batch: StagedBatch, ttlSeconds = PUSH_TTL_SECONDS): Promise<boolean> {
  const pending: PendingPush = {
    batchId: batch.batchId,
    source: batch.source,
    originalName: batch.originalName,
    way: batch.way,
    receivedAt: batch.receivedAt,
  };
  return (
    (await redis.set(`${PUSH_KEY_PREFIX}${batch.batchId}`, JSON.stringify(pending), 'EX', ttlSeconds, 'NX')) === 'OK'
  );
}

/** A pushed batch the door accepted and no group has committed yet, as a queued `BatchInfo` (null if unknown). */
export async function pendingPush(redis: Redis, batchId: string): Promise<BatchInfo | null> {
  const v = await redis.get(`${PUSH_KEY_PREFIX}${batchId}`);
  if (!v) return null;
  return { ...(JSON.parse(v) as PendingPush), status: 'queued', deliveries: 1 };
}
