import { describe, expect, it } from 'vitest';
import type { Attrs } from '../types.ts';
import { blockPairs, pairsInRule } from './block-pairs.ts';
import { analyseBlocking, capSweep } from './blocking-analysis.ts';
import { blockOn, capped } from './blocking-rule.ts';

// five people share a common sorted name; two of them (0, 1) are one person with one birth date
const items: Attrs[] = [
  { pyFamily: 'wang', pyGiven: 'wei', birthDate: '1980-01-02' },
  { pyFamily: 'wei', pyGiven: 'wang', birthDate: '1980-01-02' },
  { pyFamily: 'wang', pyGiven: 'wei', birthDate: '1990-05-06' },
  { pyFamily: 'wang', pyGiven: 'wei' },
  { pyFamily: 'wang', pyGiven: 'wei', birthDate: '1971-03-03' },
  { pyFamily: 'li', pyGiven: 'na', phone: '+8613800000000' },
  { pyFamily: 'li', pyGiven: 'na', phone: '+8613800000000' },
];
const truth = ['p1', 'p1', 'p2', 'p3', 'p4', 'p5', 'p5'];
const pairs = (r: ReturnType<typeof blockPairs>) =>
  Array.from({ length: r.count }, (_, i) => `${r.left[i]}-${r.right[i]}`).sort();

describe('blockPairs with a per-rule cap', () => {
  it('skips only the blocks above the capped rule’s own limit', () => {
    const rules = [blockOn('phone'), capped(blockOn('@nameSorted'), 3)];
    const r = blockPairs(items, rules, { maxBlockSize: 400 });
    // the wang|wei block has 5 mentions > 3: skipped; li|na (2) still pairs, but phone found it first
    expect(pairs(r)).toEqual(['5-6']);
    expect(r.stats[1]).toMatchObject({ rule: '@nameSorted', skippedBlocks: 1, skippedPairs: 10, pairs: 0 });
  });
  it('uses the model limit for rules without a cap', () => {
    const r = blockPairs(items, [blockOn('@nameSorted')], { maxBlockSize: 400 });
    expect(r.count).toBe(11);
  });
});

describe('pairsInRule', () => {
  it('finds among all candidates exactly the pairs the rule alone makes', () => {
    const rules = [
      blockOn('phone'),
      blockOn('pyFamily', 'birthDate'),
      capped(blockOn('@nameSorted'), 4),
      blockOn('@nameSorted'),
    ];
    const all = blockPairs(items, rules, { maxBlockSize: 400 });
    for (let r = 0; r < rules.length; r++) {
      const alone = blockPairs(items, [rules[r]!], { maxBlockSize: 400 });
      const idx = pairsInRule(all, r)!;
      const found = Array.from(idx, (p) => `${all.left[p]}-${all.right[p]}`).sort();
      expect(found, rules[r]!.name).toEqual(pairs(alone));
    }
    // the capped rule skips the 5-mention wang|wei block, the uncapped one pairs it
    expect(pairsInRule(all, 2)!.length).toBe(1);
    expect(pairsInRule(all, 3)!.length).toBe(11);
  });
});

describe('analyseBlocking', () => {
  it('counts the true matches each rule finds, finds alone, and loses to its cap', () => {
    const rules = [blockOn('phone'), blockOn('pyFamily', 'birthDate'), capped(blockOn('@nameSorted'), 3)];
    const a = analyseBlocking(items, truth, rules, { maxBlockSize: 400 });
    expect(a.truePairs).toBe(2);
    expect(a.blockedTruePairs).toBe(1);
    expect(a.rules).toEqual([
      { rule: 'phone', trueFound: 1, trueAlone: 0, trueInCappedBlocks: 0 },
      // 0 and 1 carry their names swapped: pyFamily differs
      { rule: 'pyFamily+birthDate', trueFound: 0, trueAlone: 0, trueInCappedBlocks: 0 },
      { rule: '@nameSorted', trueFound: 1, trueAlone: 0, trueInCappedBlocks: 1 },
    ]);
  });
});

describe('capSweep', () => {
  it('gives pairs and lone true matches of one rule per cap', () => {
    // without the phone rule, li|na (block of 2) is found by @nameSorted alone; wang|wei (5) holds 0-1
    const rules = [blockOn('pyFamily', 'birthDate'), blockOn('@nameSorted')];
    expect(capSweep(items, truth, rules, 1, [2, 5], { maxBlockSize: 400 })).toEqual([
      { cap: 2, pairs: 1, trueAlone: 1 },
      { cap: 5, pairs: 11, trueAlone: 2 },
    ]);
  });
});

describe('blockPairs on interned keys', () => {
  it('gives the pairs, in the order and with the counts, of grouping by key strings with rule-order dedup', () => {
    let seed = 7;
    const rnd = (k: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % k;
    };
    const pick = (xs: string[]) => (rnd(5) === 0 ? undefined : xs[rnd(xs.length)]);
    const many: Attrs[] = Array.from({ length: 300 }, () => {
      const a: Attrs = {};
      for (const [k, xs] of [
        ['pyFamily', ['wang', 'li', 'zhang', 'liu']],
        ['pyGiven', ['wei', 'na', 'fang', 'min', 'jie']],
        ['birthDate', ['1980-01-02', '1990-05-06', '1971-03-03']],
        ['phone', ['+8613800000000', '+8613900000000', '+8613700000000', '+8613600000000', '+8613500000000']],
      ] as const) {
        const v = pick([...xs]);
        if (v) a[k] = v;
      }
      return a;
    });
    const rules = [blockOn('phone'), blockOn('pyFamily', 'birthDate'), capped(blockOn('@nameSorted'), 30)];
    const skip = (attr: string, v: string) => attr === 'phone' && v === '+8613500000000';
    const r = blockPairs(many, rules, { maxBlockSize: 60, skip });
    // reference: string keys in Maps, blocks in first-seen order
    const keyOf = [
      (a: Attrs) => (a.phone && !skip('phone', a.phone) ? a.phone : undefined),
      (a: Attrs) => (a.pyFamily && a.birthDate ? `${a.pyFamily}\u0001${a.birthDate}` : undefined),
      (a: Attrs) =>
        a.pyFamily && a.pyGiven
          ? a.pyFamily < a.pyGiven
            ? `${a.pyFamily}|${a.pyGiven}`
            : `${a.pyGiven}|${a.pyFamily}`
          : undefined,
    ];
    const caps = [60, 60, 30];
    const expected: string[] = [];
    const counts: number[] = [];
    const big: Array<Set<string>> = [];
    for (let q = 0; q < rules.length; q++) {
      const groups = new Map<string, number[]>();
      many.forEach((a, i) => {
        const k = keyOf[q]!(a);
        if (k !== undefined) groups.set(k, [...(groups.get(k) ?? []), i]);
      });
      big.push(new Set([...groups].filter(([, g]) => g.length > caps[q]!).map(([k]) => k)));
      let c = 0;
      for (const g of groups.values()) {
        if (g.length > caps[q]!) continue;
        for (let x = 0; x < g.length; x++)
          for (let y = x + 1; y < g.length; y++) {
            const [a, b] = [many[g[x]!]!, many[g[y]!]!];
            const earlier = keyOf.slice(0, q).some((f, e) => {
              const ka = f(a);
              return ka !== undefined && ka === f(b) && !big[e]!.has(ka);
            });
            if (!earlier) {
              expected.push(`${g[x]}-${g[y]}`);
              c++;
            }
          }
      }
      counts.push(c);
    }
    expect(Array.from({ length: r.count }, (_, i) => `${r.left[i]}-${r.right[i]}`)).toEqual(expected);
    expect(r.stats.map((s) => s.pairs)).toEqual(counts);
    expect(r.stats[2]!.skippedBlocks).toBeGreaterThan(0);
    expect(r.count).toBeGreaterThan(100);
  });
});
