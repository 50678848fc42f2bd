import { describe, expect, it } from 'vitest';
import { rng as mulberry32 } from '../../../test/helpers/rng.ts';
import { randomPairAt } from './train-model.ts';

// the generator the u estimate drew its pairs from one draw after another (before pairs were drawn by number): `mulberry32`


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
