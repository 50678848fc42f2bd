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
    setBounded(this.ended, sid, untilSeconds * 1000);
  }

  /** Whether session `sid` was logged out (asks Redis, one round trip, unless it was seen live in the last `cacheMs`). */
  async isEnded(sid: string): Promise<boolean> {
    const t = this.now();
    const endedUntil = this.ended.get(sid);
    if (endedUntil !== undefined) {
      if (t < endedUntil) return true;
      this.ended.delete(sid);
    }
    const seen = this.live.get(sid);
    if (seen !== undefined && t - seen < this.cacheMs) return false;
    this.live.delete(sid);
    // the key's time to live: -2 when there is none (the session is live)
    const ttl = await this.redis.pttl(PREFIX + sid);
    if (ttl === -2) {
      setBounded(this.live, sid, t);
      return false;
    }
    // remembered as long as Redis keeps it, never past the longest a token lives
    setBounded(this.ended, sid, t + (ttl > 0 ? ttl : this.cacheMs));
    return true;
  }
}

/** Sets `key` in an insertion-ordered map of at most `LIVE_MAX` entries, the oldest forgotten first (a forgotten one is asked of Redis again). */
function setBounded(map: Map<string, number>, key: string, value: number): void {
  if (map.size >= LIVE_MAX && !map.has(key)) {
    const oldest = map.keys().next().value;
    if (oldest !== undefined) map.delete(oldest);
  }
  map.set(key, value);
}
