/**
 * Blocking analysis against ground truth (splink's `blocking_analysis`): per rule, the
 * candidate pairs it adds and the true matches it finds — in total and alone (no other rule
 * finds them). A rule whose pairs are many and whose lone true matches are few is a rule to
 * cap or refine; the same figures choose a rule's `maxBlockSize`.
 */
import type { Attrs } from '../types.ts';
import type { BlockingRuleStats } from './block-pairs.ts';
import { type BlockingRule, blockCap, compileRule } from './blocking-rule.ts';

export interface RuleRecall {
  rule: string;
  /** true pairs whose keys are equal under this rule and whose block is within the rule's cap */
  trueFound: number;
  /** of those, the ones no other rule finds */
  trueAlone: number;
  /** true pairs this rule would find in blocks above its cap (what the cap costs) */
  trueInCappedBlocks: number;
}

export interface BlockingAnalysis {
  truePairs: number;
  /** true pairs at least one rule finds (the blocking recall's numerator) */
  blockedTruePairs: number;
  rules: RuleRecall[];
}

/**
 * @param items standardized attributes
 * @param truth true entity of each item (undefined: unknown, never paired)
 * @param rules blocking rules, as in `blockPairs`
 * @param opts the model's `maxBlockSize` and the generic-value skip used for blocking
 * @example analyseBlocking(items, truth, model.blockingRules, { maxBlockSize: model.maxBlockSize })
 */
export function analyseBlocking(
  items: Attrs[],
  truth: Array<string | undefined>,
  rules: BlockingRule[],
  opts: { maxBlockSize: number; skip?: (attr: string, value: string) => boolean },
): BlockingAnalysis {
  const n = items.length;
  const keys: Array<Array<string | undefined>> = [];
  const sizes: Array<Map<string, number>> = [];
  for (const rule of rules) {
    const fn = compileRule(rule, opts.skip);
    const k: Array<string | undefined> = new Array(n);
    const s = new Map<string, number>();
    for (let i = 0; i < n; i++) {
      const v = fn(items[i]!);
      k[i] = v;
      if (v !== undefined) s.set(v, (s.get(v) ?? 0) + 1);
    }
    keys.push(k);
    sizes.push(s);
  }
  const groups = new Map<string, number[]>();
  for (let i = 0; i < n; i++) {
    const t = truth[i];
    if (t === undefined) continue;
    const g = groups.get(t);
    if (g) g.push(i);
    else groups.set(t, [i]);
  }
  const caps = rules.map((r) => blockCap(r, opts.maxBlockSize));
  const out = rules.map((r) => ({ rule: r.name, trueFound: 0, trueAlone: 0, trueInCappedBlocks: 0 }));
  let truePairs = 0;
  let blocked = 0;
  for (const g of groups.values()) {
    for (let x = 0; x < g.length; x++) {
      for (let y = x + 1; y < g.length; y++) {
        truePairs++;
        const a = g[x]!;
        const b = g[y]!;
        let count = 0;
        let last = -1;
        for (let r = 0; r < rules.length; r++) {
          const ka = keys[r]![a];
          if (ka === undefined || ka !== keys[r]![b]) continue;
          if (sizes[r]!.get(ka)! > caps[r]!) {
            out[r]!.trueInCappedBlocks++;
            continue;
          }
          out[r]!.trueFound++;
          count++;
          last = r;
        }
        if (count > 0) blocked++;
        if (count === 1) out[last]!.trueAlone++;
      }
    }
  }
  return { truePairs, blockedTruePairs: blocked, rules: out };
}

/** One line per rule: new pairs (from `blockPairs` stats) beside the true matches it finds. */
export function formatBlockingAnalysis(stats: BlockingRuleStats[], a: BlockingAnalysis): string[] {
  const lines = a.rules.map((r, i) => {
    const s = stats[i];
    return (
      `  ${r.rule.padEnd(32)} pairs ${String(s?.pairs ?? '-').padStart(10)}  true found ${String(r.trueFound).padStart(8)}` +
      `  alone ${String(r.trueAlone).padStart(6)}${r.trueInCappedBlocks ? `  in capped blocks ${r.trueInCappedBlocks}` : ''}`
    );
  });
  const recall = a.truePairs ? a.blockedTruePairs / a.truePairs : 1;
  lines.push(`  blocking recall ${a.blockedTruePairs}/${a.truePairs} true pairs (${(recall * 100).toFixed(2)}%)`);
  return lines;
}

export interface CapPoint {
  cap: number;
  /** pairs the rule's blocks hold at this cap (before other rules' deduplication) */
  pairs: number;
  /** true pairs the rule finds alone at this cap (no other rule finds them) */
  trueAlone: number;
}

/**
 * What capping one rule's blocks costs and saves: for each cap, the pairs its blocks hold and
 * the true matches only it finds. Choose the lowest cap whose lone true matches stay put.
 * @example capSweep(items, truth, rules, 7, [20, 40, 60, 100], { maxBlockSize: 400 })
 */
export function capSweep(
  items: Attrs[],
  truth: Array<string | undefined>,
  rules: BlockingRule[],
  ruleIndex: number,
  caps: number[],
  opts: { maxBlockSize: number; skip?: (attr: string, value: string) => boolean },
): CapPoint[] {
  const n = items.length;
  const keyOf = (r: number) => {
    const fn = compileRule(rules[r]!, opts.skip);
    const k: Array<string | undefined> = new Array(n);
    const s = new Map<string, number>();
    for (let i = 0; i < n; i++) {
      const v = fn(items[i]!);
      k[i] = v;
      if (v !== undefined) s.set(v, (s.get(v) ?? 0) + 1);
    }
    return { k, s, cap: blockCap(rules[r]!, opts.maxBlockSize) };
  };
  const target = keyOf(ruleIndex);
  const others = rules.map((_, r) => (r === ruleIndex ? undefined : keyOf(r)));
  const groups = new Map<string, number[]>();
  for (let i = 0; i < n; i++) {
    const t = truth[i];
    if (t === undefined) continue;
    const g = groups.get(t);
    if (g) g.push(i);
    else groups.set(t, [i]);
  }
  // block sizes of the true pairs only this rule can find
  const aloneSizes: number[] = [];
  for (const g of groups.values()) {
    for (let x = 0; x < g.length; x++) {
      for (let y = x + 1; y < g.length; y++) {
        const a = g[x]!;
        const b = g[y]!;
        const ka = target.k[a];
        if (ka === undefined || ka !== target.k[b]) continue;
        const byOther = others.some((o) => {
          if (!o) return false;
          const v = o.k[a];
          return v !== undefined && v === o.k[b] && o.s.get(v)! <= o.cap;
        });
        if (!byOther) aloneSizes.push(target.s.get(ka)!);
      }
    }
  }
  return caps.map((cap) => {
    let pairs = 0;
    for (const size of target.s.values()) if (size >= 2 && size <= cap) pairs += (size * (size - 1)) / 2;
    return { cap, pairs, trueAlone: aloneSizes.filter((s) => s <= cap).length };
  });
}
