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
  return async (request, reply) => {
    const r = await limit(request);
    if (r.isAllowed) return; // an allow-listed address (none is configured today)
    reply.header('x-ratelimit-limit', r.max).header('x-ratelimit-remaining', r.remaining).header('x-ratelimit-reset', r.ttlInSeconds);
    if (!r.isExceeded) return;
    reply.header('retry-after', r.ttlInSeconds);
    throw httpError('RATE_LIMITED', { detail: `more than ${r.max} requests a minute from this address; try again in ${r.ttlInSeconds} s` });
  };
}
