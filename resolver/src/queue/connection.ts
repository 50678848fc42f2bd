import type { ConnectionOptions } from 'bullmq';

/**
 * Redis connection options for BullMQ from a `redis://` URL (the config's REDIS_URL).
 * @example redisConnectionOf('redis://127.0.0.1:6379/0')
 */
export function redisConnectionOf(redisUrl: string): ConnectionOptions {
  const url = new URL(redisUrl);
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
