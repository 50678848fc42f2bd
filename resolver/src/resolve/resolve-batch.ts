/**
 * Batch resolution: all mentions of a file (or many) at once. Per entity kind: data
 * statistics (term frequencies, generic values) -> blocking -> the pairs' comparison vectors ->
 * optional training (EM) -> weights -> decide and cluster. The same model, blocking rules and
 * constraints drive the real-time `ResolutionIndex`. The loops over pairs are handed to a
 * driver: `resolveBatch` runs them on this thread, `resolveBatchParallel` shares them with
 * worker threads (same result: each pair's levels and weight depend on that pair only).
 */
import { availableParallelism } from 'node:os';
import type { EntityKind } from '@onemap/graph-schema';
import { type BlockingResult, blockPairsByRule } from '../blocking/block-pairs.ts';
import { compileRule } from '../blocking/blocking-rule.ts';
import { linkClusters } from '../clustering/link-clusters.ts';
import type { BatchResult, KindStage, KindTimings } from '../result-types.ts';
import { type BatchScorer, ItemColumns } from '../scoring/batch-scorer.ts';
import { DataStats } from '../scoring/data-stats.ts';
import { defaultSettings } from '../scoring/default-kind-settings.ts';
import type { Model } from '../scoring/model-settings.ts';
import { PairScorer } from '../scoring/pair-scorer.ts';
import { levelOffsets, randomPairCount, type TrainOptions, trainModel } from '../scoring/train-model.ts';
import type { Mention, ProgressFn } from '../types.ts';
import { entityIdFor } from './entity-id.ts';
import { CHUNK_PAIRS, chunkCount, type PairWork, runChunk } from './pair-work.ts';
import { ResolveWorkers, type SharedTask } from './resolve-workers.ts';

export interface ResolveBatchOptions {
  /** Models per kind; defaults from `defaultSettings(kind)` (or the committed person model). */
  models?: Partial<Record<EntityKind, Model>>;
  /** Learn m/u from this batch before resolving (kinds with comparisons that score). */
  train?: boolean | TrainOptions;
  /** Analysts' decisions, by mention key. */
  cannotLinks?: Array<[string, string]>;
  mustLinks?: Array<[string, string]>;
  /** Long work reports its stage (`Person: score` ...), units done and total. */
  onProgress?: ProgressFn;
}

/**
 * Mentions of a kind below which its pair loops stay on this thread: sending the columns to a
 * worker and the chunk messages cost more than they save (measured, docs/resolution.md).
 */
export const PARALLEL_MIN_MENTIONS = 20_000;

const now = () => performance.now();

/** @returns a skip function for blocking that drops generic values */
export function genericSkip(stats: DataStats): (part: string, value: string) => boolean {
  return (part, v) => stats.isGeneric(part, v);
}

function keyGroups(model: Model, mentions: Mention[]): Array<{ reason: string; members: number[] }> {
  const out: Array<{ reason: string; members: number[] }> = [];
  for (const rule of model.keyRules ?? []) {
    const fn = compileRule(rule);
    const groups = new Map<string, number[]>();
    mentions.forEach((m, i) => {
      const k = fn(m.attrs);
      if (k === undefined) return;
      const g = groups.get(k);
      if (g) g.push(i);
      else groups.set(k, [i]);
    });
    for (const g of groups.values()) if (g.length > 1) out.push({ reason: rule.name, members: g });
  }
  return out;
}

/** What a kind's stages hand to their driver: pair loops, and the workers' copy of the kind. */
type Step =
  | { op: 'prepare'; model: Model; columns: ItemColumns }
  | { op: 'model'; model: Model }
  | { op: 'run'; work: PairWork; batch: BatchScorer; stage: string }
  /** the workers may start on `work` now; this thread finishes it at its `join` */
  | { op: 'start'; work: PairWork }
  | { op: 'join'; work: PairWork; batch: BatchScorer; stage: string }
  /** the kind's last pair loop is done: the workers may drop the kind (or stop) before clustering */
  | { op: 'pairsDone' };

interface KindOutput {
  clusters: BatchResult['clusters'];
  linked: { decisions: BatchResult['decisions']; reviewQueue: BatchResult['reviewQueue'] };
  blockingStats: BatchResult['blockingStats'][EntityKind];
  timings: KindTimings;
  model: Model;
  generic: Record<string, string[]>;
}

const sharedBytes = (n: number) => new Uint8Array(new SharedArrayBuffer(n));
const sharedFloats = (n: number) => new Float64Array(new SharedArrayBuffer(n * 8));

/** One kind's resolution; its pair loops are yielded to the driver, which runs them (here or shared). */
function* resolveKind(kind: EntityKind, list: Mention[], opts: ResolveBatchOptions): Generator<Step, KindOutput> {
  const t: KindTimings = {
    mentions: list.length,
    stats: 0,
    training: 0,
    blocking: 0,
    scoring: 0,
    comparing: 0,
    clustering: 0,
    candidatePairs: 0,
    cpu: { stats: 0, blocking: 0, comparing: 0, training: 0, scoring: 0, clustering: 0 },
  };
  let wall = now();
  let cpu = process.cpuUsage();
  /** closes the stage that ran since the last call */
  const done = (stage: KindStage) => {
    const c = process.cpuUsage(cpu);
    t[stage] = now() - wall;
    t.cpu[stage] = (c.user + c.system) / 1000;
    wall = now();
    cpu = process.cpuUsage();
  };
  let model = opts.models?.[kind] ?? defaultSettings(kind);
  const probabilistic = model.thresholds.match < 1;
  const items = list.map((m) => m.attrs);
  const stats = new DataStats(model);
  for (const a of items) stats.add(a);
  // interned value columns of the items, shared by training, scoring and the workers
  const columns = new ItemColumns(items, stats);
  // each candidate pair's comparison vector, once, as integers: EM and scoring both read it
  // (levels depend on the comparisons' tests only, not on the m and u training changes)
  const first = new PairScorer(model, stats).forItems(items, columns);
  if (probabilistic) yield { op: 'prepare', model, columns };
  done('stats');
  // blocking rule by rule: each rule's new pairs are handed to the workers to compare while
  // this thread blocks on the next rule (their vectors are joined below)
  const K = first.width;
  const segments: Array<PairWork & { type: 'levels' }> = [];
  let pairs: BlockingResult = { left: new Int32Array(0), right: new Int32Array(0), count: 0, stats: [] };
  if (probabilistic) {
    const rules = blockPairsByRule(items, model.blockingRules, {
      maxBlockSize: model.maxBlockSize,
      skip: genericSkip(stats),
    });
    let b = rules.next();
    while (!b.done) {
      const { left, right, from, count } = b.value;
      if (count > from) {
        const work = { type: 'levels' as const, left, right, first: from, count: count - from };
        segments.push({ ...work, out: sharedBytes(work.count * K) });
        yield { op: 'start', work: segments[segments.length - 1]! };
      }
      b = rules.next();
    }
    pairs = b.value;
  }
  t.candidatePairs = pairs.count;
  done('blocking');
  const { left, right, count } = pairs;
  const levels = sharedBytes(count * K);
  for (const work of segments) {
    yield { op: 'join', work, batch: first, stage: 'compare pairs' };
    levels.set(work.out, work.first * K);
  }
  // the parts (and the blocking's earlier, smaller pair arrays they hold) are garbage now
  segments.length = 0;
  done('comparing');
  if (opts.train && probabilistic) {
    const trainOpts = typeof opts.train === 'object' ? opts.train : {};
    // the random pairs of the u estimate, counted by the driver's threads (a sum of integers)
    const offsets = levelOffsets(model);
    const uCounts = new Float64Array(offsets[K]!);
    const n = items.length;
    const seed = trainOpts.seed ?? 42;
    const work: PairWork = {
      type: 'randomPairs',
      n,
      seed,
      count: randomPairCount(n, trainOpts),
      offsets,
      out: uCounts,
    };
    if (n >= 10) yield { op: 'run', work, batch: first, stage: 'train (random pairs)' };
    // term frequencies and generic values do not depend on m and u: reuse them and the pairs
    model = trainModel(items, model, {
      ...trainOpts,
      stats,
      pairs,
      columns,
      levels,
      uCounts,
      ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
    });
    yield { op: 'model', model };
  }
  done('training');
  const scorer = new PairScorer(model, stats);
  const batch = scorer.forItems(items, columns);
  const weights = sharedFloats(count);
  yield { op: 'run', work: { type: 'weights', left, right, count, levels, out: weights }, batch, stage: 'score pairs' };
  yield { op: 'pairsDone' };
  done('scoring');
  // mention key -> index, only when analysts' links name mentions (666,811 keys at 1M)
  let index: Map<string, number> | undefined;
  const toIdx = (links?: Array<[string, string]>) =>
    (links ?? []).flatMap(([a, b]) => {
      if (!index) {
        index = new Map();
        for (let i = 0; i < list.length; i++) index.set(list[i]!.key, i);
      }
      const x = index.get(a);
      const y = index.get(b);
      return x === undefined || y === undefined ? [] : [[x, y] as [number, number]];
    });
  const linked = linkClusters({
    mentions: list,
    model,
    scorer,
    batch,
    left,
    right,
    weights,
    count,
    cannotLinks: toIdx(opts.cannotLinks),
    mustLinks: toIdx(opts.mustLinks),
    keyGroups: keyGroups(model, list),
  });
  const clusters: BatchResult['clusters'] = [];
  for (let i = 0; i < list.length; i++) {
    if (linked.uf.find(i) !== i) continue;
    const keys = linked.uf.membersArray(i).map((j) => list[j]!.key);
    keys.sort();
    clusters.push({ entityId: entityIdFor(kind, keys[0]!), kind, mentionKeys: keys });
  }
  done('clustering');
  return { clusters, linked, blockingStats: pairs.stats, timings: t, model, generic: stats.genericValues() };
}

/** Mentions by kind, a redelivered record (the same key) once. */
function byKindOf(mentions: Mention[]): Map<EntityKind, Mention[]> {
  const byKind = new Map<EntityKind, Mention[]>();
  const seen = new Set<string>();
  for (const m of mentions) {
    // a redelivered record has the same key: delivering twice changes nothing
    if (seen.has(m.key)) continue;
    seen.add(m.key);
    const l = byKind.get(m.kind);
    if (l) l.push(m);
    else byKind.set(m.kind, [m]);
  }
  return byKind;
}

function emptyResult(): BatchResult {
  return {
    clusters: [],
    entityOf: new Map(),
    decisions: [],
    reviewQueue: [],
    blockingStats: {},
    timings: {},
    models: {},
    generic: {},
  };
}

function addKind(result: BatchResult, kind: EntityKind, k: KindOutput): void {
  // mention key -> entity id straight from the clusters (no per-mention pair array between)
  for (const c of k.clusters) {
    result.clusters.push(c);
    for (const key of c.mentionKeys) result.entityOf.set(key, c.entityId);
  }
  for (const d of k.linked.decisions) result.decisions.push(d);
  for (const d of k.linked.reviewQueue) result.reviewQueue.push(d);
  result.blockingStats[kind] = k.blockingStats;
  result.timings[kind] = k.timings;
  result.models[kind] = k.model;
  result.generic[kind] = k.generic;
}

/** Runs a step's pair loop on this thread, chunk by chunk (the workers' chunks, all here). */
function runHere(kind: EntityKind, step: Step, onProgress?: ProgressFn): void {
  if (step.op !== 'run' && step.op !== 'join') return;
  const { work, batch } = step;
  const total = chunkCount(work);
  for (let c = 0; c < total; c++) {
    runChunk(batch, work, c, work.type === 'randomPairs' ? work.out : undefined);
    reportChunk(kind, step, c + 1, onProgress);
  }
}

function reportChunk(
  kind: EntityKind,
  step: Step & { op: 'run' | 'join' },
  chunksDone: number,
  onProgress?: ProgressFn,
): void {
  if (!onProgress) return;
  const { work } = step;
  const size = CHUNK_PAIRS[work.type];
  // about every 200,000 pairs, and at the end
  if (chunksDone === chunkCount(work) || (chunksDone * size) % 196_608 < size)
    onProgress(`${kind}: ${step.stage}`, Math.min(work.count, chunksDone * size), work.count);
}

/**
 * Resolve mentions of any kinds into entities, on this thread.
 * @example const r = resolveBatch(mentions, { train: true }); r.entityOf.get('hotel:42:guest')
 */
export function resolveBatch(mentions: Mention[], opts: ResolveBatchOptions = {}): BatchResult {
  const result = emptyResult();
  for (const [kind, list] of byKindOf(mentions)) {
    const g = resolveKind(kind, list, opts);
    let r = g.next();
    while (!r.done) {
      runHere(kind, r.value, opts.onProgress);
      r = g.next();
    }
    addKind(result, kind, r.value);
  }
  return result;
}

/**
 * `resolveBatch` with the loops over pairs (comparison vectors, random pairs for training,
 * weights) shared between this thread and worker threads; the same result. `workers`: a
 * running `ResolveWorkers` (kept open), or how many to start for this call (default: one per
 * core beyond this thread's). Kinds with fewer than `PARALLEL_MIN_MENTIONS` stay on this thread.
 * @throws ResolverError `ONEMAP_ERR_INTERNAL` when a worker fails
 * @example const r = await resolveBatchParallel(mentions, { train: true });
 */
export async function resolveBatchParallel(
  mentions: Mention[],
  opts: ResolveBatchOptions & {
    workers?: ResolveWorkers | number;
    /** kinds with fewer mentions stay on this thread (default `PARALLEL_MIN_MENTIONS`) */
    minParallelMentions?: number;
  } = {},
): Promise<BatchResult> {
  const given = opts.workers instanceof ResolveWorkers ? opts.workers : undefined;
  // started at the first kind large enough to share, so small inputs start no thread at all
  let started: ResolveWorkers | undefined;
  const size = given ? given.size : typeof opts.workers === 'number' ? opts.workers : availableParallelism() - 1;
  try {
    const result = emptyResult();
    const kinds = [...byKindOf(mentions)];
    const shares = ([, list]: [EntityKind, Mention[]]) =>
      size > 0 && list.length >= (opts.minParallelMentions ?? PARALLEL_MIN_MENTIONS);
    let lastShared = -1;
    kinds.forEach((k, i) => {
      if (shares(k)) lastShared = i;
    });
    for (const [i, [kind, list]] of kinds.entries()) {
      const pool = shares([kind, list]) ? (given ?? (started ??= ResolveWorkers.start(size))) : undefined;
      const g = resolveKind(kind, list, opts);
      const tasks = new Map<PairWork, SharedTask>();
      let released = false;
      let r = g.next();
      while (!r.done) {
        const step = r.value;
        if (!pool) runHere(kind, step, opts.onProgress);
        else if (step.op === 'prepare') pool.prepare(kind, step.model, step.columns);
        else if (step.op === 'model') pool.setModel(kind, step.model);
        else if (step.op === 'start') tasks.set(step.work, pool.start(kind, step.work));
        else if (step.op === 'pairsDone') {
          // the pool this call started stops before the last kind that shared it clusters: a
          // worker seldom collects garbage, so it would hold every shared array it was sent
          // (comparison vectors, weights, columns: hundreds of MiB at 1M) until it stops
          released = true;
          if (pool === started && i === lastShared) {
            await started.close();
            started = undefined;
          } else pool.release(kind);
        } else {
          const onChunk = (c: number) => reportChunk(kind, step, c, opts.onProgress);
          const task = step.op === 'join' ? tasks.get(step.work) : undefined;
          tasks.delete(step.work);
          if (task) await pool.join(task, step.batch, { onChunk });
          else await pool.run(kind, step.work, step.batch, { onChunk });
        }
        r = g.next();
      }
      if (pool && !released) pool.release(kind);
      addKind(result, kind, r.value);
    }
    return result;
  } finally {
    await started?.close();
  }
}
