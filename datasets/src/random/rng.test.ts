import { describe, expect, it } from 'vitest';
import { Rng, WeightedTable } from './rng.ts';

describe('Rng', () => {
  it('repeats the same sequence for the same seed and differs for another', () => {
    const a = Array.from(
      { length: 5 },
      (
        (r) => () =>
          r.next()
      )(new Rng('s')),
    );
    const b = Array.from(
      { length: 5 },
      (
        (r) => () =>
          r.next()
      )(new Rng('s')),
    );
    const c = Array.from(
      { length: 5 },
      (
        (r) => () =>
          r.next()
      )(new Rng('t')),
    );
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    expect(a.every((x) => x >= 0 && x < 1)).toBe(true);
  });

  it('derives independent streams from keys', () => {
    expect(Rng.derive('s', 'person', 1).next()).toBe(Rng.derive('s', 'person', 1).next());
    expect(Rng.derive('s', 'person', 1).next()).not.toBe(Rng.derive('s', 'person', 2).next());
  });

  it('draws from a weighted table in proportion', () => {
    const t = new WeightedTable([
      ['a', 3],
      ['b', 1],
    ]);
    const r = new Rng('w');
    let a = 0;
    for (let i = 0; i < 10_000; i++) if (t.pick(r) === 'a') a++;
    expect(a / 10_000).toBeGreaterThan(0.72);
    expect(a / 10_000).toBeLessThan(0.78);
  });
});
