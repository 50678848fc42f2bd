import type { Queue, Worker } from 'bullmq';
import { resumeAfterCommit } from '../derive/after-commit-queue.ts';
import type { BatchInfo } from '../graph/batches.ts';
import type { StagedBatch } from '../intake/staged-batch.ts';
import type { HandingWorker } from '../queue/queues.ts';
import type { PipelineConfig } from '../config.ts';
import type { IngestPipeline } from '../pipeline/ingest-pipeline.ts';
import type { AfterCommitRun } from '../pipeline/realtime-ingest.ts';
import { scheduleQualityReports, startQualityWorker } from '../quality/report-job.ts';
import { type DeriveAside, deriveAsideWhileLeading } from './derive-aside.ts';
import { startIngestWorker } from './ingest-worker.ts';
import { type RealtimeWorkers, startRealtimeWorkers } from './realtime-workers.ts';
import { type Track, untracked } from './stop-on-signal.ts';

/** The background jobs of one process, stopped together. */
export interface BackgroundJobs {
  /** Ingest worker (closing it also closes the derive worker, `ingest.derive`: co-travel and watch events). */
  ingest: HandingWorker<StagedBatch, BatchInfo> & { derive: HandingWorker<unknown, number | AfterCommitRun> };
  /** Real-time pushes: the trace-only writer, and the group-commit worker while this process is the resolve leader. */
  realtime: RealtimeWorkers;
  /** Whether the derive worker steps aside while this process leads (`deriveAsideWhileLeading`). */
  deriveAside: DeriveAside;
  /** Period quality report worker, when this process schedules them (ONEMAP_QUALITY_REPORTS_EVERY_MS > 0). */
  quality: Worker | null;
  /**
   * Stops taking jobs and waits for the ones in hand to finish.
   * @param track sees each part's closing (a stopping worker names the parts it still waits for)
   */
  close(track?: Track): Promise<void>;
  /**
   * Gives the jobs in hand (files, pushes, derivations) back to their queues at once, for a stop
   * that cannot wait for them: another worker takes them up without waiting for their locks to
   * lapse. A period quality report cut short is not handed back; it runs again next period.
   */
  handBack(): Promise<number>;
}

/**
 * Starts every background job a worker runs: ingest of files, real-time pushes (the trace-only
 * writer, and the resolve leader's group commit when this process holds the lease), derivations
 * (quality rules of pushes, co-travel, watch events) and,
 * when `ONEMAP_QUALITY_REPORTS_EVERY_MS` > 0, the quality report scheduler and its worker.
 * `onemap worker` calls this; the server calls it only with `INGEST_WORKER=embedded`.
 * @param concurrency concurrent ingest jobs (default: the config's ONEMAP_WORKER_CONCURRENCY)
 * @param onError where worker errors go (a logger); they never crash the process
 */
export async function startBackgroundJobs(
  pipeline: IngestPipeline,
  config: Pick<PipelineConfig, 'ONEMAP_WORKER_CONCURRENCY' | 'ONEMAP_QUALITY_REPORTS_EVERY_MS' | 'ONEMAP_STANDBY_SYNC_MS'>,
  opts: { concurrency?: number; onError?: (what: string, err: Error) => void } = {},
): Promise<BackgroundJobs> {
  const onError = opts.onError ?? (() => {});
  const ingest = startIngestWorker(pipeline, { concurrency: opts.concurrency ?? config.ONEMAP_WORKER_CONCURRENCY });
  ingest.on('error', (err) => onError('ingest worker', err));
  await resumeAfterCommit(pipeline.deps.redis, pipeline.deriveQueue());
  let aside: DeriveAside | null = null;
  const realtime = startRealtimeWorkers(pipeline, { onError, standbySyncMs: config.ONEMAP_STANDBY_SYNC_MS, onLeader: () => void aside?.check() });
  // While this process leads and another runs a derive worker, the after-commit jobs go there.
  aside = deriveAsideWhileLeading(ingest.derive, pipeline.deriveQueue(), () => realtime.lease.epoch !== null, {
    onError: (err) => onError('derive worker', err),
  });
  let quality: Worker | null = null;
  let scheduler: Queue | null = null;
  if (config.ONEMAP_QUALITY_REPORTS_EVERY_MS > 0) {
    const { connection } = pipeline.deps;
    scheduler = await scheduleQualityReports(connection, config.ONEMAP_QUALITY_REPORTS_EVERY_MS);
    quality = startQualityWorker(connection, pipeline.deps.graph, pipeline.deps.catalog);
    quality.on('error', (err) => onError('quality report worker', err));
  }
  return {
    ingest,
    realtime,
    deriveAside: aside,
    quality,
    async close(track = untracked) {
      aside?.stop();
      await Promise.all([
        track('ingest and derive workers', ingest.close()),
        realtime.close(track),
        quality && track('quality report worker', quality.close()),
      ]);
      if (scheduler) await track('quality report scheduler', scheduler.close());
    },
    async handBack() {
      return (await ingest.handBack()) + (await realtime.handBack());
    },
  };
}
