/**
 * Fellegi-Sunter scoring of a mention pair with a model: each comparison picks its first
 * passing level; the match weight is log2(lambda/(1-lambda)) + sum log2(m/u) + term-frequency
 * adjustments. Compiled once per model so the hot loop only runs closures.
 */

import type { Attrs } from '../types.ts';
import type { ComparisonSettings, LevelTest } from './comparison-settings.ts';
import type { DataStats } from './data-stats.ts';
import type { Model } from './model-settings.ts';
import { damerauLevenshtein, jaroWinklerAtLeast } from './string-distance.ts';

type Getter = (a: Attrs) => string | undefined;
type Test = (va: string, vb: string, a: Attrs, b: Attrs) => boolean;

function getter(spec: string): Getter {
  const attrs = spec.split('|');
  if (attrs.length === 1) {
    const k = attrs[0]!;
    return (a) => a[k] || undefined;
  }
  return (a) => {
    for (const k of attrs) if (a[k]) return a[k];
    return undefined;
  };
}

/** Per-comparison memo so several levels measuring the same pair compute a distance once. */
interface Memo {
  x: string;
  y: string;
  jw: number;
  dx: string;
  dy: string;
  dl: number;
  /** lowest Jaro-Winkler threshold of the comparison (below it the exact value is not needed) */
  jwMin: number;
}

/** The string predicate of a level test (null, generic and else have none); shared by both paths. */
function levelPredicate(t: LevelTest, memo: Memo, maxEdits: number): ((x: string, y: string) => boolean) | undefined {
  switch (t.type) {
    case 'null':
    case 'generic':
    case 'else':
      return undefined;
    case 'exact':
      return (x, y) => x === y;
    case 'jaro_winkler': {
      const th = t.threshold;
      return (x, y) => {
        if (memo.x !== x || memo.y !== y) {
          memo.x = x;
          memo.y = y;
          memo.jw = jaroWinklerAtLeast(x, y, memo.jwMin);
        }
        return memo.jw >= th;
      };
    }
    case 'damerau': {
      const max = t.max;
      return (x, y) => {
        if (memo.dx !== x || memo.dy !== y) {
          memo.dx = x;
          memo.dy = y;
          memo.dl = damerauLevenshtein(x, y, maxEdits);
        }
        return memo.dl <= max;
      };
    }
    case 'date_swap':
      return (x, y) =>
        x.length === 10 &&
        x.slice(0, 4) === y.slice(0, 4) &&
        x.slice(5, 7) === y.slice(8, 10) &&
        x.slice(8, 10) === y.slice(5, 7);
    case 'prefix': {
      const n = t.length;
      return (x, y) => x.length >= n && x.slice(0, n) === y.slice(0, n);
    }
    case 'nested':
      return (x, y) => (x.length < y.length ? y.startsWith(x) : x.startsWith(y));
  }
}

function compileTest(
  t: LevelTest,
  stats: DataStats | undefined,
  genericAttr: string,
  pred: ((x: string, y: string) => boolean) | undefined,
): Test {
  const own = 'attr' in t && t.attr ? getter(t.attr) : undefined;
  if (t.type === 'null') return () => false; // handled before tests run
  if (t.type === 'else') return () => true;
  if (t.type === 'generic')
    return (va, vb) => (stats ? stats.isGeneric(genericAttr, va) || stats.isGeneric(genericAttr, vb) : false);
  const f = pred!;
  return own
    ? (_va, _vb, a, b) => {
        const x = own(a);
        const y = own(b);
        return x !== undefined && y !== undefined && f(x, y);
      }
    : (va, vb) => f(va, vb);
}

interface CompiledComparison {
  settings: ComparisonSettings;
  /** per level: its test type, the attribute spec of a test with its own attribute, its string predicate */
  types: Array<LevelTest['type']>;
  own: Array<string | undefined>;
  preds: Array<((x: string, y: string) => boolean) | undefined>;
  genericAttr: string;
  contradiction: boolean;
  get: Getter;
  nullLevel: number;
  tests: Test[];
  weights: Float64Array;
  tfAttr: Array<string | undefined>;
  u: Float64Array;
}

export interface ComparisonTerm {
  comparison: string;
  level: string;
  levelIndex: number;
  valueA?: string;
  valueB?: string;
  m: number;
  u: number;
  /** log2(m/u); 0 for null and generic levels */
  weight: number;
  /** term-frequency adjustment added to `weight` */
  tfAdjustment: number;
}

/** Aligns family/given of `b` to `a` when they are the same name split or ordered differently. */
export function alignNames(a: Attrs, b: Attrs): Attrs {
  const af = a.pyFamily;
  const ag = a.pyGiven;
  const bf = b.pyFamily;
  const bg = b.pyGiven;
  if (!af || !ag || !bf || !bg || (af === bf && ag === bg)) return b;
  if (af === bg && ag === bf) {
    const v: Attrs = { ...b, pyFamily: bg, pyGiven: bf };
    if (b.given !== undefined) v.family = b.given;
    if (b.family !== undefined) v.given = b.family;
    return v;
  }
  if (af.length + ag.length !== bf.length + bg.length) return b;
  const full = af + ag;
  if (full === bf + bg || full === bg + bf || ag + af === bf + bg) {
    // same syllables, split differently (a minority name written with and without the dot)
    return { ...b, pyFamily: af, pyGiven: ag, family: a.family ?? '', given: a.given ?? '' };
  }
  return b;
}

export class PairScorer {
  readonly model: Model;
  readonly prior: number;
  private readonly comps: CompiledComparison[];
  private readonly stats: DataStats | undefined;

  constructor(model: Model, stats?: DataStats) {
    this.model = model;
    this.stats = stats;
    this.prior = Math.log2(model.lambda / (1 - model.lambda));
    this.comps = model.comparisons.map((c) => {
      const weights = new Float64Array(c.levels.length);
      const u = new Float64Array(c.levels.length);
      c.levels.forEach((l, i) => {
        const neutral = l.test.type === 'null' || l.test.type === 'generic';
        weights[i] = neutral ? 0 : Math.log2(l.m / l.u);
        u[i] = l.u;
      });
      const genericAttr = c.attr.split('|')[0]!;
      const jwMin = Math.min(1, ...c.levels.map((l) => (l.test.type === 'jaro_winkler' ? l.test.threshold : 1)));
      const memo: Memo = { x: '', y: '', jw: 0, dx: '', dy: '', dl: 0, jwMin };
      const maxEdits = Math.max(0, ...c.levels.map((l) => (l.test.type === 'damerau' ? l.test.max : 0)));
      const preds = c.levels.map((l) => levelPredicate(l.test, memo, maxEdits));
      return {
        settings: c,
        types: c.levels.map((l) => l.test.type),
        own: c.levels.map((l) => ('attr' in l.test && l.test.attr ? l.test.attr : undefined)),
        preds,
        genericAttr,
        contradiction: c.contradiction === true,
        get: getter(c.attr),
        nullLevel: c.levels.findIndex((l) => l.test.type === 'null'),
        tests: c.levels.map((l, i) => compileTest(l.test, stats, genericAttr, preds[i])),
        weights,
        tfAttr: c.levels.map((l) => l.tf),
        u,
      };
    });
  }

  /**
   * The batch path: this scorer over a fixed array of items, reading interned value columns
   * (typed arrays) instead of the items' dictionaries. Same levels and weights as `levels` and
   * `weight` on the items (the string tests are the same predicates); `columns` can be shared
   * between scorers of the same items and statistics (training, then scoring).
   */
  forItems(items: Attrs[], columns: ItemColumns = new ItemColumns(items, this.stats)): BatchScorer {
    return new BatchScorer(this, this.comps, columns);
  }

  get comparisonCount(): number {
    return this.comps.length;
  }

  /** Level index of every comparison for the pair, written to `out`. */
  levels(a: Attrs, b0: Attrs, out: Uint8Array): void {
    const b = this.model.alignNames ? alignNames(a, b0) : b0;
    for (let i = 0; i < this.comps.length; i++) out[i] = this.levelOf(this.comps[i]!, a, b);
  }

  private levelOf(c: CompiledComparison, a: Attrs, b: Attrs): number {
    const va = c.get(a);
    const vb = c.get(b);
    if (va === undefined || vb === undefined) return c.nullLevel >= 0 ? c.nullLevel : c.tests.length - 1;
    for (let l = 0; l < c.tests.length; l++) {
      if (l === c.nullLevel) continue;
      if (c.tests[l]!(va, vb, a, b)) return l;
    }
    return c.tests.length - 1;
  }

  private tfAdjust(c: CompiledComparison, level: number, a: Attrs, b: Attrs): number {
    const tfAttr = c.tfAttr[level];
    if (!tfAttr || !this.stats || this.stats.total === 0) return 0;
    const va = a[tfAttr];
    const vb = b[tfAttr];
    if (!va || !vb) return 0;
    const ta = this.stats.tf(tfAttr, va, a.nameScript);
    const tb = this.stats.tf(tfAttr, vb, b.nameScript);
    if (ta === undefined || tb === undefined) return 0;
    return Math.log2(c.u[level]! / Math.max(ta, tb));
  }

  /** Whether the last `weight` call found a contradiction (a `contradiction` comparison at its else level). */
  lastContradiction = false;

  /** Total match weight (log2 Bayes factor including the prior). */
  weight(a: Attrs, b0: Attrs): number {
    const b = this.model.alignNames ? alignNames(a, b0) : b0;
    let w = this.prior;
    let contra = false;
    for (const c of this.comps) {
      const l = this.levelOf(c, a, b);
      w += c.weights[l]! + this.tfAdjust(c, l, a, b);
      if (c.contradiction && l === c.tests.length - 1) contra = true;
    }
    this.lastContradiction = contra;
    return w;
  }

  /** Every comparison's level, m, u and weight for the pair (the data behind a waterfall chart). */
  terms(a: Attrs, b0: Attrs): ComparisonTerm[] {
    const b = this.model.alignNames ? alignNames(a, b0) : b0;
    return this.comps.map((c) => {
      const l = this.levelOf(c, a, b);
      const lv = c.settings.levels[l]!;
      const t: ComparisonTerm = {
        comparison: c.settings.name,
        level: lv.label,
        levelIndex: l,
        m: lv.m,
        u: lv.u,
        weight: c.weights[l]!,
        tfAdjustment: this.tfAdjust(c, l, a, b),
      };
      const va = c.get(a);
      const vb = c.get(b);
      if (va !== undefined) t.valueA = va;
      if (vb !== undefined) t.valueB = vb;
      return t;
    });
  }
}

/** One attribute spec's value for every item as an interned id (-1: no value) and the values. */
export interface Column {
  ids: Int32Array;
  values: string[];
}

/**
 * Columnar view of a batch's items for scoring: per attribute spec an id column, per value a
 * generic flag, per term-frequency attribute the item's frequency (NaN: none). Built lazily, once.
 */
export class ItemColumns {
  readonly items: Attrs[];
  readonly stats: DataStats | undefined;
  private readonly cols = new Map<string, Column>();
  private readonly generic = new Map<string, Uint8Array>();
  private readonly tfs = new Map<string, Float64Array>();

  constructor(items: Attrs[], stats?: DataStats) {
    this.items = items;
    this.stats = stats;
  }

  column(spec: string): Column {
    let c = this.cols.get(spec);
    if (c) return c;
    const get = getter(spec);
    const index = new Map<string, number>();
    const values: string[] = [];
    const ids = new Int32Array(this.items.length);
    for (let i = 0; i < this.items.length; i++) {
      const v = get(this.items[i]!);
      if (v === undefined) {
        ids[i] = -1;
        continue;
      }
      let id = index.get(v);
      if (id === undefined) {
        id = values.length;
        values.push(v);
        index.set(v, id);
      }
      ids[i] = id;
    }
    c = { ids, values };
    this.cols.set(spec, c);
    return c;
  }

  /** 1 for each value of `spec`'s column that is generic under `attr` */
  genericFlags(spec: string, attr: string): Uint8Array | undefined {
    if (!this.stats) return undefined;
    const key = `${spec}\u0001${attr}`;
    let g = this.generic.get(key);
    if (g) return g;
    const { values } = this.column(spec);
    g = new Uint8Array(values.length);
    for (let v = 0; v < values.length; v++) g[v] = this.stats.isGeneric(attr, values[v]!) ? 1 : 0;
    this.generic.set(key, g);
    return g;
  }

  /** each item's term frequency for `attr` (NaN when it has none), or undefined without statistics */
  termFrequencies(attr: string): Float64Array | undefined {
    const st = this.stats;
    if (!st || st.total === 0) return undefined;
    let t = this.tfs.get(attr);
    if (t) return t;
    t = new Float64Array(this.items.length);
    for (let i = 0; i < this.items.length; i++) {
      const a = this.items[i]!;
      const v = a[attr];
      const f = v ? st.tf(attr, v, a.nameScript) : undefined;
      t[i] = f === undefined ? Number.NaN : f;
    }
    this.tfs.set(attr, t);
    return t;
  }
}

/** A `PairScorer` over the items of `ItemColumns`: pairs are item indices. */
export class BatchScorer {
  /** Whether the last `weight` call found a contradiction. */
  lastContradiction = false;
  private readonly scorer: PairScorer;
  private readonly comps: CompiledComparison[];
  private readonly items: Attrs[];
  private readonly align: boolean;
  private readonly col: Column[];
  private readonly own: Array<Array<Column | undefined>>;
  private readonly gen: Array<Uint8Array | undefined>;
  private readonly tf: Array<Array<Float64Array | undefined>>;

  constructor(scorer: PairScorer, comps: CompiledComparison[], columns: ItemColumns) {
    this.scorer = scorer;
    this.comps = comps;
    this.items = columns.items;
    this.align = scorer.model.alignNames === true;
    this.col = comps.map((c) => columns.column(c.settings.attr));
    this.own = comps.map((c) => c.own.map((spec) => (spec ? columns.column(spec) : undefined)));
    this.gen = comps.map((c) =>
      c.types.includes('generic') ? columns.genericFlags(c.settings.attr, c.genericAttr) : undefined,
    );
    this.tf = comps.map((c) => c.tfAttr.map((attr) => (attr ? columns.termFrequencies(attr) : undefined)));
  }

  /** `alignNames` would rewrite the second item: such pairs take the dictionary path */
  private aligned(i: number, j: number): boolean {
    if (!this.align) return false;
    const b = this.items[j]!;
    return alignNames(this.items[i]!, b) !== b;
  }

  private levelAt(k: number, i: number, j: number): number {
    const c = this.comps[k]!;
    const col = this.col[k]!;
    const last = c.types.length - 1;
    const ia = col.ids[i]!;
    const ib = col.ids[j]!;
    if (ia < 0 || ib < 0) return c.nullLevel >= 0 ? c.nullLevel : last;
    const own = this.own[k]!;
    for (let l = 0; l < c.types.length; l++) {
      const type = c.types[l]!;
      if (type === 'null') continue;
      if (type === 'else') return l;
      if (type === 'generic') {
        const g = this.gen[k];
        if (g && (g[ia] === 1 || g[ib] === 1)) return l;
        continue;
      }
      const o = own[l];
      if (o) {
        const x = o.ids[i]!;
        const y = o.ids[j]!;
        if (x < 0 || y < 0) continue;
        if (type === 'exact' ? x === y : c.preds[l]!(o.values[x]!, o.values[y]!)) return l;
        continue;
      }
      if (type === 'exact' ? ia === ib : c.preds[l]!(col.values[ia]!, col.values[ib]!)) return l;
    }
    return last;
  }

  /** Level index of every comparison for the pair (i, j), written to `out`. */
  levels(i: number, j: number, out: Uint8Array): void {
    if (this.aligned(i, j)) {
      this.scorer.levels(this.items[i]!, this.items[j]!, out);
      return;
    }
    for (let k = 0; k < this.comps.length; k++) out[k] = this.levelAt(k, i, j);
  }

  /** Number of comparisons: the length of one pair's comparison vector. */
  get width(): number {
    return this.comps.length;
  }

  /**
   * Comparison vectors of many pairs at once, as integers: pair p's level of comparison k at
   * `p * width + k`. Computed once per batch, read by training (EM) and by scoring.
   */
  levelsOfPairs(left: Int32Array, right: Int32Array, count: number, onProgress?: (done: number) => void): Uint8Array {
    const K = this.comps.length;
    const out = new Uint8Array(count * K);
    for (let p = 0; p < count; p++) {
      this.levels(left[p]!, right[p]!, out.subarray(p * K, p * K + K));
      if (onProgress && p % 200_000 === 0) onProgress(p);
    }
    return out;
  }

  /**
   * Total match weight of the pair (i, j) from its comparison vector (`levelsOfPairs` at
   * `off`): the same value as `weight(i, j)`, without comparing the values again.
   */
  weightOfLevels(i: number, j: number, gamma: Uint8Array, off: number): number {
    if (this.aligned(i, j)) return this.weight(i, j);
    let w = this.scorer.prior;
    let contra = false;
    for (let k = 0; k < this.comps.length; k++) {
      const c = this.comps[k]!;
      const l = gamma[off + k]!;
      w += this.levelWeight(k, l, i, j);
      if (c.contradiction && l === c.types.length - 1) contra = true;
    }
    this.lastContradiction = contra;
    return w;
  }

  /** Total match weight of the pair (i, j), as `PairScorer.weight` on the two items. */
  weight(i: number, j: number): number {
    if (this.aligned(i, j)) {
      const w = this.scorer.weight(this.items[i]!, this.items[j]!);
      this.lastContradiction = this.scorer.lastContradiction;
      return w;
    }
    let w = this.scorer.prior;
    let contra = false;
    for (let k = 0; k < this.comps.length; k++) {
      const c = this.comps[k]!;
      const l = this.levelAt(k, i, j);
      w += this.levelWeight(k, l, i, j);
      if (c.contradiction && l === c.types.length - 1) contra = true;
    }
    this.lastContradiction = contra;
    return w;
  }

  /** Comparison `k`'s weight at level `l` for the pair (i, j), with its term-frequency adjustment. */
  private levelWeight(k: number, l: number, i: number, j: number): number {
    const c = this.comps[k]!;
    const tf = this.tf[k]![l];
    if (tf) {
      const ta = tf[i]!;
      const tb = tf[j]!;
      // NaN (no value or too little data) on either side: no adjustment
      if (!Number.isNaN(ta) && !Number.isNaN(tb)) return c.weights[l]! + Math.log2(c.u[l]! / Math.max(ta, tb));
    }
    return c.weights[l]!;
  }
}

export function probability(weight: number): number {
  const bf = 2 ** weight;
  return bf / (1 + bf);
}

export function weightOf(probability: number): number {
  return Math.log2(probability / (1 - probability));
}
