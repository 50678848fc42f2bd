/**
 * Learn a model's m and u probabilities from unlabelled data, as splink does: u from random
 * pairs (almost all non-matches), then expectation-maximisation over the blocked candidate
 * pairs for m and the match proportion. Pairs are aggregated into comparison-vector patterns
 * first, so each EM iteration costs the number of distinct patterns, not pairs.
 */
import { type BlockingResult, blockPairs, pairsInRule } from '../blocking/block-pairs.ts';
import { blockCap, ruleAttributes } from '../blocking/blocking-rule.ts';
import type { Attrs, Mention, ProgressFn } from '../types.ts';
import { type BatchScorer, ItemColumns, NEEDS_ITEMS } from './batch-scorer.ts';
import { DataStats } from './data-stats.ts';
import { MODEL_VERSION, type Model } from './model-settings.ts';
import { PairScorer } from './pair-scorer.ts';

export interface TrainOptions {
  /** random pairs sampled for u (default 300,000 or all pairs if fewer) */
  randomPairs?: number;
  maxIterations?: number;
  /** stop when no m changes by more than this */
  tolerance?: number;
  seed?: number;
  /** pairs sampled (evenly) per blocking rule for EM, as splink samples (default 500,000) */
  maxPairsPerRule?: number;
  /** statistics and candidate pairs already computed for these items (saves recomputing them) */
  stats?: DataStats;
  pairs?: BlockingResult;
  /** interned value columns of these items (shared with the scorer that follows) */
  columns?: ItemColumns;
  /**
   * comparison vectors of `pairs` (`BatchScorer.levelsOfPairs`): EM then reads them instead of
   * comparing values again, and finds each training rule's pairs among the candidates
   */
  levels?: Uint8Array;
  /**
   * the random pairs' level counts (`countRandomPairLevels` over all `randomPairCount` pairs with
   * this `seed`, at `levelOffsets`), when computed elsewhere (on several threads)
   */
  uCounts?: Float64Array;
  /** called after each EM session (one per training rule, then the match proportion) */
  onProgress?: ProgressFn;
}

interface Patterns {
  total: number;
  list: Array<{ g: number[]; c: number }>;
}

const MULBERRY_STEP = 0x6d2b79f5;

/** Output of the mulberry32 generator whose state is `a` (after adding its step). */
function mulberry32Out(a: number): number {
  let t = a >>> 0;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

/**
 * The random pair number `s` of the u estimate (two draws of a mulberry32 generator seeded
 * with `seed` per pair): its state after k draws is seed + k * step, so any pair can be drawn
 * on its own, in any order or thread, and the sample is the same as drawn one after another.
 */
export function randomPairAt(seed: number, s: number, n: number, out: Int32Array): void {
  const i = Math.floor(mulberry32Out(seed + Math.imul(2 * s + 1, MULBERRY_STEP)) * n);
  let j = Math.floor(mulberry32Out(seed + Math.imul(2 * s + 2, MULBERRY_STEP)) * (n - 1));
  if (j >= i) j++;
  out[0] = i;
  out[1] = j;
}

/** Random pairs drawn for u from `n` items (the option, or all pairs if fewer). */
export function randomPairCount(n: number, opts: Pick<TrainOptions, 'randomPairs'> = {}): number {
  return Math.min(opts.randomPairs ?? 300_000, (n * (n - 1)) / 2);
}

/**
 * Counts the levels of the random pairs `from` to `to` (exclusive) into `counts`, comparison k's
 * level l at `offsets[k] + l`. Integer counts: summed in any order, they are the same. A scorer
 * without the items leaves the pairs whose names need aligning uncounted, their numbers in
 * `needsItems`.
 */
export function countRandomPairLevels(
  scorer: BatchScorer,
  n: number,
  seed: number,
  from: number,
  to: number,
  offsets: Int32Array,
  counts: Float64Array,
  needsItems?: number[],
): void {
  const K = scorer.width;
  const gamma = new Uint8Array(K);
  const pair = new Int32Array(2);
  for (let s = from; s < to; s++) {
    randomPairAt(seed, s, n, pair);
    scorer.levels(pair[0]!, pair[1]!, gamma);
    if (gamma[0] === NEEDS_ITEMS) {
      if (!needsItems) throw new Error('a random pair needs the items this scorer does not have');
      needsItems.push(s);
      continue;
    }
    for (let k = 0; k < K; k++) counts[offsets[k]! + gamma[k]!]!++;
  }
}

/** Where each comparison's level counts start in a flat array (and, last, the array's length). */
export function levelOffsets(model: Model): Int32Array {
  const out = new Int32Array(model.comparisons.length + 1);
  model.comparisons.forEach((c, k) => {
    out[k + 1] = out[k]! + c.levels.length;
  });
  return out;
}

/** Lowest m: a disagreement never seen among matches may still happen (a typo); cap its weight. */
const M_FLOOR = 1e-4;

const neutral = (m: Model, k: number, l: number) => {
  const t = m.comparisons[k]!.levels[l]!.test.type;
  return t === 'null' || t === 'generic';
};

/**
 * @param data mentions of one kind (or their standardized attributes)
 * @param base settings (comparisons, blocking rules...) whose m/u are starting values
 * @returns a new model with learned m, u, lambda and a `training` summary
 */
export function trainModel(data: Attrs[] | Mention[], base: Model, opts: TrainOptions = {}): Model {
  const items: Attrs[] = data.map((d) =>
    'attrs' in d && typeof d.attrs === 'object' ? (d as Mention).attrs : (d as Attrs),
  );
  const model: Model = structuredClone(base);
  model.version = MODEL_VERSION;
  const n = items.length;
  if (n < 10) return model;
  let stats = opts.stats;
  if (!stats) {
    stats = new DataStats(model);
    for (const a of items) stats.add(a);
  }
  const st = stats;
  const scorer = new PairScorer(model, stats).forItems(items, opts.columns ?? new ItemColumns(items, stats));
  const K = model.comparisons.length;
  const gamma = new Uint8Array(K);
  const L = model.comparisons.map((c) => c.levels.length);

  // u from random pairs
  const totalPairs = (n * (n - 1)) / 2;
  const R = randomPairCount(n, opts);
  const offsets = levelOffsets(model);
  let flat = opts.uCounts;
  if (!flat) {
    flat = new Float64Array(offsets[K]!);
    countRandomPairLevels(scorer, n, opts.seed ?? 42, 0, R, offsets, flat);
  }
  const uCounts = L.map((_, k) => flat.subarray(offsets[k]!, offsets[k + 1]!));
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

  // EM per blocking rule (as splink does): on the pairs of one rule, the comparisons whose
  // attributes the rule blocks on agree by construction and are left out of that session.
  const skip = (part: string, v: string) => st.isGeneric(part, v);
  const compAttrs = model.comparisons.map((c) => {
    const s = new Set(c.attr.split('|'));
    for (const l of c.levels) if ('attr' in l.test && l.test.attr) for (const a of l.test.attr.split('|')) s.add(a);
    return s;
  });
  const mSum = model.comparisons.map((c) => new Float64Array(c.levels.length));
  const mSessions = new Int32Array(K);
  let iterations = 0;
  let candidatePairs = 0;
  const maxPairs = opts.maxPairsPerRule ?? 500_000;
  const sessions = model.trainingRules ?? model.blockingRules;
  let session = 0;
  for (const rule of sessions) {
    opts.onProgress?.(`${model.kind}: train (EM per rule)`, session++, sessions.length + 1);
    const blocked = ruleAttributes(rule);
    const active = compAttrs.map((attrs) => ![...attrs].some((a) => blocked.has(a)));
    const ri = model.blockingRules.findIndex(
      (b) => b.name === rule.name && blockCap(b, model.maxBlockSize) === blockCap(rule, model.maxBlockSize),
    );
    const inRule = opts.levels && opts.pairs && ri >= 0 ? pairsInRule(opts.pairs, ri) : undefined;
    let pats: Patterns;
    if (inRule && opts.levels) {
      if (inRule.length < 50) continue;
      candidatePairs += inRule.length;
      pats = patternsOfLevels(opts.levels, inRule, inRule.length);
    } else {
      const pairs = blockPairs(items, [rule], { maxBlockSize: model.maxBlockSize, skip });
      if (pairs.count < 50) continue;
      candidatePairs += pairs.count;
      pats = patternsOf(pairs, Math.min(pairs.count, maxPairs));
    }
    const r = runEm(pats, active, opts);
    iterations += r.iterations;
    for (let k = 0; k < K; k++) {
      if (!active[k] || r.m[k] === undefined) continue;
      mSessions[k]!++;
      for (let l = 0; l < L[k]!; l++) mSum[k]![l]! += r.m[k]![l]!;
    }
  }
  model.comparisons.forEach((c, k) => {
    if (!mSessions[k]) return;
    c.levels.forEach((lv, l) => {
      if (!neutral(model, k, l)) lv.m = Math.min(0.999999, Math.max(mSum[k]![l]! / mSessions[k]!, M_FLOOR));
    });
  });
  opts.onProgress?.(`${model.kind}: train (EM per rule)`, sessions.length, sessions.length + 1);
  // the match proportion among all candidate pairs, with m and u now fixed
  const all = opts.pairs ?? blockPairs(items, model.blockingRules, { maxBlockSize: model.maxBlockSize, skip });
  const lam = runEm(
    opts.levels && opts.pairs
      ? patternsOfLevels(opts.levels, undefined, opts.pairs.count)
      : patternsOf(all, Math.min(all.count, maxPairs)),
    model.comparisons.map(() => true),
    { ...opts, fixM: true },
  );
  const lambdaC = lam.lambda;
  opts.onProgress?.(`${model.kind}: train (EM per rule)`, sessions.length + 1, sessions.length + 1);
  iterations += lam.iterations;

  /**
   * Patterns of precomputed comparison vectors: of the pairs `which` (all when undefined,
   * `count` of them), an even sample of at most `maxPairs`; integer keys, no strings per pair.
   */
  function patternsOfLevels(levels: Uint8Array, which: Int32Array | undefined, count: number): Patterns {
    const take = Math.min(count, maxPairs);
    const stride = count / take;
    // mixed-radix integer key of a vector (exact while the product of level counts fits a double)
    if (L.reduce((x, y) => x * y, 1) > 2 ** 52) throw new Error('too many comparison levels for integer patterns');
    const counts = new Map<number, number>();
    const first = new Map<number, number>();
    for (let t = 0; t < take; t++) {
      const q = Math.floor(t * stride);
      const p = which ? which[q]! : q;
      const off = p * K;
      let key = 0;
      for (let k = 0; k < K; k++) key = key * L[k]! + levels[off + k]!;
      const c = counts.get(key);
      if (c === undefined) {
        counts.set(key, 1);
        first.set(key, off);
      } else counts.set(key, c + 1);
    }
    const list: Patterns['list'] = [];
    for (const [key, c] of counts) {
      const off = first.get(key)!;
      list.push({ g: Array.from(levels.subarray(off, off + K)), c });
    }
    return { total: take, list };
  }

  function patternsOf(pairs: { left: Int32Array; right: Int32Array; count: number }, take: number): Patterns {
    const patterns = new Map<string, number>();
    const stride = pairs.count / take;
    for (let t = 0; t < take; t++) {
      const p = Math.floor(t * stride);
      scorer.levels(pairs.left[p]!, pairs.right[p]!, gamma);
      const key = String.fromCharCode(...gamma);
      patterns.set(key, (patterns.get(key) ?? 0) + 1);
    }
    return {
      total: take,
      list: [...patterns.entries()].map(([k, c]) => ({ g: Array.from(k, (ch) => ch.charCodeAt(0)), c })),
    };
  }

  function runEm(pats: Patterns, active: boolean[], o: TrainOptions & { fixM?: boolean }) {
    const m = model.comparisons.map((c) => Float64Array.from(c.levels.map((l) => l.m)));
    let lambda = 0.3;
    let it = 0;
    const maxIt = o.maxIterations ?? 30;
    const tol = o.tolerance ?? 1e-4;
    for (; it < maxIt; it++) {
      const mNum = L.map((l) => new Float64Array(l));
      let rSum = 0;
      for (const { g, c } of pats.list) {
        let pm = lambda;
        let pu = 1 - lambda;
        for (let k = 0; k < K; k++) {
          const l = g[k]!;
          if (!active[k] || neutral(model, k, l)) continue;
          pm *= m[k]![l]!;
          pu *= model.comparisons[k]!.levels[l]!.u;
        }
        const r = pm / (pm + pu);
        rSum += r * c;
        for (let k = 0; k < K; k++) mNum[k]![g[k]!]! += r * c;
      }
      let delta = 0;
      if (!o.fixM) {
        for (let k = 0; k < K; k++) {
          if (!active[k]) continue;
          let tot = 0;
          for (let l = 0; l < L[k]!; l++) if (!neutral(model, k, l)) tot += mNum[k]![l]!;
          if (tot < 1) continue;
          for (let l = 0; l < L[k]!; l++) {
            if (neutral(model, k, l)) continue;
            const v = Math.min(0.999999, Math.max(mNum[k]![l]! / tot, M_FLOOR));
            delta = Math.max(delta, Math.abs(v - m[k]![l]!));
            m[k]![l] = v;
          }
        }
      }
      const nl = Math.min(0.999, Math.max(rSum / pats.total, 1e-6));
      delta = Math.max(delta, Math.abs(nl - lambda));
      lambda = nl;
      if (delta < tol) {
        it++;
        break;
      }
    }
    return { m, lambda, iterations: it };
  }

  const expectedMatches = lambdaC * all.count;
  model.lambda = Math.min(0.5, Math.max(expectedMatches / totalPairs, 1e-12));
  model.training = {
    at: new Date().toISOString(),
    mentions: n,
    candidatePairs,
    randomPairs: R,
    iterations,
    lambdaCandidates: lambdaC,
  };
  return model;
}
