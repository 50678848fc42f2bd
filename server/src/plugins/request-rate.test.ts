import { describe, expect, it } from 'vitest';
import { RefusalsAudited } from './request-rate.ts';

describe('RefusalsAudited', () => {
  it('says first once per address and window, again after the window, apart for each address', () => {
    const a = new RefusalsAudited();
    expect(a.first('10.0.0.1', 60_000, 0)).toBe(true);
    expect(a.first('10.0.0.1', 60_000, 1_000)).toBe(false);
    expect(a.first('10.0.0.2', 60_000, 1_000)).toBe(true);
    expect(a.first('10.0.0.1', 120_000, 60_000)).toBe(true);
    expect(a.first('10.0.0.1', 120_000, 61_000)).toBe(false);
  });

  it('sweeps the windows that ended once it holds many, keeping those still running', () => {
    const a = new RefusalsAudited(3);
    for (const ip of ['a', 'b', 'c']) a.first(ip, 10, 0);
    a.first('d', 1_000, 0); // no sweep yet: nothing had ended
    expect(a.first('e', 1_000, 20)).toBe(true); // sweeps a, b, c
    expect(a.first('a', 1_000, 21)).toBe(true);
    expect(a.first('d', 1_000, 22)).toBe(false);
  });
});
