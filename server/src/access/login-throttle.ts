import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

/**
 * Login attempts counted per account, in Redis (so every server process shares the count), beside
 * the per-client rate limit: a password guessed from many addresses is throttled too. An unknown
 * user name is counted like a known one, so the answer never tells which names exist; a success
 * clears the count, so what it counts in effect is failures. Keys hold a hash of the name, never the name.
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

  /**
   * Takes one attempt for this account before its password is checked, atomically (INCR; the
   * window starts at the first attempt and is not extended by later ones), so concurrent tries
   * cannot all pass a check made before any of them is counted. Returns the seconds until the
   * account may try again when this attempt is over the limit (it must then not be checked), else 0.
   */
  async attempt(username: string): Promise<number> {
    const key = this.key(username);
    const res = await this.redis.multi().incr(key).expire(key, this.windowSeconds, 'NX').ttl(key).exec();
    const count = Number(res?.[0]?.[1] ?? 0);
    const ttl = Number(res?.[2]?.[1] ?? -1);
    if (count <= this.maxFailures) return 0;
    return ttl > 0 ? ttl : this.windowSeconds;
  }

  /** A correct password clears the account's count. */
  async succeeded(username: string): Promise<void> {
    await this.redis.del(this.key(username));
  }
}
