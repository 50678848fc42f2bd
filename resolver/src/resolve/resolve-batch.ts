/**
 * Batch resolution: all mentions of a file (or many) at once. Per entity kind: data
 * statistics (term frequencies, generic values) -> optional training (EM) -> blocking ->
 * scoring -> decide and cluster. The same model, blocking rules and constraints drive the
 * real-time `ResolutionIndex`.
 */
import type { EntityKind } from '@onemap/graph-schema';
import { blockPairs } from '../blocking/block-pairs.ts';
import { compileRule } from '../blocking/blocking-rule.ts';
import { linkClusters } from '../clustering/link-clusters.ts';
import type { BatchResult, KindTimings } from '../result-types.ts';
import { ItemColumns } from '../scoring/batch-scorer.ts';
import { DataStats } from '../scoring/data-stats.ts';
import { defaultSettings } from '../scoring/default-kind-settings.ts';
import type { Model } from '../scoring/model-settings.ts';
import { PairScorer } from '../scoring/pair-scorer.ts';
import { type TrainOptions, trainModel } from '../scoring/train-model.ts';
import type { Mention, ProgressFn } from '../types.ts';
import { entityIdFor } from './entity-id.ts';

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

/** Pairs between two progress calls while scoring. */
const PROGRESS_PAIRS = 200_000;

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

/**
 * Resolve mentions of any kinds into entities.
 * @example const r = resolveBatch(mentions, { train: true }); r.entityOf.get('hotel:42:guest')
 */
export function resolveBatch(mentions: Mention[], opts: ResolveBatchOptions = {}): BatchResult {
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
  const result: BatchResult = {
    clusters: [],
    entityOf: new Map(),
    decisions: [],
    reviewQueue: [],
    blockingStats: {},
    timings: {},
    models: {},
    generic: {},
  };
  for (const [kind, list] of byKind) {
    const t: KindTimings = {
      mentions: list.length,
      stats: 0,
      training: 0,
      blocking: 0,
      scoring: 0,
      comparing: 0,
      clustering: 0,
      candidatePairs: 0,
    };
    let model = opts.models?.[kind] ?? defaultSettings(kind);
    const probabilistic = model.thresholds.match < 1;
    let t0 = now();
    const items = list.map((m) => m.attrs);
    const stats = new DataStats(model);
    for (const a of items) stats.add(a);
    t.stats = now() - t0;
    t0 = now();
    const pairs = probabilistic
      ? blockPairs(items, model.blockingRules, { maxBlockSize: model.maxBlockSize, skip: genericSkip(stats) })
      : { left: new Int32Array(0), right: new Int32Array(0), count: 0, stats: [] };
    t.blocking = now() - t0;
    t0 = now();
    // interned value columns of the items, shared by training and scoring
    const columns = new ItemColumns(items, stats);
    const progress = opts.onProgress;
    // each candidate pair's comparison vector, once, as integers: EM and scoring both read it
    // (levels depend on the comparisons' tests only, not on the m and u training changes)
    const levels = new PairScorer(model, stats)
      .forItems(items, columns)
      .levelsOfPairs(pairs.left, pairs.right, pairs.count, (done) =>
        progress?.(`${kind}: compare pairs`, done, pairs.count),
      );
    t.comparing = now() - t0;
    t0 = now();
    if (opts.train && probabilistic) {
      // term frequencies and generic values do not depend on m and u: reuse them and the pairs
      model = trainModel(items, model, {
        ...(typeof opts.train === 'object' ? opts.train : {}),
        stats,
        pairs,
        columns,
        levels,
        ...(progress ? { onProgress: progress } : {}),
      });
    }
    t.training = now() - t0;
    const scorer = new PairScorer(model, stats);
    t.candidatePairs = pairs.count;
    t0 = now();
    const batch = scorer.forItems(items, columns);
    const weights = new Float64Array(pairs.count);
    const K = batch.width;
    for (let p = 0; p < pairs.count; p++) {
      weights[p] = batch.weightOfLevels(pairs.left[p]!, pairs.right[p]!, levels, p * K);
      if (progress && p % PROGRESS_PAIRS === 0) progress(`${kind}: score pairs`, p, pairs.count);
    }
    if (progress && pairs.count) progress(`${kind}: score pairs`, pairs.count, pairs.count);
    t.scoring = now() - t0;
    t0 = now();
    const index = new Map<string, number>();
    for (let i = 0; i < list.length; i++) index.set(list[i]!.key, i);
    const toIdx = (links?: Array<[string, string]>) =>
      (links ?? []).flatMap(([a, b]) => {
        const x = index.get(a);
        const y = index.get(b);
        return x === undefined || y === undefined ? [] : [[x, y] as [number, number]];
      });
    const linked = linkClusters({
      mentions: list,
      model,
      scorer,
      batch,
      left: pairs.left,
      right: pairs.right,
      weights,
      count: pairs.count,
      cannotLinks: toIdx(opts.cannotLinks),
      mustLinks: toIdx(opts.mustLinks),
      keyGroups: keyGroups(model, list),
    });
    for (let i = 0; i < list.length; i++) {
      if (linked.uf.find(i) !== i) continue;
      const keys = linked.uf.membersArray(i).map((j) => list[j]!.key);
      keys.sort();
      const entityId = entityIdFor(kind, keys[0]!);
      for (const k of keys) result.entityOf.set(k, entityId);
      result.clusters.push({ entityId, kind, mentionKeys: keys });
    }
    t.clustering = now() - t0;
    for (const d of linked.decisions) result.decisions.push(d);
    for (const d of linked.reviewQueue) result.reviewQueue.push(d);
    result.blockingStats[kind] = pairs.stats;
    result.timings[kind] = t;
    result.models[kind] = model;
    result.generic[kind] = stats.genericValues();
  }
  return result;
}
