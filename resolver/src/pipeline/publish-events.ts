import type { Redis } from 'ioredis';

/** Redis pub/sub channel the server's watch streams (SSE) listen on. */
export const EVENTS_CHANNEL = 'onemap:events';
/** Redis set of watched eids, kept by the server; only their events are published. */
export const WATCHED_SET = 'onemap:watched';

export interface EntityEvent {
  type: 'trace' | 'relation';
  eid: string;
  at: string | null;
  source: string;
  rid: string;
}

/** Publishes the events of watched entities (one message each). Returns how many were published. */
export async function publishEvents(redis: Redis, events: EntityEvent[]): Promise<number> {
  if (!events.length) return 0;
  if ((await redis.scard(WATCHED_SET)) === 0) return 0;
  const eids = [...new Set(events.map((e) => e.eid))];
  const watched = new Set<string>();
  for (let i = 0; i < eids.length; i += 1000) {
    const slice = eids.slice(i, i + 1000);
    const flags = await redis.smismember(WATCHED_SET, ...slice);
    slice.forEach((e, j) => {
      if (flags[j]) watched.add(e);
    });
  }
  const mine = events.filter((e) => watched.has(e.eid));
  if (!mine.length) return 0;
  const p = redis.pipeline();
  for (const e of mine) p.publish(EVENTS_CHANNEL, JSON.stringify(e));
  await p.exec();
  return mine.length;
}
