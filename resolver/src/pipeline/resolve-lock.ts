import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';

const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;
const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;

/**
 * Runs `work` while holding the cluster-wide resolve lock in Redis. Resolution decisions depend
 * on every entity written before, so the resolve-and-write step is serialized across workers;
 * reading and standardizing files runs in parallel outside it. The lock expires by itself
 * (`ttlMs`) if its holder dies, and is renewed while the holder lives.
 */
export async function withResolveLock<T>(redis: Redis, work: () => Promise<T>, opts: { key?: string; ttlMs?: number; waitMs?: number } = {}): Promise<T> {
  const key = opts.key ?? 'onemap:resolve-lock';
  const ttl = opts.ttlMs ?? 30_000;
  const token = randomUUID();
  const deadline = Date.now() + (opts.waitMs ?? 10 * 60_000);
  let delay = 50;
  while ((await redis.set(key, token, 'PX', ttl, 'NX')) !== 'OK') {
    if (Date.now() > deadline) throw new Error(`could not take the resolve lock ${key} within ${opts.waitMs ?? 600_000} ms`);
    await new Promise((r) => setTimeout(r, delay));
    delay = Math.min(delay * 2, 1000);
  }
  const timer = setInterval(() => {
    redis.eval(RENEW, 1, key, token, String(ttl)).catch(() => undefined);
  }, ttl / 3);
  try {
    return await work();
  } finally {
    clearInterval(timer);
    await redis.eval(RELEASE, 1, key, token).catch(() => undefined);
  }
}
