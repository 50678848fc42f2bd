import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { Redis } from 'ioredis';

declare module 'fastify' {
  interface FastifyInstance {
    redis: Redis;
  }
}

/** A Redis client for health, audit-adjacent counters and SSE fan-out; BullMQ queues make their own. */
export default fp(
  async (app: FastifyInstance) => {
    const redis = new Redis(app.config.REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 2000 });
    redis.on('error', (err) => app.log.debug({ err }, 'redis client error'));
    redis.connect().catch((err) => app.log.warn({ err: err.message }, 'redis not reachable at start'));
    app.decorate('redis', redis);
    app.addHook('onClose', async () => {
      redis.disconnect();
    });
  },
  { name: 'onemap-redis', dependencies: ['onemap-config'] },
);
