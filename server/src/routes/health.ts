import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { pingGraph } from '../repositories/system.ts';

const Check = Type.Object({ ok: Type.Boolean(), latencyMs: Type.Number(), error: Type.Optional(Type.String()) });
const HealthResponse = Type.Object({
  status: Type.Union([Type.Literal('ok'), Type.Literal('degraded')]),
  down: Type.Array(Type.String()),
  checks: Type.Object({ neo4j: Check, redis: Check }),
});

async function timed(fn: () => Promise<unknown>, timeoutMs = 2500) {
  const t0 = performance.now();
  try {
    await Promise.race([fn(), new Promise((_, rej) => setTimeout(() => rej(new Error(`no answer in ${timeoutMs} ms`)), timeoutMs))]);
    return { ok: true, latencyMs: Math.round(performance.now() - t0) };
  } catch (e) {
    return { ok: false, latencyMs: Math.round(performance.now() - t0), error: (e as Error).message.split('\n')[0] };
  }
}

/** `/health`: real round trips to Neo4j and Redis; 503 names which one is down. */
export default async function healthRoutes(app: FastifyInstance) {
  app.get(
    '/health',
    {
      schema: {
        tags: ['system'],
        summary: 'Checks Neo4j and Redis for real',
        response: { 200: HealthResponse, 503: HealthResponse },
      },
      config: { public: true },
    },
    async (_req, reply) => {
      const [neo4j, redis] = await Promise.all([
        timed(() => pingGraph(app.graph)),
        timed(async () => {
          if (app.redis.status === 'wait' || app.redis.status === 'end') await app.redis.connect().catch(() => undefined);
          const pong = await app.redis.ping();
          if (pong !== 'PONG') throw new Error(`unexpected answer ${pong}`);
        }),
      ]);
      const down = [...(neo4j.ok ? [] : ['neo4j']), ...(redis.ok ? [] : ['redis'])];
      return reply.status(down.length ? 503 : 200).send({ status: down.length ? 'degraded' : 'ok', down, checks: { neo4j, redis } });
    },
  );
}
