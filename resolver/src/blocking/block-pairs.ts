/**
 * Candidate pairs from several blocking rules (never all pairs). A pair produced by an
 * earlier rule is not produced again (splink's rule-order deduplication: a later rule skips
 * a pair whose keys for an earlier rule are equal). Blocks above the rule's cap (its own
 * `maxBlockSize`, else the model's) are skipped and reported: values too common to block on.
 */
import type { Attrs } from '../types.ts';
import { type BlockingRule, blockCap, compileRule } from './blocking-rule.ts';

export interface BlockingRuleStats {
  rule: string;
  /** mentions with a key for this rule */
  keyed: number;
  blocks: number;
  /** new candidate pairs this rule adds (after the earlier rules) */
  pairs: number;
  /** pairs this rule's blocks contain including those earlier rules found */
  rawPairs: number;
  skippedBlocks: number;
  skippedPairs: number;
  largestBlock: number;
}

export interface BlockingResult {
  /** pair i is (left[i], right[i]), indices into the mention array, left < right */
  left: Int32Array;
  right: Int32Array;
  count: number;
  stats: BlockingRuleStats[];
}

class PairBuffer {
  left = new Int32Array(1 << 16);
  right = new Int32Array(1 << 16);
  count = 0;
  push(a: number, b: number): void {
    if (this.count === this.left.length) {
      const l = new Int32Array(this.left.length * 2);
      l.set(this.left);
      this.left = l;
      const r = new Int32Array(this.right.length * 2);
      r.set(this.right);
      this.right = r;
    }
    this.left[this.count] = a;
    this.right[this.count] = b;
    this.count++;
  }
}

/**
 * @param items mentions' standardized attributes
 * @param rules blocking rules in order
 * @param opts `maxBlockSize` (for rules without their own cap); `skip(attr, value)` to drop generic values
 */
export function blockPairs(
  items: Attrs[],
  rules: BlockingRule[],
  opts: { maxBlockSize: number; skip?: (attr: string, value: string) => boolean },
): BlockingResult {
  const n = items.length;
  const keys: Array<Array<string | undefined>> = [];
  const skipped: Array<Set<string>> = [];
  const out = new PairBuffer();
  const stats: BlockingRuleStats[] = [];
  for (let r = 0; r < rules.length; r++) {
    const fn = compileRule(rules[r]!, opts.skip);
    const cap = blockCap(rules[r]!, opts.maxBlockSize);
    const k: Array<string | undefined> = new Array(n);
    const groups = new Map<string, number[]>();
    let keyed = 0;
    for (let i = 0; i < n; i++) {
      const v = fn(items[i]!);
      k[i] = v;
      if (v === undefined) continue;
      keyed++;
      const g = groups.get(v);
      if (g) g.push(i);
      else groups.set(v, [i]);
    }
    keys.push(k);
    const skip = new Set<string>();
    skipped.push(skip);
    const s: BlockingRuleStats = {
      rule: rules[r]!.name,
      keyed,
      blocks: 0,
      pairs: 0,
      rawPairs: 0,
      skippedBlocks: 0,
      skippedPairs: 0,
      largestBlock: 0,
    };
    for (const [key, g] of groups) {
      if (g.length < 2) continue;
      s.blocks++;
      const gp = (g.length * (g.length - 1)) / 2;
      if (g.length > s.largestBlock) s.largestBlock = g.length;
      if (g.length > cap) {
        skip.add(key);
        s.skippedBlocks++;
        s.skippedPairs += gp;
        continue;
      }
      s.rawPairs += gp;
      for (let x = 0; x < g.length; x++) {
        const a = g[x]!;
        for (let y = x + 1; y < g.length; y++) {
          const b = g[y]!;
          let seen = false;
          for (let e = 0; e < r; e++) {
            const ka = keys[e]![a];
            if (ka !== undefined && ka === keys[e]![b] && !skipped[e]!.has(ka)) {
              seen = true;
              break;
            }
          }
          if (seen) continue;
          out.push(a, b);
          s.pairs++;
        }
      }
    }
    stats.push(s);
  }
  return { left: out.left, right: out.right, count: out.count, stats };
}
