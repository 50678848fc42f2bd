/**
 * Fellegi-Sunter scoring of a mention pair with a model: each comparison picks its first
 * passing level; the match weight is log2(lambda/(1-lambda)) + sum log2(m/u) + term-frequency
 * adjustments. Compiled once per model so the hot loop only runs closures.
 */

import type { Attrs } from '../types.ts';
import { alignNames } from './align-names.ts';
import { type Getter, getter } from './attr-getter.ts';
import { BatchScorer, ItemColumns, type ScoringColumns } from './batch-scorer.ts';
import type { ComparisonSettings, LevelTest } from './comparison-settings.ts';
import type { DataStats } from './data-stats.ts';
import type { Model } from './model-settings.ts';
import { damerauLevenshtein, jaroWinklerAtLeast } from './string-distance.ts';
import { RenameGuard } from './rename-guard.ts';

type Test = (va: string, vb: string, a: Attrs, b: Attrs) => boolean;

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

/** A comparison compiled for the hot loop (shared with `BatchScorer`, not part of the API). */
export interface CompiledComparison {
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

export class PairScorer {
  readonly model: Model;
  readonly prior: number;
  private readonly comps: CompiledComparison[];
  private readonly stats: DataStats | undefined;
  /** the model's rename guard (`RenameGuard`), applied to every weight */
  readonly guard: RenameGuard | undefined;
  /** each comparison's level in the last `weight` call */
  private readonly lastLevels: Int32Array;

  constructor(model: Model, stats?: DataStats) {
    this.model = model;
    this.stats = stats;
    this.guard = RenameGuard.of(model);
    this.lastLevels = new Int32Array(model.comparisons.length);
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

  /**
   * The batch path over columns without the items (a worker thread's `PackedColumns`): pairs
   * whose names need aligning are left to the thread that has the items (see `BatchScorer`).
   */
  forColumns(columns: ScoringColumns): BatchScorer {
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
    const lv = this.lastLevels;
    for (let k = 0; k < this.comps.length; k++) {
      const c = this.comps[k]!;
      const l = this.levelOf(c, a, b);
      lv[k] = l;
      w += c.weights[l]! + this.tfAdjust(c, l, a, b);
      if (c.contradiction && l === c.tests.length - 1) contra = true;
    }
    this.lastContradiction = contra;
    return this.guard ? this.guard.cap(w, (k) => lv[k]!) : w;
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

export function probability(weight: number): number {
  const bf = 2 ** weight;
  return bf / (1 + bf);
}

export function weightOf(probability: number): number {
  return Math.log2(probability / (1 - probability));
}
