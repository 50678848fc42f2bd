import type { FastifyInstance, onRequestAsyncHookHandler } from 'fastify';
import { httpError } from '../errors.ts';

/**
 * Every request counted against `RATE_LIMIT_PER_MINUTE` of its client's address before anything
 * else runs for it. `@fastify/rate-limit` left to itself counts in a hook of each route, which runs
 * after the `/api` hook: a request that hook refused (a bad or missing token, 401; another site,
 * 403) was never counted, so a client could send them without limit, each checked and audited
 * (docs/security.md, "Limits per process, and their order"). Unknown routes (404) were not counted
 * either. Registered at the root, first, so every answer counts, whatever it turns out to be. A
 * route's own stricter limit (login's) still runs in its route hook, after this one.
 */
export function countEveryRequest(app: FastifyInstance): onRequestAsyncHookHandler {
  const limit = app.createRateLimit();
  const audited = new RefusalsAudited();
  return async (request, reply) => {
    const r = await limit(request);
    if (r.isAllowed) return; // an allow-listed address (none is configured today)
    reply.header('x-ratelimit-limit', r.max).header('x-ratelimit-remaining', r.remaining).header('x-ratelimit-reset', r.ttlInSeconds);
    if (!r.isExceeded) return;
    reply.header('retry-after', r.ttlInSeconds);
    // the first refusal of an address in its window is audited, the rest of its flood is not: an
    // audit entry is a write, and a limit that still cost one per request would limit nothing
    if (!audited.first(r.key, Date.now() + r.ttl)) request.quietRefusal = true;
    throw httpError('RATE_LIMITED', { detail: `more than ${r.max} requests a minute from this address; try again in ${r.ttlInSeconds} s` });
  };
}

/** Per address, until when its window's refusals are audited already (expired ones swept as it grows). */
export class RefusalsAudited {
  private readonly until = new Map<string, number>();

  constructor(private readonly sweepFrom = 10_000) {}

  /** True for an address's first refusal in its window (then noted until `windowEnd`), false for the next ones. */
  first(key: string, windowEnd: number, now = Date.now()): boolean {
    const known = this.until.get(key);
    if (known !== undefined && known > now) return false;
    if (this.until.size >= this.sweepFrom) for (const [k, t] of this.until) if (t <= now) this.until.delete(k);
    this.until.set(key, windowEnd);
    return true;
  }
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Refused by the rate limit after its address's first refusal of the window: answered without an audit entry. */
    quietRefusal?: boolean;
  }
}
