/**
 * Learn a model's m and u probabilities from unlabelled data, as splink does: u from random
 * pairs (almost all non-matches), then expectation-maximisation over the blocked candidate
 * pairs for m and the match proportion. Pairs are aggregated into comparison-vector patterns
 * first, so each EM iteration costs the number of distinct patterns, not pairs.
 */
import { blockPairs } from '../blocking/block-pairs.ts';
import { MODEL_VERSION, type Model } from '../model/model-settings.ts';
import type { Attrs } from '../model/types.ts';
import { DataStats } from './data-stats.ts';
import { PairScorer } from './pair-scorer.ts';

export interface TrainOptions {
  /** random pairs sampled for u (default 300,000 or all pairs if fewer) */
  randomPairs?: number;
  maxIterations?: number;
  /** stop when no m changes by more than this */
  tolerance?: number;
  seed?: number;
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const neutral = (m: Model, k: number, l: number) => {
  const t = m.comparisons[k]!.levels[l]!.test.type;
  return t === 'null' || t === 'generic';
};

/**
 * @param items standardized attributes of mentions of one kind
 * @param base settings (comparisons, blocking rules...) whose m/u are starting values
 * @returns a new model with learned m, u, lambda and a `training` summary
 */
export function trainModel(items: Attrs[], base: Model, opts: TrainOptions = {}): Model {
  const model: Model = structuredClone(base);
  model.version = MODEL_VERSION;
  const n = items.length;
  if (n < 10) return model;
  const stats = new DataStats(model);
  for (const a of items) stats.add(a);
  const scorer = new PairScorer(model, stats);
  const K = model.comparisons.length;
  const gamma = new Uint8Array(K);
  const L = model.comparisons.map((c) => c.levels.length);

  // u from random pairs
  const totalPairs = (n * (n - 1)) / 2;
  const R = Math.min(opts.randomPairs ?? 300_000, totalPairs);
  const rnd = mulberry32(opts.seed ?? 42);
  const uCounts = L.map((l) => new Float64Array(l));
  for (let s = 0; s < R; s++) {
    const i = Math.floor(rnd() * n);
    let j = Math.floor(rnd() * (n - 1));
    if (j >= i) j++;
    scorer.levels(items[i]!, items[j]!, gamma);
    for (let k = 0; k < K; k++) uCounts[k]![gamma[k]!]!++;
  }
  model.comparisons.forEach((c, k) => {
    let tot = 0;
    c.levels.forEach((_, l) => {
      if (!neutral(model, k, l)) tot += uCounts[k]![l]!;
    });
    if (tot < 50) return; // too little data: keep the prior
    c.levels.forEach((lv, l) => {
      if (neutral(model, k, l)) return;
      lv.u = Math.min(0.999999, Math.max((uCounts[k]![l]! + 0.5) / (tot + 0.5 * c.levels.length), 1e-9));
    });
  });

  // EM on candidate pairs, aggregated by pattern
  const pairs = blockPairs(items, model.blockingRules, {
    maxBlockSize: model.maxBlockSize,
    skip: (part, v) => stats.isGeneric(part.split(':')[0]!.split('|')[0]!, v),
  });
  const patterns = new Map<string, number>();
  for (let p = 0; p < pairs.count; p++) {
    scorer.levels(items[pairs.left[p]!]!, items[pairs.right[p]!]!, gamma);
    const key = String.fromCharCode(...gamma);
    patterns.set(key, (patterns.get(key) ?? 0) + 1);
  }
  const pats = [...patterns.entries()].map(([k, c]) => ({ g: Array.from(k, (ch) => ch.charCodeAt(0)), c }));
  let lambdaC = 0.3;
  let iterations = 0;
  const maxIt = opts.maxIterations ?? 30;
  const tol = opts.tolerance ?? 1e-4;
  for (; iterations < maxIt && pairs.count > 0; iterations++) {
    const mNum = L.map((l) => new Float64Array(l));
    let rSum = 0;
    for (const { g, c } of pats) {
      let pm = lambdaC;
      let pu = 1 - lambdaC;
      for (let k = 0; k < K; k++) {
        const l = g[k]!;
        if (neutral(model, k, l)) continue;
        const lv = model.comparisons[k]!.levels[l]!;
        pm *= lv.m;
        pu *= lv.u;
      }
      const r = pm / (pm + pu);
      rSum += r * c;
      for (let k = 0; k < K; k++) mNum[k]![g[k]!]! += r * c;
    }
    let delta = 0;
    model.comparisons.forEach((cmp, k) => {
      let tot = 0;
      cmp.levels.forEach((_, l) => {
        if (!neutral(model, k, l)) tot += mNum[k]![l]!;
      });
      if (tot < 1) return;
      cmp.levels.forEach((lv, l) => {
        if (neutral(model, k, l)) return;
        const m = Math.min(0.999999, Math.max(mNum[k]![l]! / tot, 1e-6));
        delta = Math.max(delta, Math.abs(m - lv.m));
        lv.m = m;
      });
    });
    lambdaC = Math.min(0.999, Math.max(rSum / pairs.count, 1e-6));
    if (delta < tol) {
      iterations++;
      break;
    }
  }
  const expectedMatches = lambdaC * pairs.count;
  model.lambda = Math.min(0.5, Math.max(expectedMatches / totalPairs, 1e-12));
  model.training = {
    at: new Date().toISOString(),
    mentions: n,
    candidatePairs: pairs.count,
    randomPairs: R,
    iterations,
    lambdaCandidates: lambdaC,
  };
  return model;
}
