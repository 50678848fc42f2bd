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
  /**
   * per rule: each item's key id (-1: none) and, per key id, 1 when its block was over the cap;
   * pair (a, b) is in rule r's blocks when `keys[r][a] >= 0`, `keys[r][a] === keys[r][b]` and
   * `skipped[r][keys[r][a]] === 0` (training finds each rule's pairs among the candidates with it)
   */
  keys?: Int32Array[];
  skipped?: Uint8Array[];
}

/** Indices of the candidate pairs that lie in the blocks of rule `r` (all of them, any rule found them). */
export function pairsInRule(pairs: BlockingResult, r: number): Int32Array | undefined {
  const k = pairs.keys?.[r];
  const sk = pairs.skipped?.[r];
  if (!k || !sk) return undefined;
  const out: number[] = [];
  for (let p = 0; p < pairs.count; p++) {
    const ka = k[pairs.left[p]!]!;
    if (ka >= 0 && ka === k[pairs.right[p]!] && sk[ka] === 0) out.push(p);
  }
  return Int32Array.from(out);
}

/** On shared memory: worker threads read the pairs without a copy (`resolve/resolve-workers.ts`). */
const sharedInt32 = (n: number) => new Int32Array(new SharedArrayBuffer(n * 4));

class PairBuffer {
  left = sharedInt32(1 << 16);
  right = sharedInt32(1 << 16);
  count = 0;
  push(a: number, b: number): void {
    if (this.count === this.left.length) {
      const l = sharedInt32(this.left.length * 2);
      l.set(this.left);
      this.left = l;
      const r = sharedInt32(this.right.length * 2);
      r.set(this.right);
      this.right = r;
    }
    this.left[this.count] = a;
    this.right[this.count] = b;
    this.count++;
  }
}

export interface BlockingOptions {
  /** the cap of rules without their own */
  maxBlockSize: number;
  /** drops generic values */
  skip?: (attr: string, value: string) => boolean;
}

/**
 * @param items mentions' standardized attributes
 * @param rules blocking rules in order
 * @param opts `maxBlockSize` (for rules without their own cap); `skip(attr, value)` to drop generic values
 */
export function blockPairs(items: Attrs[], rules: BlockingRule[], opts: BlockingOptions): BlockingResult {
  const g = blockPairsByRule(items, rules, opts);
  let r = g.next();
  while (!r.done) r = g.next();
  return r.value;
}

/**
 * `blockPairs` one rule at a time: after each rule, yields the pairs so far (the rule's new
 * pairs are `from` to `count`), so their comparison can start while the next rule blocks.
 * The arrays yielded stay valid (a later rule may move the pairs to larger arrays).
 */
export function* blockPairsByRule(
  items: Attrs[],
  rules: BlockingRule[],
  opts: BlockingOptions,
): Generator<{ left: Int32Array; right: Int32Array; from: number; count: number }, BlockingResult> {
  const n = items.length;
  // per rule: each item's key as an interned id (-1: no key), and which key ids were skipped
  const keys: Int32Array[] = [];
  const skipped: Uint8Array[] = [];
  const out = new PairBuffer();
  const stats: BlockingRuleStats[] = [];
  for (let r = 0; r < rules.length; r++) {
    const from = out.count;
    const fn = compileRule(rules[r]!, opts.skip);
    const cap = blockCap(rules[r]!, opts.maxBlockSize);
    const k = new Int32Array(n);
    const ids = new Map<string, number>();
    const sizes: number[] = [];
    let keyed = 0;
    for (let i = 0; i < n; i++) {
      const v = fn(items[i]!);
      if (v === undefined) {
        k[i] = -1;
        continue;
      }
      keyed++;
      let id = ids.get(v);
      if (id === undefined) {
        id = sizes.length;
        ids.set(v, id);
        sizes.push(0);
      }
      k[i] = id;
      sizes[id]!++;
    }
    const B = sizes.length;
    // blocks as one members array in key order (first seen first), members in item order
    const start = new Int32Array(B + 1);
    for (let b = 0; b < B; b++) start[b + 1] = start[b]! + sizes[b]!;
    const fill = start.slice(0, B);
    const members = new Int32Array(keyed);
    for (let i = 0; i < n; i++) {
      const id = k[i]!;
      if (id >= 0) members[fill[id]!++] = i;
    }
    keys.push(k);
    const skip = new Uint8Array(B);
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
    for (let b = 0; b < B; b++) {
      const size = sizes[b]!;
      if (size < 2) continue;
      s.blocks++;
      const gp = (size * (size - 1)) / 2;
      if (size > s.largestBlock) s.largestBlock = size;
      if (size > cap) {
        skip[b] = 1;
        s.skippedBlocks++;
        s.skippedPairs += gp;
        continue;
      }
      s.rawPairs += gp;
      const end = start[b + 1]!;
      for (let x = start[b]!; x < end; x++) {
        const a = members[x]!;
        for (let y = x + 1; y < end; y++) {
          const c = members[y]!;
          let seen = false;
          for (let e = 0; e < r; e++) {
            const ka = keys[e]![a]!;
            if (ka >= 0 && ka === keys[e]![c] && skipped[e]![ka] === 0) {
              seen = true;
              break;
            }
          }
          if (seen) continue;
          out.push(a, c);
          s.pairs++;
        }
      }
    }
    stats.push(s);
    yield { left: out.left, right: out.right, from, count: out.count };
  }
  return { left: out.left, right: out.right, count: out.count, stats, keys, skipped };
}
