import type { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { EndedSessions } from './ended-sessions.ts';

/** The two Redis commands the store uses, over one shared map (two servers share one Redis). */
function fakeRedis(store: Map<string, number>, now: () => number, down = { on: false }) {
  const check = () => {
    if (down.on) throw new Error('connect ECONNREFUSED 127.0.0.1:6379');
  };
  return {
    calls: 0,
    async set(key: string, _v: string, _ex: 'EX', seconds: number) {
      check();
      store.set(key, now() + seconds * 1000);
      return 'OK';
    },
    async pttl(key: string) {
      check();
      this.calls++;
      const until = store.get(key);
      return until !== undefined && until > now() ? until - now() : -2;
    },
  };
}

describe('EndedSessions', () => {
  it('a session logged out on one server is refused there at once and on another once its cache of the session as live runs out', async () => {
    let t = 1_000_000;
    const now = () => t;
    const store = new Map<string, number>();
    const a = new EndedSessions(fakeRedis(store, now) as unknown as Redis, 5000, now);
    const redisB = fakeRedis(store, now);
    const b = new EndedSessions(redisB as unknown as Redis, 5000, now);
    expect(await b.isEnded('s1')).toBe(false);
    await a.end('s1', t / 1000 + 3600);
    expect(await a.isEnded('s1')).toBe(true);
    // b saw s1 live a moment ago: it may keep that for its cache time, not longer
    expect(await b.isEnded('s1')).toBe(false);
    t += 5000;
    expect(await b.isEnded('s1')).toBe(true);
    // remembered as ended: no further question to Redis
    const asked = redisB.calls;
    expect(await b.isEnded('s1')).toBe(true);
    expect(redisB.calls).toBe(asked);
    // another session is untouched
    expect(await b.isEnded('s2')).toBe(false);
  });

  it('forgets an ended session once the token would have expired (Redis forgets it too)', async () => {
    let t = 2_000_000;
    const now = () => t;
    const store = new Map<string, number>();
    const s = new EndedSessions(fakeRedis(store, now) as unknown as Redis, 0, now);
    await s.end('s1', t / 1000 + 10);
    expect(await s.isEnded('s1')).toBe(true);
    t += 11_000;
    expect(await s.isEnded('s1')).toBe(false);
  });

  it('an unreachable Redis is no answer: the question throws rather than let the token through', async () => {
    const t = 3_000_000;
    const down = { on: true };
    const s = new EndedSessions(fakeRedis(new Map(), () => t, down) as unknown as Redis, 5000, () => t);
    await expect(s.isEnded('s1')).rejects.toThrow(/ECONNREFUSED/);
  });
});
