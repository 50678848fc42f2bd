import { type ConnectionOptions, type Job, type JobsOptions, Queue, type Processor, Worker, type WorkerOptions } from 'bullmq';

/** Queue names used by OneMap; one place, so producers and workers never disagree. */
export const QueueName = {
  /** A staged batch (file or pushed records) to standardize, resolve and write. */
  Ingest: 'onemap-ingest',
  /** Pushed records, standardized once at the door; the resolve leader group-commits them. */
  Realtime: 'onemap-realtime',
  /** Pushed records of trace-only sources: written by every worker in parallel, no resolve lock. */
  Traces: 'onemap-traces',
  /** Derivations after writes: co-travel, quality rules of pushed batches, watch events. */
  Derive: 'onemap-derive',
  /** Jobs that failed all their attempts, kept with their reason for an operator. */
  DeadLetter: 'onemap-dead-letter',
  /** Smoke-test queue used by tests and `services status`. */
  Echo: 'onemap-echo',
} as const;
export type QueueName = (typeof QueueName)[keyof typeof QueueName];

/**
 * Retries with exponential backoff (1 s, 2 s, 4 s … about two minutes in all: long enough to ride
 * out a Neo4j restart); completed jobs kept for a while so status stays queryable.
 */
export const DEFAULT_JOB_OPTIONS: JobsOptions = {
  attempts: 8,
  backoff: { type: 'exponential', delay: 1000 },
  removeOnComplete: { age: 7 * 24 * 3600, count: 10_000 },
  removeOnFail: { age: 30 * 24 * 3600 },
};

export function createQueue<T = unknown>(name: QueueName, connection: ConnectionOptions): Queue<T> {
  return new Queue<T>(name, { connection, defaultJobOptions: DEFAULT_JOB_OPTIONS });
}

export interface DeadLetter {
  queue: string;
  jobId: string | undefined;
  name: string;
  data: unknown;
  failedReason: string;
  attemptsMade: number;
  at: string;
}

/** A worker that can give the jobs in its hands back to their queue at once. */
export type HandingWorker<T, R> = Worker<T, R> & {
  /**
   * Moves every job this worker is running back to its queue's wait list, releasing its lock, so
   * another worker takes it now rather than when the lock lapses (a stop that cannot wait for the
   * jobs: the process exits right after). Resolves with how many were handed back.
   */
  handBack(): Promise<number>;
};

/**
 * A worker whose jobs, once they have failed every attempt, are copied to the dead-letter queue
 * with their reason. Stalled jobs (a worker that died) are picked up again by BullMQ's stall check;
 * a worker that stops without finishing hands its jobs back (`handBack`).
 */
export function createWorker<T, R>(
  name: QueueName,
  processor: Processor<T, R>,
  connection: ConnectionOptions,
  options: Partial<WorkerOptions> = {},
): HandingWorker<T, R> {
  const inHand = new Map<Job<T, R>, string | undefined>();
  const tracked: Processor<T, R> = async (job, token, signal) => {
    inHand.set(job, token);
    try {
      return await processor(job, token, signal);
    } finally {
      inHand.delete(job);
    }
  };
  const worker = new Worker<T, R>(name, tracked, {
    connection,
    concurrency: 1,
    stalledInterval: 5_000,
    maxStalledCount: 3,
    lockDuration: 30_000,
    ...options,
  });
  const dead = new Queue<DeadLetter>(QueueName.DeadLetter, { connection });
  worker.on('failed', async (job: Job<T, R> | undefined, err) => {
    if (!job) return;
    const attempts = job.opts.attempts ?? 1;
    if (job.attemptsMade < attempts) return;
    await dead.add(
      'dead',
      {
        queue: name,
        jobId: job.id,
        name: job.name,
        data: job.data,
        failedReason: err.message,
        attemptsMade: job.attemptsMade,
        at: new Date().toISOString(),
      },
      { jobId: `${name}--${job.id}`, removeOnComplete: false, removeOnFail: false },
    );
  });
  worker.on('closed', () => void dead.close());
  return Object.assign(worker, {
    async handBack() {
      const held = [...inHand];
      inHand.clear();
      const moved = await Promise.all(held.map(([job, token]) => job.moveToWait(token).then(() => 1, () => 0)));
      return moved.reduce((a: number, b: number) => a + b, 0);
    },
  });
}
