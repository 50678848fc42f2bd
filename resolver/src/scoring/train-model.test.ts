import { describe, expect, it } from 'vitest';
import { randomPairAt } from './train-model.ts';

/** The generator the u estimate drew its pairs from, one draw after another (before pairs were drawn by number). */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('randomPairAt', () => {
  it('draws pair number s as the sequential generator does, so threads can share the sample', () => {
    for (const [seed, n] of [
      [42, 666_811],
      [7, 12],
    ] as const) {
      const rnd = mulberry32(seed);
      const out = new Int32Array(2);
      for (let s = 0; s < 100_000; s++) {
        const i = Math.floor(rnd() * n);
        let j = Math.floor(rnd() * (n - 1));
        if (j >= i) j++;
        randomPairAt(seed, s, n, out);
        if (out[0] !== i || out[1] !== j) expect([s, out[0], out[1]]).toEqual([s, i, j]);
      }
    }
  });
});
