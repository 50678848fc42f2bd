import { EventEmitter } from 'node:events';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { Redis } from 'ioredis';

/** What the pipeline publishes on `onemap:events` when a trace or relation of an entity arrives. */
export interface GraphEvent {
  type: 'trace' | 'relation';
  eid: string;
  at: string;
  source: string;
  rid: string;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Emits `event` with a GraphEvent for every valid message on the events channel. */
    events: EventEmitter;
  }
}

export function parseEvent(message: string): GraphEvent | null {
  try {
    const e = JSON.parse(message) as Partial<GraphEvent>;
    if ((e.type !== 'trace' && e.type !== 'relation') || typeof e.eid !== 'string' || typeof e.source !== 'string') return null;
    return { type: e.type, eid: e.eid, at: String(e.at ?? new Date().toISOString()), source: e.source, rid: String(e.rid ?? '') };
  } catch {
    return null;
  }
}

/**
 * One Redis subscriber per process, opened when the first watch stream connects, fanning the
 * events channel out to SSE streams in this process.
 */
export default fp(
  async (app: FastifyInstance) => {
    const bus = new EventEmitter();
    bus.setMaxListeners(0);
    let sub: Redis | null = null;
    const ensure = () => {
      if (sub) return;
      sub = new Redis(app.config.REDIS_URL, { maxRetriesPerRequest: null, lazyConnect: false });
      sub.on('error', (err) => app.log.debug({ err }, 'events subscriber error'));
      sub.subscribe(app.config.EVENTS_CHANNEL).catch((err) => app.log.warn({ err: err.message }, 'could not subscribe to events'));
      sub.on('message', (_channel, message) => {
        const e = parseEvent(message);
        if (e) bus.emit('event', e);
      });
    };
    bus.on('newListener', (name) => {
      if (name === 'event') ensure();
    });
    app.decorate('events', bus);
    app.addHook('onClose', async () => {
      sub?.disconnect();
    });
  },
  { name: 'onemap-events', dependencies: ['onemap-config'] },
);
