/**
 * What the scorer needs to know about the data as a whole: term frequencies (for common
 * surnames and given names) and generic values (one phone carried by many different names).
 * Incremental, so the real-time index keeps it up to date as mentions arrive.
 */

import type { Attrs } from '../types.ts';
import type { Model } from './model-settings.ts';

/** Name key used to count the different people behind a shared value. */
function nameKey(a: Attrs): string | undefined {
  const f = a.pyFamily ?? '';
  const g = a.pyGiven ?? '';
  if (!f && !g) return a.nameKey ?? a.name;
  return f < g ? `${f}|${g}` : `${g}|${f}`;
}

/**
 * Name parts are counted per script: "Lee" is rare among Hanzi-named residents but common
 * among Latin-named guests, and a frequency taken over everyone would over-reward it.
 */
const PARTITIONED = new Set(['pyFamily', 'pyGiven', 'family', 'given']);

/** Values needed in a partition before term frequencies adjust weights. */
export const MIN_TF_VALUES = 200;

export class DataStats {
  total = 0;
  readonly tfAttrs: string[];
  readonly genericAttrs: string[];
  readonly minDistinct: number;
  /**
   * attr -> script partition ('' when not partitioned) -> value -> count, and the partition's
   * total: nested maps so a look-up on the scoring hot path builds no string
   */
  private readonly counts = new Map<string, Map<string, { total: number; values: Map<string, number> }>>();
  /** value -> first name seen | names seen | null once generic */
  private readonly names = new Map<string, Map<string, string | string[] | null>>();

  constructor(model: Model) {
    const tf = new Set<string>();
    for (const c of model.comparisons) for (const l of c.levels) if (l.tf) tf.add(l.tf);
    this.tfAttrs = [...tf];
    this.genericAttrs = [...model.generic.attrs];
    this.minDistinct = model.generic.minDistinctNames;
    for (const a of this.tfAttrs) this.counts.set(a, new Map());
    for (const a of this.genericAttrs) this.names.set(a, new Map());
  }

  add(a: Attrs): void {
    this.total++;
    for (const attr of this.tfAttrs) {
      const v = a[attr];
      if (!v) continue;
      const script = PARTITIONED.has(attr) ? (a.nameScript ?? '') : '';
      const parts = this.counts.get(attr)!;
      let p = parts.get(script);
      if (!p) {
        p = { total: 0, values: new Map() };
        parts.set(script, p);
      }
      p.values.set(v, (p.values.get(v) ?? 0) + 1);
      p.total++;
    }
    for (const attr of this.genericAttrs) {
      const v = a[attr];
      if (!v) continue;
      const m = this.names.get(attr)!;
      const seen = m.get(v);
      if (seen === null) continue;
      const n = nameKey(a);
      if (n === undefined) continue;
      if (seen === undefined) m.set(v, n);
      else if (typeof seen === 'string') {
        if (seen !== n) m.set(v, this.minDistinct <= 2 ? null : [seen, n]);
      } else if (!seen.includes(n)) {
        if (seen.length + 1 >= this.minDistinct) m.set(v, null);
        else seen.push(n);
      }
    }
  }

  /**
   * Relative frequency of a value among mentions with a value for `attr` (name parts: among
   * mentions written in the same script), at least 1/total.
   */
  tf(attr: string, value: string, script?: string): number | undefined {
    const p = this.counts.get(attr)?.get(PARTITIONED.has(attr) ? (script ?? '') : '');
    // frequencies from a handful of values say nothing: no adjustment until there is enough data
    if (!p || p.total < MIN_TF_VALUES) return undefined;
    return (p.values.get(value) ?? 1) / p.total;
  }

  isGeneric(attr: string, value: string): boolean {
    return this.names.get(attr)?.get(value) === null;
  }

  /** Generic values found so far, per attribute. */
  genericValues(): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    for (const [attr, m] of this.names) {
      const list: string[] = [];
      for (const [v, s] of m) if (s === null) list.push(v);
      if (list.length) out[attr] = list;
    }
    return out;
  }
}
