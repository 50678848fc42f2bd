import { randomUUID } from 'node:crypto';
import { giveBackPendingCoTravel, schedulePendingCoTravel } from '../derive/derive-queue.ts';
import type { BatchInfo } from '../graph/batches.ts';
import type { StagedBatch } from '../intake/staged-batch.ts';
import type { IngestPipeline } from '../pipeline/ingest-pipeline.ts';
import type { AfterCommitJob, AfterCommitRun } from '../pipeline/realtime-ingest.ts';
import { createWorker, type HandingWorker, QueueName } from '../queue/queues.ts';

/**
 * A BullMQ worker on the ingest queue. Jobs retry with backoff (transient Neo4j faults, a lost
 * lock); a job whose worker died is taken up again by the stall check; jobs that fail every
 * attempt go to the dead-letter queue. Safe to run in several processes at once.
 */
export function startIngestWorker(
  pipeline: IngestPipeline,
  opts: {
    concurrency?: number;
    /** how long marks given back by a failed co-travel job wait for the job that derives them (default a minute) */
    coTravelRetryMs?: number;
  } = {},
): HandingWorker<StagedBatch, BatchInfo> & { derive: HandingWorker<unknown, number | AfterCommitRun> } {
  const retryMs = opts.coTravelRetryMs ?? 60_000;
  // Derive jobs: co-travel recomputation, and the after-commit work of pushed batches (quality
  // rules, co-travel marks, watch events), both off the write path.
  const derive = createWorker<unknown, number | AfterCommitRun>(
    QueueName.Derive,
    (job) =>
      job.name === 'after-commit'
        ? pipeline.realtime.runAfterCommitJob({ id: job.id, data: job.data as Partial<AfterCommitJob> })
        : pipeline.deriveNow(`job:${job.id}`),
    pipeline.deps.connection,
    // named for this process: the resolve leader steps aside when others exist (derive-aside.ts)
    { concurrency: 1, name: `derive-${process.pid}-${randomUUID().slice(0, 8)}` },
  );
  // A co-travel job failed for good (its last attempt, or stalled more often than allowed, which
  // BullMQ fails whatever the attempts) gives its marks back and schedules a job for them a while
  // later (no retry of this one will take them; the next write might never come), and the
  // dead-letter queue keeps the reason.
  derive.on('failed', (job) => {
    if (!job || job.name === 'after-commit') return;
    const giveBack = async () => {
      if (job.attemptsMade < (job.opts.attempts ?? 1) && (await job.getState()) !== 'failed') return;
      await giveBackPendingCoTravel(pipeline.deps.redis, `job:${job.id}`);
      await schedulePendingCoTravel(pipeline.deps.redis, pipeline.deriveQueue(), retryMs);
    };
    giveBack().catch((e: Error) => console.warn(`derive job ${job.id}: its co-travel marks could not be given back: ${e.message}`));
  });
  // Marks left pending when the last worker stopped (given back, or scheduled by a write whose job
  // was lost with Redis's last writes) are derived now, not at the next write.
  schedulePendingCoTravel(pipeline.deps.redis, pipeline.deriveQueue(), 300).catch((e: Error) =>
    console.warn(`pending co-travel marks could not be scheduled at start: ${e.message}`),
  );
  const ingest = createWorker<StagedBatch, BatchInfo>(
    QueueName.Ingest,
    async (job) => {
      let last = 0;
      return pipeline.processBatch(job.data, (p) => {
        const pct = p.total ? Math.round((100 * p.done) / p.total) : 0;
        if (pct !== last) {
          last = pct;
          void job.updateProgress({ ...p, pct });
        }
      });
    },
    pipeline.deps.connection,
    { concurrency: opts.concurrency ?? 2 },
  );
  // One handle stops both: closing the ingest worker (or handing its jobs back) does the derive worker's too.
  const close = ingest.close.bind(ingest);
  ingest.close = async (force?: boolean) => {
    await Promise.all([close(force), derive.close(force)]);
  };
  const handBack = ingest.handBack.bind(ingest);
  ingest.handBack = async () => (await handBack()) + (await derive.handBack());
  return Object.assign(ingest, { derive });
}
