import { type IntervalHistogram, monitorEventLoopDelay } from 'node:perf_hooks';
import { ANCHOR_KINDS, type SourceCatalogEntry } from '@onemap/graph-schema';
import type { ManagedTransaction } from 'neo4j-driver';
import { AFTER_COMMIT_WINDOW_MS, finishAfterCommit, queueAfterCommit, startAfterCommit, takeAfterCommit } from '../derive/after-commit-queue.ts';
import { coTravelMarksOf, scheduleCoTravel } from '../derive/derive-queue.ts';
import {
  type BatchInfo,
  type BatchResult,
  fenceLeaderTx,
  findBatches,
  finishBatchesTx,
} from '../graph/batches.ts';
import { mentionsToJson, readSyncState } from '../graph/load-index.ts';
import { anchorKey, type TraceAnchor, type TraceRecordRows, writeTraceRecords } from '../graph/trace-records.ts';
import { rehearseChunk } from '../graph/write-chunk.ts';
import type { ReadBatchResult } from '../intake/read-batch.ts';
import { writeRejectsReport } from '../intake/rejects-report.ts';
import type { StagedBatch } from '../intake/staged-batch.ts';
import { runGroupQuality } from '../quality/run-batch-quality.ts';
import type { FieldProblem } from '../types.ts';
import type { PreparedGroup, ProcessStats } from './graph-resolver.ts';
import { type Flushed, GroupCommit, groupSizeFor } from './group-commit.ts';
import { recordGroupTiming } from './group-timings.ts';
import type { IngestPipeline } from './ingest-pipeline.ts';
import { type EntityEvent, publishEvents } from './publish-events.ts';
import { recordFacts } from './record-facts.ts';
import { REHEARSAL_SOURCE, rehearsalChunk } from './rehearsal-chunk.ts';
import { SharedResolveLock } from './resolve-lock.ts';

/** A push standardized once at the door, queued as one job (`jobId = batchId`). */
export interface PushJob {
  batch: StagedBatch;
  read: ReadBatchResult;
}

/**
 * One committed group's after-commit work, as queued (`queueAfterCommit`): its pushes, for what
 * runs after the commit, off the write path (quality rules, co-travel marks, watch events).
 */
export interface AfterCommitJob {
  items: {
    batch: StagedBatch;
    read: ReadBatchResult;
    prior: [string, string][];
    touched: EntityEvent[];
    withdrawnTraces?: string[];
  }[];
}

/** What one after-commit job ran: the batches whose work it did (each in one job), and the watch events it published. */
export interface AfterCommitRun {
  batches: string[];
  events: number;
}

/** Entity kinds a record names by an identifier anchor alone: no probabilistic resolution. */
const KEYED_KINDS = new Set(['Vehicle', 'Place']);

/**
 * A trace-only source: every entity it names is keyed by an anchor (a plate, a place code) and it
 * states no relations, only traces (a checkpoint pass: a plate at a known checkpoint). Its pushed
 * records are written by any worker, in parallel, without the resolve lock.
 */
export function isTraceOnly(entry: SourceCatalogEntry): boolean {
  return !entry.relations?.length && !!entry.traces?.length && entry.entities.every((e) => KEYED_KINDS.has(e.kind));
}

const LEADER_ONLY = Symbol('leader');

/**
 * At most this many pushes in one group commit. A queue worker takes jobs up to its concurrency,
 * and a job holds its slot until its group has committed: with a concurrency no bigger than a
 * group, the pushes arriving while a big group commits find no free slot, so the next group is a
 * handful of pushes paying the whole fixed cost of a group, and groups alternate big and tiny.
 * The real-time workers therefore take `REALTIME_CONCURRENCY` = twice this many jobs at once.
 */
export const GROUP_MAX_PUSHES = 128;
/** Jobs a real-time queue worker takes at once: one full group committing, the next one filling. */
export const REALTIME_CONCURRENCY = 2 * GROUP_MAX_PUSHES;
/**
 * The smallest group the leader cuts a short queue into (records; a push bigger than this goes
 * whole). A group is half of what waits in the leader's process (`groupSizeFor`), so with a short
 * queue the first pushes are resolved and written while the rest wait for the next group instead of
 * all of them waiting for one big group's cycle; behind (the worker's slots full) the groups are
 * the biggest the caps allow.
 */
export const GROUP_MIN_RECORDS = 20;
/** Rounds of the group write a leader rehearses before its first push (`rehearseGroupWrite`): the first plans, the next runs' warmer code (12 rounds measured no better than 3: docs/ingestion.md). */
export const REHEARSAL_ROUNDS = 3;

/** A pushed batch not in the graph yet, as it stands until its group commits. */
function queuedBatch(b: StagedBatch): BatchInfo {
  return {
    batchId: b.batchId,
    source: b.source,
    originalName: b.originalName,
    way: b.way,
    receivedAt: b.receivedAt,
    status: 'queued',
    deliveries: 1,
  };
}

/**
 * The real-time half of the pipeline. Pushes are standardized once by `IngestPipeline.submitRecords`
 * and queued; the resolve leader (one process, holding the Redis lease) takes whatever is waiting
 * and writes it in ONE transaction with the batches' bookkeeping (group commit); pushes of
 * trace-only sources are written by every worker in parallel without the resolve lock; quality
 * rules, co-travel marks and watch events run after the commit on the derive queue.
 */
export class RealtimeIngest {
  /** The resolve leader's lease epoch while this process is leader (null: not leader, no fence). */
  epoch: number | null = null;
  private readonly group: GroupCommit<PushJob, BatchInfo>;
  private readonly traces: GroupCommit<PushJob, BatchInfo | typeof LEADER_ONLY>;
  /** keep each group's stage timings in Redis (`GroupTiming`, config ONEMAP_GROUP_TIMINGS) */
  private readonly timings: boolean;
  /** the event loop's delay between group timings (timings only) */
  private readonly loop: IntervalHistogram | null;
  /** batchId -> when its job reached this process (timings only) */
  private readonly addedAt = new Map<string, number>();
  /** the resolve lock, held from a group's resolve to the end of its write, across overlapping groups */
  private readonly lock: SharedResolveLock;
  /** the last group's write, ended (committed or failed): the next group's write waits for it */
  private lastWrite: Promise<void> = Promise.resolve();
  /** an after-commit job waits this many ms, then takes every committed group waiting (`queueAfterCommit`) */
  private readonly afterCommitWindowMs: number;
  /** leader warm-ups running (`warmUp`) */
  private warming = 0;

  constructor(
    private readonly pipeline: IngestPipeline,
    opts: { maxRecords?: number; lingerMs?: number; timings?: boolean; afterCommitWindowMs?: number } = {},
  ) {
    this.timings = opts.timings ?? false;
    this.afterCommitWindowMs = opts.afterCommitWindowMs ?? AFTER_COMMIT_WINDOW_MS;
    this.loop = this.timings ? monitorEventLoopDelay({ resolution: 5 }) : null;
    this.loop?.enable();
    this.lock = new SharedResolveLock(pipeline.deps.redis, { ttlMs: 5_000 });
    const size = (j: PushJob) => Math.max(1, j.read.records.length);
    const common = {
      size,
      maxRecords: opts.maxRecords ?? 2000,
      maxItems: GROUP_MAX_PUSHES,
      lingerMs: opts.lingerMs ?? 2,
    };
    this.group = new GroupCommit((jobs) => this.flushResolve(jobs), {
      ...common,
      target: (waiting) => groupSizeFor(waiting, { min: GROUP_MIN_RECORDS, max: common.maxRecords }),
    });
    this.traces = new GroupCommit((jobs) => this.flushTraces(jobs), common);
  }

  /**
   * Brings the resolve leader's index up to the graph before it takes any push (under the resolve
   * lock, as every sync): a new leader of a large graph reads every record back (about a minute at
   * a million records), and a push it had taken would wait that long holding its job lock.
   */
  async warmUp(): Promise<void> {
    this.warming++;
    try {
      await this.lock.acquire();
      try {
        await this.pipeline.resolver.warm();
      } finally {
        this.lock.release();
      }
      await this.rehearseGroupWrite();
    } finally {
      this.warming--;
    }
  }

  /**
   * Runs a group's write on a made-up chunk `rounds` times, rolled back (`rehearseChunk`,
   * `rehearsalChunk`: nothing is written), with the reads around it (the pushes' batches, the
   * sync's state) and the fence and batch bookkeeping of the group transaction: a Neo4j just
   * started compiles each statement on its first runs, and a leader's first groups took 0.4–1.4 s
   * each where later ones take 20–60 ms. Part of the warm-up, so before the leader takes a push.
   * Returns each round's time (ms). A failure is thrown (the warm-up's caller logs it; the leader
   * takes pushes anyway).
   */
  async rehearseGroupWrite(rounds = REHEARSAL_ROUNDS): Promise<number[]> {
    const { graph } = this.pipeline.deps;
    const chunk = rehearsalChunk(REHEARSAL_SOURCE);
    const batchId = chunk.records[0]!.batchId;
    const batch = { source: REHEARSAL_SOURCE, originalName: batchId, way: 'push', hash: batchId, receivedAt: new Date(0).toISOString() } as StagedBatch;
    const fields: BatchResult = { status: 'done', rows: 0, written: 0, unchanged: 0, updated: 0, rejected: 0, flagged: 0, merges: 0, possibleMatches: 0, finishedAt: new Date(0).toISOString(), msJson: '{}' };
    const ms: number[] = [];
    for (let i = 0; i < rounds; i++) {
      const t = performance.now();
      await findBatches(graph, [batchId]);
      await readSyncState(graph);
      await rehearseChunk(graph, chunk, async (tx) => {
        const epoch = this.epoch;
        if (epoch !== null) await fenceLeaderTx(tx, epoch);
        await finishBatchesTx(tx, [{ batchId, fields, batch }]);
      });
      ms.push(Math.round(performance.now() - t));
    }
    return ms;
  }

  /**
   * Whether this process has real-time work in hand: its index being brought up to the graph for
   * the lead (`warmUp`), or pushes taken and not yet answered (waiting, resolving, being written).
   */
  get busy(): boolean {
    return this.warming > 0 || this.group.inHand > 0 || this.traces.inHand > 0;
  }

  /** Pushes waiting in this process for the next group commit. */
  get backlog(): number {
    return this.group.backlog + this.traces.backlog;
  }

  /** The leader's job: resolve a push, group-committed with whatever else is waiting. */
  resolvePush(job: PushJob): Promise<BatchInfo> {
    if (this.timings) this.addedAt.set(job.batch.batchId, Date.now());
    return this.group.add(job);
  }

  /**
   * Any worker's job for a trace-only push: written without the lock when its entities exist;
   * otherwise (a new plate, a new checkpoint, a correction of a record the leader resolved) it is
   * handed to the leader's queue, and this job's answer is the batch as it stands then.
   */
  async writeTraces(job: PushJob): Promise<BatchInfo | 'leader'> {
    const r = await this.traces.add(job);
    if (r !== LEADER_ONLY) return r;
    await this.pipeline.enqueueJob('leader', job);
    return 'leader';
  }

  private async pending(jobs: PushJob[]): Promise<{ known: Map<string, BatchInfo>; todo: PushJob[] }> {
    const known = await findBatches(
      this.pipeline.deps.graph,
      jobs.map((j) => j.batch.batchId),
    );
    const todo: PushJob[] = [];
    const seen = new Set<string>();
    for (const j of jobs) {
      const b = known.get(j.batch.batchId);
      if (b?.status === 'done' || b?.status === 'rejected' || seen.has(j.batch.batchId)) continue;
      seen.add(j.batch.batchId);
      // A push the door claimed in Redis (or one the graph lost while the queue kept it): its
      // Batch node is written by the group transaction, with its records (finishBatchesTx).
      if (!b) known.set(j.batch.batchId, queuedBatch(j.batch));
      todo.push(j);
    }
    return { known, todo };
  }

  /** The batch's final status and counts, and its rejects report (written before the commit). */
  private bookkeeping(
    j: PushJob,
    s: Pick<ProcessStats, 'written' | 'unchanged' | 'updated' | 'merges' | 'possibleMatches' | 'droppedFacts'>,
    ms: Record<string, number>,
  ): BatchResult {
    const { batch, read } = j;
    const dropped: FieldProblem[] = s.droppedFacts.map((d) => {
      const [rid, ...rest] = d.split(' ');
      const [field, reason] = rest.join(' ').split(':');
      return {
        source: batch.source,
        file: batch.originalName,
        recordId: rid?.split(':').slice(1).join(':'),
        field,
        code: 'ONEMAP_ERR_BAD_VALUE',
        reason: reason ?? d,
      };
    });
    const rejectsFile = writeRejectsReport(this.pipeline.deps.rejectsDir, batch.batchId, [...read.rejects, ...dropped]);
    return {
      status: 'done',
      rows: read.rows,
      written: s.written,
      unchanged: s.unchanged,
      updated: s.updated,
      rejected: read.rejects.length,
      flagged: read.flagged.length,
      merges: s.merges,
      possibleMatches: s.possibleMatches,
      finishedAt: new Date().toISOString(),
      ...(rejectsFile ? { rejectsFile } : {}),
      msJson: JSON.stringify(ms),
    };
  }

  /**
   * One group of the resolve leader, pipelined: it is resolved (under the resolve lock, which stays
   * held) while the previous group's write commits, then written once that write has ended; the
   * flush returns when its write has started, so the next group resolves during it. A failed write
   * fails its group and the group resolved during it (`StaleGroupError`): both are retried by
   * BullMQ against an index rebuilt from the graph, so nothing is lost or written twice.
   */
  private async flushResolve(jobs: PushJob[]): Promise<Flushed<BatchInfo>> {
    const t0 = performance.now();
    const at = Date.now();
    const waited = jobs.map((j) => at - (this.addedAt.get(j.batch.batchId) ?? at));
    for (const j of jobs) this.addedAt.delete(j.batch.batchId);
    const { known, todo } = await this.pending(jobs);
    const tPending = performance.now();
    if (!todo.length) return jobs.map((j) => known.get(j.batch.batchId)!);
    const epoch = this.epoch;
    const resolver = this.pipeline.resolver;
    await this.lock.acquire();
    const tLocked = performance.now();
    let prepared: PreparedGroup;
    try {
      prepared = await resolver.prepareGroup(todo.map((j) => ({ batch: j.batch, records: j.read.records })));
    } catch (e) {
      this.lock.release();
      throw e;
    }
    const tPrepared = performance.now();
    // one write at a time, in order: the previous group's must have ended (committed or failed)
    await this.lastWrite;
    const tPrevious = performance.now();
    const results = jobs.map((j) => ({ ...known.get(j.batch.batchId)! }));
    const written = resolver
      .writeGroup(prepared, (stats) => async (tx: ManagedTransaction) => {
        if (epoch !== null) await fenceLeaderTx(tx, epoch);
        const rows = todo.map((j, i) => {
          const s = stats[i]!;
          const f = this.bookkeeping(j, s, {
            sync: Math.round(s.ms.sync),
            resolve: Math.round(s.ms.resolve),
            group: todo.length,
          });
          for (const [k, r] of results.entries()) if (jobs[k]!.batch.batchId === j.batch.batchId) Object.assign(r, f);
          return { batchId: j.batch.batchId, fields: f, batch: j.batch };
        });
        await finishBatchesTx(tx, rows);
      })
      .finally(() => this.lock.release());
    this.lastWrite = written.then(
      () => undefined,
      () => undefined,
    );
    const settle = written.then(async (stats) => {
      const tWritten = performance.now();
      // the pushes are answered (acked) once it is queued; the next group goes on meanwhile
      await this.afterCommit(
        todo.map((j, i) => ({
          batch: j.batch,
          read: j.read,
          prior: stats[i]!.prior ?? [],
          touched: stats[i]!.touched,
          withdrawnTraces: stats[i]!.withdrawnTraces,
        })),
      );
      if (this.timings) {
        const ms = stats[0]!.ms;
        const r = (x: number) => Math.round(x * 10) / 10;
        void recordGroupTiming(this.pipeline.deps.redis, {
          at,
          jobs: jobs.length,
          records: todo.reduce((n, j) => n + j.read.records.length, 0),
          waitedMax: Math.max(...waited),
          waitedMean: r(waited.reduce((a, b) => a + b, 0) / waited.length),
          pending: r(tPending - t0),
          lock: r(tLocked - tPending),
          sync: r(ms.sync),
          resolve: r(ms.resolve),
          previous: r(tPrevious - tPrepared),
          tx: r(ms.tx ?? 0),
          commit: r(ms.write - (ms.tx ?? 0)),
          after: r(performance.now() - tWritten),
          cycle: r(tPrevious - t0),
          total: r(tWritten - t0),
          ...this.loopDelay(),
        });
      }
    });
    return { results, settle };
  }

  /** The event loop's delay since the last call (ms), and a new window. */
  private loopDelay(): { loopMax?: number; loopMean?: number } {
    if (!this.loop || !this.loop.count) return {};
    const out = { loopMax: Math.round(this.loop.max / 1e5) / 10, loopMean: Math.round(this.loop.mean / 1e5) / 10 };
    this.loop.reset();
    return out;
  }

  private async flushTraces(jobs: PushJob[]): Promise<Flushed<BatchInfo | typeof LEADER_ONLY>> {
    const { known, todo } = await this.pending(jobs);
    const leader = new Set<string>();
    const anchors = new Map<string, TraceAnchor>();
    const groups: { id: string; records: TraceRecordRows[] }[] = [];
    const dropped = new Map<string, string[]>();
    for (const j of todo) {
      const entry = this.pipeline.entry(j.batch.source);
      const rows: TraceRecordRows[] = [];
      const drops: string[] = [];
      let ok = true;
      for (const rec of j.read.records) {
        const facts = recordFacts(entry, rec);
        for (const d of facts.dropped) drops.push(`${rec.rid} ${d}`);
        const byRole: Record<string, string> = {};
        for (const m of facts.mentions) {
          const id = m.identifiers.find((x) => (ANCHOR_KINDS[m.kind] as readonly string[]).includes(x.kind));
          if (!id) ok = false;
          else {
            const a = { kind: m.kind, idKind: id.kind, value: id.value };
            anchors.set(anchorKey(a), a);
            byRole[m.role] = anchorKey(a);
          }
        }
        rows.push({
          anchors: byRole,
          record: {
            rid: rec.rid,
            source: entry.id,
            recordId: rec.recordId,
            receivedAt: j.batch.receivedAt,
            hash: rec.hash,
            file: j.batch.originalName,
            line: rec.line,
            batchId: j.batch.batchId,
            ...mentionsToJson(facts.mentions),
            flags: facts.mentions.flatMap((m) => m.flags.map((f) => `${m.role}.${f}`)),
            resolved: facts.mentions.map((m) => ({ role: m.role, score: 1, decision: 'anchor' })),
          },
          visits: facts.visits.map((v) => ({
            subjectRole: v.subjectRole,
            placeRole: v.placeRole,
            at: v.at,
            until: v.until,
            kind: v.kind,
            source: entry.id,
            rid: rec.rid,
          })),
        });
      }
      dropped.set(j.batch.batchId, drops);
      if (ok) groups.push({ id: j.batch.batchId, records: rows });
      else leader.add(j.batch.batchId);
    }
    const fields = new Map<string, BatchResult>();
    const written = groups.length
      ? await writeTraceRecords(this.pipeline.deps.graph, groups, [...anchors.values()], async (tx, done) => {
          const rows = todo
            .filter((j) => done.has(j.batch.batchId))
            .map((j) => {
              const w = done.get(j.batch.batchId)!;
              // new records, corrected ones (known with another hash), and ones known with this very hash
              const counts = {
                written: j.read.records.length - w.prior.size,
                updated: w.prior.size - w.unchanged,
                unchanged: w.unchanged,
              };
              const f = this.bookkeeping(
                j,
                { ...counts, merges: 0, possibleMatches: 0, droppedFacts: dropped.get(j.batch.batchId)! },
                { traces: 1, group: todo.length },
              );
              fields.set(j.batch.batchId, f);
              return { batchId: j.batch.batchId, fields: f, batch: j.batch };
            });
          await finishBatchesTx(tx, rows);
        })
      : { groups: new Map(), eidOf: new Map<string, string>() };
    const after: AfterCommitJob['items'] = [];
    for (const g of groups) {
      const w = written.groups.get(g.id);
      if (w === 'leader' || !w) {
        leader.add(g.id);
        continue;
      }
      const j = todo.find((x) => x.batch.batchId === g.id)!;
      const touched: EntityEvent[] = g.records.flatMap((r) =>
        r.visits.map((v) => ({
          eid: written.eidOf.get(r.anchors[v.subjectRole]!)!,
          type: 'trace' as const,
          at: v.at,
          source: v.source,
          rid: v.rid,
        })),
      );
      after.push({ batch: j.batch, read: j.read, prior: [...w.prior], touched });
      known.set(g.id, { ...known.get(g.id)!, ...fields.get(g.id) });
    }
    return {
      results: jobs.map((j) => (leader.has(j.batch.batchId) ? LEADER_ONLY : known.get(j.batch.batchId)!)),
      settle: this.afterCommit(after),
    };
  }

  /**
   * Queues the derivations of committed batches (off the write path, `queueAfterCommit`: the
   * groups queued before a job starts run in that job). The group commit does not wait for it before the next
   * group; the group's pushes are answered once it is queued.
   */
  private async afterCommit(items: AfterCommitJob['items']): Promise<void> {
    if (!items.length) return;
    await queueAfterCommit(this.pipeline.deps.redis, this.pipeline.deriveQueue(), { items } satisfies AfterCommitJob, this.afterCommitWindowMs);
  }

  /**
   * An after-commit job: takes the committed groups waiting (`takeAfterCommit`; a retried job
   * first what it took before), runs their work together, and takes again until none waits.
   * A job queued before groups were kept apart (`data.items`) runs its own items.
   * @returns the batches it ran the work of, and the watch events it published
   */
  async runAfterCommitJob(job: { id?: string | undefined; data: Partial<AfterCommitJob> }): Promise<AfterCommitRun> {
    const { redis } = this.pipeline.deps;
    const run: AfterCommitRun = { batches: [], events: 0 };
    const runItems = async (items: AfterCommitJob['items']) => {
      if (!items.length) return;
      run.events += await this.runAfterCommit({ items });
      run.batches.push(...items.map((it) => it.batch.batchId));
    };
    if (job.data.items) await runItems(job.data.items);
    // before the first take: a group queued from now on schedules the next job
    await startAfterCommit(redis);
    const id = job.id ?? 'unnamed';
    for (;;) {
      const groups = await takeAfterCommit<AfterCommitJob>(redis, id);
      if (!groups.length) break;
      await runItems(groups.flatMap((g) => g.items));
      await finishAfterCommit(redis, id);
    }
    return run;
  }

  /**
   * The after-commit work of committed pushes: the batch quality rules (with the hashes the records had before), the
   * persons whose co-travel must be recomputed, early-warning rules, and the watched entities' events.
   */
  async runAfterCommit(job: AfterCommitJob): Promise<number> {
    const { graph, redis } = this.pipeline.deps;
    // one transaction for the group's reports, its tickets' read and the batches' `checkedAt`, not one per push
    await runGroupQuality(
      graph,
      job.items.map((it) => ({
        batch: it.batch,
        entry: this.pipeline.entry(it.batch.source),
        read: it.read,
        priorHashes: new Map(it.prior),
      })),
      undefined,
      { markChecked: true },
    );
    const touched = job.items.flatMap((it) => it.touched);
    await scheduleCoTravel(redis, this.pipeline.deriveQueue(), coTravelMarksOf(touched, job.items.flatMap((it) => it.withdrawnTraces ?? [])));
    // Early warning rules of the touched entities (the same call site a file batch uses after its write).
    this.pipeline.evaluateWarningsAfterCommit(touched);
    return publishEvents(graph, redis, touched, this.pipeline.deps.eventsChannel);
  }
}
