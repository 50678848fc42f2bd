import { describe, expect, it } from 'vitest';
import { bearerToken, TokenCache } from './token-cache.ts';

describe('TokenCache', () => {
  it('an entry expires with its token', () => {
    let now = 1_000_000;
    const cache = new TokenCache(10, () => now);
    cache.set('t', { sub: 'a', tv: 0, exp: 1_000_010 / 1000 + 10 });
    expect(cache.get('t')?.sub).toBe('a');
    now = (1_000_010 / 1000 + 10) * 1000;
    expect(cache.get('t')).toBeNull();
    expect(cache.size).toBe(0);
  });

  it('a token without exp, or already expired, is not remembered', () => {
    const cache = new TokenCache(10, () => 5_000);
    cache.set('no-exp', { sub: 'a' });
    cache.set('expired', { sub: 'a', exp: 4 });
    expect(cache.get('no-exp')).toBeNull();
    expect(cache.get('expired')).toBeNull();
    expect(cache.size).toBe(0);
  });

  it('stays within its bound, forgetting the oldest first', () => {
    const cache = new TokenCache(2, () => 0);
    cache.set('a', { sub: 'a', exp: 100 });
    cache.set('b', { sub: 'b', exp: 100 });
    cache.set('c', { sub: 'c', exp: 100 });
    expect(cache.size).toBe(2);
    expect(cache.get('a')).toBeNull();
    expect(cache.get('c')?.sub).toBe('c');
  });
});

describe('bearerToken', () => {
  it('reads only a Bearer header with a token', () => {
    expect(bearerToken('Bearer abc')).toBe('abc');
    expect(bearerToken('bearer abc')).toBe('abc');
    expect(bearerToken('Basic abc')).toBeNull();
    expect(bearerToken('Bearer ')).toBeNull();
    expect(bearerToken(undefined)).toBeNull();
  });
});
