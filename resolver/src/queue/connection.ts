import type { ConnectionOptions } from 'bullmq';

/** Redis connection for BullMQ from REDIS_URL (default: the local dev Redis). */
export function redisConnectionFromEnv(env: NodeJS.ProcessEnv = process.env): ConnectionOptions {
  const url = new URL(env.REDIS_URL ?? `redis://127.0.0.1:${env.REDIS_PORT ?? '6379'}`);
  return {
    host: url.hostname,
    port: Number(url.port || 6379),
    username: url.username || undefined,
    password: url.password ? decodeURIComponent(url.password) : undefined,
    db: url.pathname.length > 1 ? Number(url.pathname.slice(1)) : 0,
    // BullMQ workers block on Redis; they must retry forever rather than fail a command.
    maxRetriesPerRequest: null,
  };
}
