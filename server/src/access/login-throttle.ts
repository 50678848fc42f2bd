import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

/**
 * Failed logins counted per account, in Redis (so every server process shares the count), beside
 * the per-client rate limit: a password guessed from many addresses is throttled too. An unknown
 * user name is counted like a known one, so the answer never tells which names exist; a success
 * clears the count. Keys hold a hash of the name, never the name.
 */
export class LoginThrottle {
  constructor(
    private readonly redis: Redis,
    private readonly maxFailures: number,
    private readonly windowSeconds: number,
  ) {}

  private key(username: string): string {
    return `onemap:login-failures:${createHash('sha256').update(username.trim().toLowerCase()).digest('hex')}`;
  }

  /** Seconds until this account may try again (0: it may now). */
  async retryAfter(username: string): Promise<number> {
    const key = this.key(username);
    const [count, ttl] = await Promise.all([this.redis.get(key), this.redis.ttl(key)]);
    if (Number(count ?? 0) < this.maxFailures) return 0;
    return ttl > 0 ? ttl : this.windowSeconds;
  }

  /** Counts one failure; the window starts at the first failure and is not extended by later ones. */
  async failed(username: string): Promise<void> {
    const key = this.key(username);
    await this.redis.multi().incr(key).expire(key, this.windowSeconds, 'NX').exec();
  }

  async succeeded(username: string): Promise<void> {
    await this.redis.del(this.key(username));
  }
}
