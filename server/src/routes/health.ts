import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyBaseLogger } from 'fastify';
import { pingGraph } from '../repositories/system.ts';
import { errorsOf } from '../schemas/common.ts';
import { HealthAnswer } from '../schemas/health.ts';

/** Besides its own answers, /health can only be rate limited (or refused by Node for huge headers). */
const { 429: tooMany, 431: headersTooLarge } = errorsOf([429]);
const errorsOfHealth = { 429: tooMany, 431: headersTooLarge };

const TIMEOUT = Symbol('timeout');

/**
 * One round trip, timed. `/health` is public: a failure is answered as `unreachable` or `timeout`
 * only; the driver's message (addresses, ports, user names, versions) goes to the server's log.
 */
async function timed(what: string, log: FastifyBaseLogger, fn: () => Promise<unknown>, timeoutMs = 2500) {
  const t0 = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([fn(), new Promise((_, rej) => (timer = setTimeout(() => rej(TIMEOUT), timeoutMs)))]);
    return { ok: true, latencyMs: Math.round(performance.now() - t0) };
  } catch (e) {
    const latencyMs = Math.round(performance.now() - t0);
    if (e === TIMEOUT) return { ok: false, latencyMs, error: 'timeout' as const };
    log.warn({ check: what, err: (e as Error).message }, 'health check failed');
    return { ok: false, latencyMs, error: 'unreachable' as const };
  } finally {
    clearTimeout(timer);
  }
}

/** `/health`: real round trips to Neo4j and Redis; 503 names which one is down. */
const healthRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/health',
    {
      schema: {
        tags: ['system'],
        summary: 'Checks Neo4j and Redis for real',
        response: { 200: HealthAnswer, 503: HealthAnswer, ...errorsOfHealth },
      },
      config: { public: true },
    },
    async (_req, reply) => {
      const [neo4j, redis] = await Promise.all([
        timed('neo4j', app.log, () => pingGraph(app.graph)),
        timed('redis', app.log, async () => {
          if (app.redis.status === 'wait' || app.redis.status === 'end') await app.redis.connect().catch(() => undefined);
          const pong = await app.redis.ping();
          if (pong !== 'PONG') throw new Error(`unexpected answer ${pong}`);
        }),
      ]);
      const down = [...(neo4j.ok ? [] : ['neo4j']), ...(redis.ok ? [] : ['redis'])];
      return reply.status(down.length ? 503 : 200).send({ status: down.length ? 'degraded' : 'ok', down, checks: { neo4j, redis } });
    },
  );
};
export default healthRoutes;
