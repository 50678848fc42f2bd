import type { EntityKind, SourceCatalogEntry } from '@onemap/graph-schema';
import type { Graph } from '@onemap/graph-schema/server';
import type { ConnectionOptions, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { type CoTravelSettings, deriveCoTravelMarks } from '../derive/co-travel.ts';
import { coTravelMarksOf, finishPendingCoTravel, scheduleCoTravel, takePendingCoTravel } from '../derive/derive-queue.ts';
import { evaluateCoTravelWarnings, evaluateWarnings, type TouchedFact } from '../derive/warnings.ts';
import { ResolverError } from '../errors.ts';
import { type BatchInfo, findBatch, recordDelivery, updateBatch } from '../graph/batches.ts';
import { checkFileHeader, readBatch } from '../intake/read-batch.ts';
import { writeFileFault, writeRejectsReport } from '../intake/rejects-report.ts';
import { type StagedBatch, stageFile, stageRecords } from '../intake/staged-batch.ts';
import { runBatchQuality } from '../quality/run-batch-quality.ts';
import { createQueue, QueueName } from '../queue/queues.ts';
import type { Model } from '../scoring/model-settings.ts';
import type { FieldProblem } from '../types.ts';
import { authorityFromCatalog } from './golden-values.ts';
import { GraphResolver, type SyncProgress } from './graph-resolver.ts';
import { publishAppliedSequence } from './applied-sequence.ts';
import { EVENTS_CHANNEL, publishEvents } from './publish-events.ts';
import { claimPush, pendingPush } from './push-deliveries.ts';
import { isTraceOnly, type PushJob, RealtimeIngest } from './realtime-ingest.ts';
import { withResolveLock } from './resolve-lock.ts';

export interface PipelineDeps {
  graph: Graph;
  redis: Redis;
  connection: ConnectionOptions;
  catalog: SourceCatalogEntry[];
  stagingDir: string;
  rejectsDir: string;
  coTravel: CoTravelSettings;
  /** The key of the entity ids this pipeline mints (`entityIdKeyOf`): every writer of the graph the same. */
  eidKey: Uint8Array;
  models?: Partial<Record<EntityKind, Model>>;
  chunkSize?: number;
  /** Redis pub/sub channel for watch events (default `EVENTS_CHANNEL`; the config's EVENTS_CHANNEL). */
  eventsChannel?: string;
  /** Print the time of every write statement (the config's ONEMAP_TRACE_WRITES); `'profile'`: and its db hits (ONEMAP_PROFILE_WRITES). */
  traceWrites?: boolean | 'profile';
  /** Group commit of pushes: at most this many records per transaction (default 2000). */
  groupMaxRecords?: number;
  /** Group commit of pushes: how long a flush waits for more pushes once one arrives (default 2 ms). */
  groupLingerMs?: number;
  /** Keep each group commit's stage timings in Redis (`GroupTiming`; the config's ONEMAP_GROUP_TIMINGS). */
  groupTimings?: boolean;
  /** A derive job of after-commit work waits this many ms, then takes every committed group waiting (default 200; 0: at once; the config's ONEMAP_AFTER_COMMIT_WINDOW_MS). */
  afterCommitWindowMs?: number;
  /** Where early-warning evaluation errors go (a logger); they never fail a batch. */
  onWarningError?: (err: Error) => void;
  /** Told how a long sync of the resolution index goes (`SyncProgress`; the worker prints it). */
  onSync?: (p: SyncProgress) => void;
  /** A whole sync of at least this many source records reads its pages on a worker thread (default `PAGES_AHEAD_FROM`; needs `graph.connection`). */
  pagesAheadFrom?: number;
}

/** The queues a batch can wait on: files, pushes for the resolve leader, pushes of trace-only sources. */
export type IngestLane = 'files' | 'leader' | 'traces';
const LANE_QUEUE = { files: QueueName.Ingest, leader: QueueName.Realtime, traces: QueueName.Traces } as const;

export interface SubmitResult {
  batchId: string;
  source: string;
  status: BatchInfo['status'];
  /** true when this exact content was delivered before (nothing new will be written) */
  duplicate: boolean;
  /** for pushed records: how many will be used, and each rejected one with its reason */
  accepted?: number;
  rejected?: FieldProblem[];
}

/**
 * The pipeline's front door and its worker logic. Both ways in (a file drop, a real-time push)
 * are staged by content hash and queued as one BullMQ job per batch with `jobId = batchId`,
 * so the same content delivered twice is one job. A file is standardized by the worker outside
 * the lock and resolved + written inside it, chunk by chunk; a push is standardized once, at the
 * door, and group-committed by the resolve leader (or, for trace-only sources, written by any
 * worker without the lock): see `RealtimeIngest`.
 */
export class IngestPipeline {
  readonly resolver: GraphResolver;
  readonly realtime: RealtimeIngest;
  private readonly queues = new Map<IngestLane, Queue>();
  /** file batches in `processBatch` now */
  private processing = 0;
  private readonly catalogById: Map<string, SourceCatalogEntry>;

  constructor(readonly deps: PipelineDeps) {
    this.catalogById = new Map(deps.catalog.map((c) => [c.id, c]));
    this.resolver = new GraphResolver(deps.graph, {
      catalog: deps.catalog,
      authority: authorityFromCatalog(deps.catalog),
      eidKey: deps.eidKey,
      ...(deps.models ? { models: deps.models } : {}),
      ...(deps.chunkSize ? { chunkSize: deps.chunkSize } : {}),
      ...(deps.traceWrites ? { traceWrites: deps.traceWrites } : {}),
      onCommitted: (seq) => publishAppliedSequence(deps.redis, seq),
      ...(deps.onSync ? { onSync: deps.onSync } : {}),
      ...(deps.pagesAheadFrom !== undefined ? { pagesAheadFrom: deps.pagesAheadFrom } : {}),
    });
    this.realtime = new RealtimeIngest(this, {
      ...(deps.groupMaxRecords ? { maxRecords: deps.groupMaxRecords } : {}),
      ...(deps.groupLingerMs !== undefined ? { lingerMs: deps.groupLingerMs } : {}),
      timings: deps.groupTimings ?? false,
      ...(deps.afterCommitWindowMs !== undefined ? { afterCommitWindowMs: deps.afterCommitWindowMs } : {}),
    });
  }

  entry(source: string): SourceCatalogEntry {
    const e = this.catalogById.get(source);
    if (!e) {
      throw new ResolverError('ONEMAP_ERR_USAGE', { detail: `unknown source "${source}"; known: ${[...this.catalogById.keys()].join(', ')}` });
    }
    return e;
  }

  queueFor(lane: IngestLane): Queue {
    let q = this.queues.get(lane);
    if (!q) {
      q = createQueue(LANE_QUEUE[lane], this.deps.connection);
      this.queues.set(lane, q);
    }
    return q;
  }

  private deriveQueueInstance: Queue | undefined;
  deriveQueue(): Queue {
    this.deriveQueueInstance ??= createQueue(QueueName.Derive, this.deps.connection);
    return this.deriveQueueInstance;
  }

  /**
   * Recomputes co-travel for every person marked since the last run (the derive job's work;
   * also called directly by tests and the CLI to finish derivations before reporting). The marks
   * are `taker`'s until derived (`takePendingCoTravel`): a retried job (by its id) derives what its
   * failed or killed attempt took first.
   */
  async deriveNow(taker = 'direct'): Promise<number> {
    let written = 0;
    for (;;) {
      const marks = await takePendingCoTravel(this.deps.redis, taker);
      if (!marks.length) return written;
      // Off the write path and never under the resolve lock: it only reads VISITED and merges
      // CO_TRAVELED, which resolution never reads; a deadlock with a merge is retried by writeTx.
      const derived = await deriveCoTravelMarks(this.deps.graph, marks, this.deps.coTravel);
      written += derived.written;
      // Early warning "co-travels with someone new", once the new edges are committed (outside the lock).
      await evaluateCoTravelWarnings(this.deps.graph, this.deps.redis, derived.persons, this.deps.eventsChannel ?? EVENTS_CHANNEL).catch((e: Error) => this.warningFailed(e));
      await finishPendingCoTravel(this.deps.redis, taker);
    }
  }

  private readonly warningRuns = new Set<Promise<unknown>>();

  private warningFailed(e: Error): void {
    if (this.deps.onWarningError) this.deps.onWarningError(e);
    else console.warn(`early warning evaluation failed: ${e.message}`);
  }

  /**
   * Early warning (预警) for a batch whose write has committed: the rules of the touched entities
   * are evaluated and new hits published, without the batch waiting for it (ingestion never
   * blocks on a rule). This is the pipeline's one call site into `derive/warnings.ts`.
   */
  evaluateWarningsAfterCommit(touched: readonly TouchedFact[]): void {
    if (!touched.length) return;
    const run = evaluateWarnings(this.deps.graph, this.deps.redis, touched, this.deps.eventsChannel ?? EVENTS_CHANNEL)
      .catch((e: Error) => this.warningFailed(e))
      .finally(() => this.warningRuns.delete(run));
    this.warningRuns.add(run);
  }

  /** Resolves when every warning evaluation started so far has finished (tests, shutdown). */
  async warningsSettled(): Promise<void> {
    while (this.warningRuns.size) await Promise.all([...this.warningRuns]);
  }

  /** Stages a delivered file and queues it (a periodic copy). */
  async submitFile(source: string, filePath: string, opts: { checkHeader?: boolean } = {}): Promise<SubmitResult> {
    const entry = this.entry(source);
    // an upload's CSV header is checked before it is staged: a missing column is the deliverer's 400
    if (opts.checkHeader) checkFileHeader(entry, filePath);
    const batch = stageFile(this.deps.stagingDir, source, filePath, entry.file);
    return this.enqueue(batch);
  }

  /**
   * Stages pushed records and queues them (the real-time way in). They are standardized here,
   * once: the pusher learns at once which records are rejected and why, and the job carries the
   * standardized records, so the worker never reads or standardizes them again.
   */
  async submitRecords(source: string, records: unknown[]): Promise<SubmitResult> {
    const entry = this.entry(source);
    if (!Array.isArray(records) || !records.length) throw new ResolverError('ONEMAP_ERR_USAGE', { detail: 'records must be a non-empty array of objects' });
    const batch = stageRecords(this.deps.stagingDir, source, records);
    const read = readBatch(batch, entry);
    const lane = isTraceOnly(entry) ? 'traces' : 'leader';
    const job = { batch, read } satisfies PushJob;
    const answer = { accepted: read.records.length, rejected: read.rejects };
    // Content never pushed before: claimed in Redis (one round trip) and queued; its Batch node is
    // written by the group transaction that commits its records. A re-delivery takes the exact
    // path below (the graph's batch status and delivery count, a failed job retried).
    if (await claimPush(this.deps.redis, batch)) {
      await this.queueFor(lane).add('batch', job, { jobId: batch.batchId });
      return { batchId: batch.batchId, source: batch.source, status: 'queued', duplicate: false, ...answer };
    }
    // Claimed before: the exact path. A first delivery still in the queue is not in the graph yet
    // and counts as one (a claim that outlived a graph reset does not).
    const state = await this.queueFor(lane).getJobState(batch.batchId);
    const inFlight = ['waiting', 'active', 'delayed', 'prioritized', 'waiting-children'].includes(state);
    const r = await this.enqueue(batch, lane, job, inFlight ? 1 : 0);
    return { ...r, ...answer };
  }

  /** A batch as the graph has it, or a push the door accepted that no group has committed yet. */
  async findBatch(batchId: string): Promise<BatchInfo | null> {
    return (await findBatch(this.deps.graph, batchId)) ?? (await pendingPush(this.deps.redis, batchId));
  }

  private async enqueue(batch: StagedBatch, lane: IngestLane = 'files', data: unknown = batch, earlier = 0): Promise<SubmitResult> {
    const info = await recordDelivery(this.deps.graph, batch, earlier);
    const duplicate = (info.deliveries ?? 1) > 1;
    if (info.status !== 'done' && info.status !== 'rejected') await this.enqueueJob(lane, data, batch.batchId);
    return { batchId: batch.batchId, source: batch.source, status: info.status, duplicate };
  }

  /**
   * Adds a batch's job to a lane with `jobId = batchId`: BullMQ ignores a second add of a job it
   * still knows; a job that failed every attempt before is retried by a new delivery; a job BullMQ
   * remembers as completed while the graph has no finished batch (the graph was reset or restored,
   * or a trace-only push was handed to the leader) is run again.
   */
  async enqueueJob(lane: IngestLane, data: unknown, batchId: string = (data as PushJob).batch.batchId): Promise<void> {
    const queue = this.queueFor(lane);
    const known = await queue.getJob(batchId);
    const state = known ? await known.getState() : 'unknown';
    if (state === 'failed') await known!.retry('failed', { resetAttemptsMade: true });
    else {
      if (state === 'completed') await known!.remove();
      await queue.add('batch', data, { jobId: batchId });
    }
  }

  /**
   * Whether this process is ingesting now: a file batch in `processBatch`, or real-time work in
   * hand (`RealtimeIngest.busy`). A server's idle reads wait while it is (`plugins/warm-up.ts`).
   */
  get busy(): boolean {
    return this.processing > 0 || this.realtime.busy;
  }

  /** The worker's job: read, standardize, resolve under the lock, write, derive, report. */
  async processBatch(batch: StagedBatch, progress?: (p: { done: number; total: number; stage: string }) => void): Promise<BatchInfo> {
    this.processing++;
    try {
      return await this.processBatchNow(batch, progress);
    } finally {
      this.processing--;
    }
  }

  private async processBatchNow(batch: StagedBatch, progress?: (p: { done: number; total: number; stage: string }) => void): Promise<BatchInfo> {
    const before = await findBatch(this.deps.graph, batch.batchId);
    if (before?.status === 'done' || before?.status === 'rejected') return before;
    if (!before) await recordDelivery(this.deps.graph, batch);
    await updateBatch(this.deps.graph, batch.batchId, { status: 'processing' });
    const entry = this.entry(batch.source);
    let read: ReturnType<typeof readBatch>;
    const t0 = performance.now();
    try {
      read = readBatch(batch, entry);
    } catch (e) {
      if (!(e instanceof ResolverError)) throw e;
      // A file-level fault (unreadable, a mapped column missing) rejects the whole file, once.
      const rejectsFile = writeFileFault(this.deps.rejectsDir, batch, e);
      await updateBatch(this.deps.graph, batch.batchId, { status: 'rejected', error: e.message, rejected: 1, ...(rejectsFile ? { rejectsFile } : {}), finishedAt: new Date().toISOString() });
      return (await findBatch(this.deps.graph, batch.batchId))!;
    }
    const readMs = performance.now() - t0;
    // Quality rules + ticket verification on the standardized batch; never fails the batch.
    await runBatchQuality(this.deps.graph, batch, entry, read);
    progress?.({ done: 0, total: read.records.length, stage: 'resolve' });
    const t1 = performance.now();
    let lockWaitMs = 0;
    const stats = await withResolveLock(this.deps.redis, async () => {
      lockWaitMs = performance.now() - t1;
      return this.resolver.processBatch(batch, read.records, (done, total) => progress?.({ done, total, stage: 'write' }));
    });
    await scheduleCoTravel(this.deps.redis, this.deriveQueue(), coTravelMarksOf(stats.touched, stats.withdrawnTraces));
    await publishEvents(this.deps.graph, this.deps.redis, stats.touched, this.deps.eventsChannel);
    this.evaluateWarningsAfterCommit(stats.touched);
    const dropped: FieldProblem[] = stats.droppedFacts.map((d) => {
      const [rid, ...rest] = d.split(' ');
      const [field, reason] = rest.join(' ').split(':');
      return { source: batch.source, file: batch.originalName, recordId: rid?.split(':').slice(1).join(':'), field, code: 'ONEMAP_ERR_BAD_VALUE', reason: reason ?? d };
    });
    const rejectsFile = writeRejectsReport(this.deps.rejectsDir, batch.batchId, [...read.rejects, ...dropped]);
    const info: Partial<BatchInfo> = {
      status: 'done',
      rows: read.rows,
      written: stats.written,
      unchanged: stats.unchanged,
      updated: stats.updated,
      rejected: read.rejects.length,
      flagged: read.flagged.length,
      merges: stats.merges,
      possibleMatches: stats.possibleMatches,
      finishedAt: new Date().toISOString(),
      // the quality rules ran above, before the write
      checkedAt: new Date().toISOString(),
      ...(rejectsFile ? { rejectsFile } : {}),
      ms: {
        read: Math.round(readMs),
        lockWait: Math.round(lockWaitMs),
        sync: Math.round(stats.ms.sync),
        resolve: Math.round(stats.ms.resolve),
        write: Math.round(stats.ms.write),
      },
    };
    const { ms, ...fields } = info;
    await updateBatch(this.deps.graph, batch.batchId, { ...fields, msJson: JSON.stringify(ms) } as Partial<BatchInfo>);
    return (await findBatch(this.deps.graph, batch.batchId))!;
  }

  /** BullMQ state of a batch's job ('completed', 'failed', 'active', 'waiting', ... or 'unknown'). */
  async jobState(batchId: string): Promise<string> {
    let state = 'unknown';
    for (const lane of ['files', 'leader', 'traces'] as const) {
      const s = await this.queueFor(lane).getJobState(batchId);
      // a trace-only push handed to the leader: its leader job is the one that tells
      if (s !== 'unknown' && (state === 'unknown' || state === 'completed')) state = s;
    }
    return state;
  }

  async close(): Promise<void> {
    await this.warningsSettled();
    await Promise.all([...this.queues.values()].map((q) => q.close()));
    await this.deriveQueueInstance?.close();
  }
}
