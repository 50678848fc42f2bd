/** The claims OneMap signs into a user's token (`POST /api/auth/login`). */
export interface TokenClaims {
  sub: string;
  tv?: unknown;
  exp?: number;
  /** The session the token belongs to (random at login; `POST /api/auth/logout` ends it). Tokens signed before 2026-12-07 have none. */
  sid?: string;
}

/** Most verified tokens a process remembers; the oldest is forgotten first. */
export const TOKEN_CACHE_MAX = 10_000;

/**
 * Verified tokens by their exact text, so a token's signature is checked once per process rather
 * than once per request. What the cache may and may not skip:
 * - it skips only the signature and the parsing: an entry is the result of a successful
 *   verification with this process's key (a key change means a restart, which empties it);
 * - an entry lives no longer than the token (`exp`); a token without `exp` is never cached;
 * - revocation is not its business: the caller still reads the user for every request and
 *   compares the token version (`tv`) and the disabled flag, so a revoked token fails at once.
 * Bounded: at `max` entries the oldest inserted is dropped (tokens of one user are reused, so the
 * working set is the logged-in users).
 */
export class TokenCache {
  private readonly entries = new Map<string, { claims: TokenClaims; expiresAtMs: number }>();

  constructor(
    private readonly max = TOKEN_CACHE_MAX,
    private readonly now: () => number = Date.now,
  ) {}

  /** The claims of a token verified before and not yet expired, or null. */
  get(token: string): TokenClaims | null {
    const hit = this.entries.get(token);
    if (!hit) return null;
    if (this.now() >= hit.expiresAtMs) {
      this.entries.delete(token);
      return null;
    }
    return hit.claims;
  }

  /** Remembers a token whose signature and expiry were just verified. */
  set(token: string, claims: TokenClaims): void {
    if (typeof claims.exp !== 'number') return;
    const expiresAtMs = claims.exp * 1000;
    if (this.now() >= expiresAtMs) return;
    if (this.entries.size >= this.max && !this.entries.has(token)) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(token, { claims, expiresAtMs });
  }

  get size(): number {
    return this.entries.size;
  }
}

/** The token of an `Authorization: Bearer <token>` header (the scheme in any case, as HTTP reads it), or null. */
export function bearerToken(header: string | undefined): string | null {
  const m = header ? /^Bearer (.*)$/is.exec(header) : null;
  const token = m?.[1]?.trim() ?? '';
  return token.length > 0 ? token : null;
}
