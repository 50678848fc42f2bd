/**
 * Sessions their user logged out of (`POST /api/auth/logout`). A token names its session (`sid`,
 * random at login); logging out records the session in Redis until the token would have expired,
 * so the token is refused from then on by every server — while the user's other sessions (another
 * browser, a colleague's shared terminal already logged out) are left alone.
 *
 * Every request asks whether its session ended. A server remembers the sessions it saw ended for
 * good, and a session seen live for `cacheMs` (the same staleness as the user cache, ACCESS_CACHE_MS):
 * the server that took the logout refuses the token at once, another server within `cacheMs`.
 */
import type { Redis } from 'ioredis';

const PREFIX = 'onemap:session-ended:';

/** Most sessions a server remembers as live, and as ended; the oldest is forgotten first (then asked again). */
const LIVE_MAX = 10_000;

export class EndedSessions {
  private readonly ended = new Map<string, number>();
  private readonly live = new Map<string, number>();

  constructor(
    private readonly redis: Redis,
    private readonly cacheMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Ends session `sid` until `untilSeconds` (the token's `exp`, Unix seconds); after that the token is refused anyway. */
  async end(sid: string, untilSeconds: number): Promise<void> {
    const ttl = Math.max(1, Math.ceil(untilSeconds - this.now() / 1000));
    await this.redis.set(PREFIX + sid, '1', 'EX', ttl);
    this.live.delete(sid);
    this.remember(sid, untilSeconds * 1000);
  }

  /** Bounded like the live sessions: one forgotten here is still ended in Redis, and asked again. */
  private remember(sid: string, untilMs: number): void {
    if (this.ended.size >= LIVE_MAX) {
      const oldest = this.ended.keys().next().value;
      if (oldest !== undefined) this.ended.delete(oldest);
    }
    this.ended.set(sid, untilMs);
  }

  /** Whether session `sid` was logged out (asks Redis unless it was seen live in the last `cacheMs`). */
  async isEnded(sid: string): Promise<boolean> {
    const t = this.now();
    const endedUntil = this.ended.get(sid);
    if (endedUntil !== undefined) {
      if (t < endedUntil) return true;
      this.ended.delete(sid);
    }
    const seen = this.live.get(sid);
    if (seen !== undefined && t - seen < this.cacheMs) return false;
    const gone = (await this.redis.exists(PREFIX + sid)) === 1;
    if (gone) {
      // remembered as long as Redis keeps it (its TTL), never past the longest a token lives
      const ttl = await this.redis.pttl(PREFIX + sid);
      this.remember(sid, t + (ttl > 0 ? ttl : this.cacheMs));
      this.live.delete(sid);
      return true;
    }
    this.live.delete(sid);
    if (this.live.size >= LIVE_MAX) {
      const oldest = this.live.keys().next().value;
      if (oldest !== undefined) this.live.delete(oldest);
    }
    this.live.set(sid, t);
    return false;
  }
}
