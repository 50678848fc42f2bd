/**
 * The batch path of the pair scorer: a batch's items as interned value columns (typed arrays
 * on shared memory, so a worker thread reads them without a copy), and a scorer over item
 * indices that computes the same levels and weights as `PairScorer` on the items.
 */
import type { Attrs } from '../types.ts';
import { nameAlignment } from './align-names.ts';
import { getter } from './attr-getter.ts';
import type { DataStats } from './data-stats.ts';
import type { CompiledComparison, PairScorer } from './pair-scorer.ts';

/** One attribute spec's value for every item as an interned id (-1: no value) and the values. */
export interface Column {
  ids: Int32Array;
  values: string[];
}

/**
 * What the batch scorer reads: per attribute spec an id column, per value a generic flag, per
 * term-frequency attribute each item's frequency (NaN: none), and the items themselves when this
 * thread has them (pairs whose names need aligning are compared on the items).
 */
export interface ScoringColumns {
  readonly size: number;
  readonly items: Attrs[] | undefined;
  column(spec: string): Column;
  genericFlags(spec: string, attr: string): Uint8Array | undefined;
  termFrequencies(attr: string): Float64Array | undefined;
}

/** The columns an `ItemColumns` has built, as a worker thread receives them (typed arrays shared). */
export interface PackedColumnsData {
  size: number;
  columns: Array<[string, Column]>;
  generic: Array<[string, Uint8Array]>;
  tfs: Array<[string, Float64Array | null]>;
}

const shared = {
  int32: (n: number) => new Int32Array(new SharedArrayBuffer(n * 4)),
  uint8: (n: number) => new Uint8Array(new SharedArrayBuffer(n)),
  float64: (n: number) => new Float64Array(new SharedArrayBuffer(n * 8)),
};

const genericKey = (spec: string, attr: string) => `${spec}\u0001${attr}`;

/**
 * Columnar view of a batch's items for scoring, built lazily, once per column. The typed arrays
 * live on shared memory: `pack` hands them to a worker thread without copying.
 */
export class ItemColumns implements ScoringColumns {
  readonly items: Attrs[];
  readonly stats: DataStats | undefined;
  private readonly cols = new Map<string, Column>();
  private readonly generic = new Map<string, Uint8Array>();
  private readonly tfs = new Map<string, Float64Array | undefined>();

  constructor(items: Attrs[], stats?: DataStats) {
    this.items = items;
    this.stats = stats;
  }

  get size(): number {
    return this.items.length;
  }

  column(spec: string): Column {
    let c = this.cols.get(spec);
    if (c) return c;
    const get = getter(spec);
    const index = new Map<string, number>();
    const values: string[] = [];
    const ids = shared.int32(this.items.length);
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
    const key = genericKey(spec, attr);
    let g = this.generic.get(key);
    if (g) return g;
    const { values } = this.column(spec);
    g = shared.uint8(values.length);
    for (let v = 0; v < values.length; v++) g[v] = this.stats.isGeneric(attr, values[v]!) ? 1 : 0;
    this.generic.set(key, g);
    return g;
  }

  /** each item's term frequency for `attr` (NaN when it has none), or undefined without statistics */
  termFrequencies(attr: string): Float64Array | undefined {
    if (this.tfs.has(attr)) return this.tfs.get(attr);
    const st = this.stats;
    if (!st || st.total === 0) {
      this.tfs.set(attr, undefined);
      return undefined;
    }
    const t = shared.float64(this.items.length);
    for (let i = 0; i < this.items.length; i++) {
      const a = this.items[i]!;
      const v = a[attr];
      const f = v ? st.tf(attr, v, a.nameScript) : undefined;
      t[i] = f === undefined ? Number.NaN : f;
    }
    this.tfs.set(attr, t);
    return t;
  }

  /** Every column built so far, for a worker thread (`PackedColumns`); build them with a scorer first. */
  pack(): PackedColumnsData {
    return {
      size: this.items.length,
      columns: [...this.cols],
      generic: [...this.generic],
      tfs: [...this.tfs].map(([a, t]) => [a, t ?? null]),
    };
  }
}

/** `ItemColumns` as a worker thread receives them: the columns only, no items. */
export class PackedColumns implements ScoringColumns {
  readonly size: number;
  readonly items = undefined;
  private readonly cols: Map<string, Column>;
  private readonly generic: Map<string, Uint8Array>;
  private readonly tfs: Map<string, Float64Array | null>;

  constructor(data: PackedColumnsData) {
    this.size = data.size;
    this.cols = new Map(data.columns);
    this.generic = new Map(data.generic);
    this.tfs = new Map(data.tfs);
  }

  column(spec: string): Column {
    const c = this.cols.get(spec);
    if (!c) throw new Error(`column ${spec} was not packed (build the scorer over the ItemColumns before packing)`);
    return c;
  }

  genericFlags(spec: string, attr: string): Uint8Array | undefined {
    return this.generic.get(genericKey(spec, attr));
  }

  termFrequencies(attr: string): Float64Array | undefined {
    const t = this.tfs.get(attr);
    if (t === undefined) throw new Error(`term frequencies of ${attr} were not packed`);
    return t ?? undefined;
  }
}

/**
 * Marks, in the first byte of a pair's comparison vector, a pair that a scorer without the
 * items could not compare (its names need aligning): the thread with the items fills it in.
 */
export const NEEDS_ITEMS = 255;

/** A `PairScorer` over the items of `ScoringColumns`: pairs are item indices. */
export class BatchScorer {
  /** Whether the last `weight` call found a contradiction. */
  lastContradiction = false;
  private readonly scorer: PairScorer;
  private readonly comps: CompiledComparison[];
  private readonly items: Attrs[] | undefined;
  private readonly align: boolean;
  private readonly pyFamily: Column | undefined;
  private readonly pyGiven: Column | undefined;
  private readonly col: Column[];
  private readonly own: Array<Array<Column | undefined>>;
  private readonly gen: Array<Uint8Array | undefined>;
  private readonly tf: Array<Array<Float64Array | undefined>>;

  /** each comparison's level in the last `weight` call (for the rename guard) */
  private readonly lastLevels: Int32Array;

  constructor(scorer: PairScorer, comps: CompiledComparison[], columns: ScoringColumns) {
    this.scorer = scorer;
    this.comps = comps;
    this.lastLevels = new Int32Array(comps.length);
    this.items = columns.items;
    this.align = scorer.model.alignNames === true;
    this.pyFamily = this.align ? columns.column('pyFamily') : undefined;
    this.pyGiven = this.align ? columns.column('pyGiven') : undefined;
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
    const f = this.pyFamily!;
    const g = this.pyGiven!;
    const fi = f.ids[i]!;
    const fj = f.ids[j]!;
    const gi = g.ids[i]!;
    const gj = g.ids[j]!;
    if (fi < 0 || fj < 0 || gi < 0 || gj < 0 || (fi === fj && gi === gj)) return false;
    return nameAlignment(f.values[fi], g.values[gi], f.values[fj], g.values[gj]) !== undefined;
  }

  private itemsFor(what: string): Attrs[] {
    if (!this.items) throw new Error(`${what} of a pair whose names need aligning needs the items`);
    return this.items;
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

  /**
   * Level index of every comparison for the pair (i, j), written to `out`. Without the items, a
   * pair whose names need aligning gets `NEEDS_ITEMS` in `out[0]` instead.
   */
  levels(i: number, j: number, out: Uint8Array): void {
    if (this.aligned(i, j)) {
      if (this.items) this.scorer.levels(this.items[i]!, this.items[j]!, out);
      else out[0] = NEEDS_ITEMS;
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
    const out = new Uint8Array(count * this.comps.length);
    for (let p = 0; p < count; p += 200_000) {
      onProgress?.(p);
      this.levelsInto(left, right, p, Math.min(count, p + 200_000), out);
    }
    return out;
  }

  /** The comparison vectors of pairs `from` to `to` (exclusive) into `out`, pair p's at `(p - base) * width`. */
  levelsInto(left: Int32Array, right: Int32Array, from: number, to: number, out: Uint8Array, base = 0): void {
    const K = this.comps.length;
    for (let p = from; p < to; p++) {
      const o = (p - base) * K;
      this.levels(left[p]!, right[p]!, out.subarray(o, o + K));
    }
  }

  /**
   * The weights of pairs `from` to `to` (exclusive) from their comparison vectors into `out`;
   * without the items, NaN for a pair whose names need aligning.
   */
  weightsInto(
    left: Int32Array,
    right: Int32Array,
    from: number,
    to: number,
    levels: Uint8Array,
    out: Float64Array,
  ): void {
    const K = this.comps.length;
    for (let p = from; p < to; p++) out[p] = this.weightOfLevels(left[p]!, right[p]!, levels, p * K);
  }

  /**
   * Total match weight of the pair (i, j) from its comparison vector (`levelsOfPairs` at
   * `off`): the same value as `weight(i, j)`, without comparing the values again. Without the
   * items, NaN for a pair whose names need aligning.
   */
  weightOfLevels(i: number, j: number, gamma: Uint8Array, off: number): number {
    if (this.aligned(i, j)) return this.items ? this.weight(i, j) : Number.NaN;
    let w = this.scorer.prior;
    let contra = false;
    for (let k = 0; k < this.comps.length; k++) {
      const c = this.comps[k]!;
      const l = gamma[off + k]!;
      w += this.levelWeight(k, l, i, j);
      if (c.contradiction && l === c.types.length - 1) contra = true;
    }
    this.lastContradiction = contra;
    const guard = this.scorer.guard;
    return guard ? guard.cap(w, (k) => gamma[off + k]!) : w;
  }

  /** Total match weight of the pair (i, j), as `PairScorer.weight` on the two items. */
  weight(i: number, j: number): number {
    if (this.aligned(i, j)) {
      const items = this.itemsFor('the weight');
      const w = this.scorer.weight(items[i]!, items[j]!);
      this.lastContradiction = this.scorer.lastContradiction;
      return w;
    }
    let w = this.scorer.prior;
    let contra = false;
    const lv = this.lastLevels;
    for (let k = 0; k < this.comps.length; k++) {
      const c = this.comps[k]!;
      const l = this.levelAt(k, i, j);
      lv[k] = l;
      w += this.levelWeight(k, l, i, j);
      if (c.contradiction && l === c.types.length - 1) contra = true;
    }
    this.lastContradiction = contra;
    const guard = this.scorer.guard;
    return guard ? guard.cap(w, (k) => lv[k]!) : w;
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
