import { fenceLeader, readLeaderEpoch } from '../graph/batches.ts';
import type { IngestPipeline } from '../pipeline/ingest-pipeline.ts';
import { readAppliedSequence } from '../pipeline/applied-sequence.ts';
import { LeaderLease } from '../pipeline/leader-lease.ts';
import { type PushJob, REALTIME_CONCURRENCY } from '../pipeline/realtime-ingest.ts';
import { createWorker, type HandingWorker, QueueName } from '../queue/queues.ts';
import { type Track, untracked } from './stop-on-signal.ts';

/** Job lock and stall check of the real-time queues: a dead worker's jobs are taken up again within seconds. */
const FAST_RECOVERY = { lockDuration: 10_000, stalledInterval: 3_000, maxStalledCount: 5 };

export interface RealtimeWorkers {
  /** the lease this process competes for; `lease.epoch` is set while it is the resolve leader */
  lease: LeaderLease;
  /** the trace-only writer every process runs */
  traces: HandingWorker<PushJob, unknown>;
  /** the leader's group-commit worker, while this process is leader */
  leader(): HandingWorker<PushJob, unknown> | null;
  /** @param track sees each part's closing (`BackgroundJobs.close`) */
  close(track?: Track): Promise<void>;
  /** Hands the pushes in hand back to their queues (a stop that cannot wait for them). */
  handBack(): Promise<number>;
}

/**
 * The real-time workers of one process. Every process runs the trace-only writer (pushes of
 * trace-only sources, in parallel, no resolve lock) and competes for the resolve leader's lease;
 * the process holding it runs the group-commit worker of the leader queue. A new leader first
 * fences the graph with its epoch, so a stale leader can no longer commit, then brings its
 * resolution index up to the graph (`RealtimeIngest.warmUp`: a minute at a million records, while
 * the lease is renewed) and only then starts taking jobs — a push taken before would hold its
 * 10-second job lock through that sync, the lock would lapse and the job be taken again and again;
 * the jobs a killed leader held are taken up again by BullMQ's stall check.
 * @param concurrency jobs taken at once per queue (default `REALTIME_CONCURRENCY`): they wait together
 *   and are committed in groups of at most `GROUP_MAX_PUSHES`
 */
export function startRealtimeWorkers(
  pipeline: IngestPipeline,
  opts: {
    concurrency?: number;
    leaseTtlMs?: number;
    /** How often a worker that does not lead brings its index up to the graph (`GraphResolver.catchUp`); 0 = never (it syncs whole when it takes the lease). Default `STANDBY_SYNC_MS`. */
    standbySyncMs?: number;
    onError?: (what: string, err: Error) => void;
    onLeader?: (epoch: number | null) => void;
  } = {},
): RealtimeWorkers {
  const { connection, graph } = pipeline.deps;
  const onError = opts.onError ?? (() => {});
  const concurrency = opts.concurrency ?? REALTIME_CONCURRENCY;
  const traces = createWorker<PushJob, unknown>(
    QueueName.Traces,
    (job) => pipeline.realtime.writeTraces(job.data),
    connection,
    { concurrency, ...FAST_RECOVERY },
  );
  traces.on('error', (err) => onError('trace writer', err));
  let leader: HandingWorker<PushJob, unknown> | null = null;
  let closed = false;
  /**
   * The warm-up in progress: `close` waits for it, as the pipeline's shutdown closes the Neo4j
   * driver, and a read the driver was closed under never settles (the warm-up would hold the
   * resolve lock, and its renewal timer the process, forever).
   */
  let warming: Promise<void> | null = null;
  /** Warms the index, then takes jobs if this process still holds the lease of `epoch`. */
  const lead = async (epoch: number) => {
    // the first group syncs the index anyway
    const warm = pipeline.realtime.warmUp().catch((e: Error) => onError('resolve leader warm-up', e));
    warming = warm;
    await warm;
    if (warming === warm) warming = null;
    if (closed || leader || lease.epoch !== epoch) return;
    leader = createWorker<PushJob, unknown>(
      QueueName.Realtime,
      (job) => pipeline.realtime.resolvePush(job.data),
      connection,
      { concurrency, ...FAST_RECOVERY },
    );
    leader.on('error', (err) => onError('resolve leader', err));
    opts.onLeader?.(epoch);
  };
  const lease: LeaderLease = new LeaderLease(pipeline.deps.redis, {
    ttlMs: opts.leaseTtlMs ?? 8_000,
    onError: (err) => onError('resolve leader lease', err),
    onGain: async (epoch) => {
      try {
        // Redis may know fewer epochs than the graph has seen (its data was lost): go past them.
        const seen = await readLeaderEpoch(graph);
        const mine = seen >= epoch ? await lease.raiseEpoch(seen + 1) : epoch;
        if (mine === null) return;
        await fenceLeader(graph, mine);
        pipeline.realtime.epoch = mine;
        // not awaited: the lease's tick is busy until `onGain` returns, and it must renew the lease during the warm-up
        void lead(mine);
      } catch (e) {
        onError('resolve leader start', e as Error);
        await lease.release();
      }
    },
    onLose: async () => {
      pipeline.realtime.epoch = null;
      const w = leader;
      leader = null;
      opts.onLeader?.(null);
      // Jobs still running fail on the fence and are retried by the new leader.
      if (w) void w.close().catch((err: Error) => onError('resolve leader stop', err));
    },
  });
  lease.start();
  const standby = keepIndexWarm(pipeline, {
    everyMs: opts.standbySyncMs ?? STANDBY_SYNC_MS,
    leading: () => leader !== null || warming !== null || lease.epoch !== null,
    onError: (err) => onError('standby index sync', err),
  });
  return {
    lease,
    traces,
    leader: () => leader,
    async close(track = untracked) {
      closed = true;
      const w = leader;
      const catchingUp = standby.stop();
      await track('resolve leader lease', lease.stop());
      await Promise.all([
        track('trace writer', traces.close()),
        w && track('resolve leader (group commit)', w.close()),
        warming && track('resolve leader warm-up (its index read back from the graph)', warming),
        catchingUp && track('standby index sync', catchingUp),
      ]);
    },
    async handBack() {
      return (await traces.handBack()) + ((await leader?.handBack()) ?? 0);
    },
  };
}

/** How often a worker that does not lead catches its index up with the graph, by default (ms). */
export const STANDBY_SYNC_MS = 5_000;

/**
 * A hot standby: while this process does not lead, its resolution index follows the graph every
 * `everyMs` (`GraphResolver.catchUp`: what was committed since, read by sequence, and analysts'
 * decisions applied in place), so a worker taking over from a leader that died reads a few
 * seconds of records before it takes pushes, not the whole graph (about a minute at a million
 * records, with every push waiting). It costs the memory of a second index and a small read every
 * `everyMs`; 0 turns it off. `stop` ends it and returns the catch-up in progress, if any, for the
 * caller to wait for before the driver is closed (a read the driver was closed under never settles).
 */
function keepIndexWarm(
  pipeline: IngestPipeline,
  opts: { everyMs: number; leading: () => boolean; onError: (err: Error) => void },
): { stop(): Promise<void> | null } {
  let stopped = opts.everyMs <= 0;
  let running: Promise<void> | null = null;
  let timer: NodeJS.Timeout | null = null;
  const next = () => {
    if (stopped) return;
    timer = setTimeout(() => void tick(), opts.everyMs);
    timer.unref();
  };
  const tick = async () => {
    timer = null;
    if (!opts.leading()) {
      running = readAppliedSequence(pipeline.deps.redis)
        .then((applied) => pipeline.resolver.catchUp(applied))
        .catch((e: Error) => opts.onError(e));
      await running;
      running = null;
    }
    next();
  };
  next();
  return {
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
      return running;
    },
  };
}
