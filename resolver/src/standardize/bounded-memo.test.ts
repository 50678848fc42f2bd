import { afterEach, describe, expect, it } from 'vitest';
import { BoundedMemo, MEMO_LIMIT, setMemoLimit } from './bounded-memo.ts';

describe('BoundedMemo', () => {
  afterEach(() => setMemoLimit(MEMO_LIMIT));

  it('never holds more than its limit, however many distinct keys pass', () => {
    setMemoLimit(10);
    const memo = new BoundedMemo<number>();
    for (let i = 0; i < 1000; i++) {
      memo.set(`k${i}`, i);
      expect(memo.size).toBeLessThanOrEqual(10);
    }
    // the latest keys are still there, the earliest are gone
    expect(memo.get('k999')).toBe(999);
    expect(memo.get('k0')).toBeUndefined();
  });

  it('keeps a key that is still being used across generations', () => {
    setMemoLimit(10);
    const memo = new BoundedMemo<string>();
    memo.set('hot', 'H');
    for (let i = 0; i < 100; i++) {
      expect(memo.get('hot')).toBe('H');
      memo.set(`cold${i}`, 'C');
    }
    expect(memo.get('cold0')).toBeUndefined();
  });
  it('forgets a deleted key in either generation, and nothing else', () => {
    setMemoLimit(4);
    const memo = new BoundedMemo<number>();
    memo.set('a', 1);
    memo.set('b', 2);
    // the young generation is full: 'a' and 'b' are the old one now
    memo.set('c', 3);
    memo.delete('a');
    memo.delete('c');
    expect([memo.get('a'), memo.get('b'), memo.get('c')]).toEqual([undefined, 2, undefined]);
  });
});
