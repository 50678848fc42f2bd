import type { Graph } from '@onemap/graph-schema/server';
import type { Redis } from 'ioredis';
import { readWatchedEids } from '../graph/watches.ts';

/** Default Redis pub/sub channel the server's watch streams (SSE) listen on (config EVENTS_CHANNEL). */
export const EVENTS_CHANNEL = 'onemap:events';

export interface EntityEvent {
  type: 'trace' | 'relation';
  eid: string;
  at: string | null;
  source: string;
  rid: string;
}

/**
 * Publishes the events of watched entities (active `(:Watch {eid})` nodes, kept by the server's
 * watch API), one message each; unwatched entities cost one indexed read per batch, no messages.
 * A watch follows its entity through merges: an event of a survivor is published for the watches
 * made on the eids merged into it, and names them (`watchEids`, the eids as they were watched:
 * what the server's stream routes by; it never sends them on).
 */
export async function publishEvents(graph: Graph, redis: Redis, events: EntityEvent[], channel: string = EVENTS_CHANNEL): Promise<number> {
  if (!events.length) return 0;
  const eids = [...new Set(events.map((e) => e.eid))];
  const watched = await readWatchedEids(graph, eids);
  const mine = events.filter((e) => watched.has(e.eid));
  if (!mine.length) return 0;
  const p = redis.pipeline();
  for (const e of mine) p.publish(channel, JSON.stringify({ ...e, at: e.at ?? new Date().toISOString(), watchEids: watched.get(e.eid) }));
  await p.exec();
  return mine.length;
}
