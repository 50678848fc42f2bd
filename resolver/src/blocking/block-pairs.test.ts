import { describe, expect, it } from 'vitest';
import type { Attrs } from '../types.ts';
import { blockPairs } from './block-pairs.ts';
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
