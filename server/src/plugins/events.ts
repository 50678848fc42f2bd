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
  /**
   * The eids, as they were watched, of the watches that follow the entity now (the publisher
   * follows merges: a survivor's event names the watches made on the eids merged into it).
   * Routing only, never sent to a client; absent from an older publisher: the event's `eid`.
   */
  watchEids?: string[];
}

/** An early-warning hit (预警) the pipeline's evaluator published: for the rule's unit only, and only when every source that fired it is visible. */
export interface WarningAlert {
  type: 'warning';
  hitId: string;
  ruleId: string;
  kind: string;
  unitCode: string;
  eids: string[];
  eid: string;
  placeEid: string | null;
  at: string;
  sources: string[];
  source: string;
}

/** A message on the events channel. */
export type BusEvent = GraphEvent | WarningAlert;

const strings = (x: unknown): x is string[] => Array.isArray(x) && x.length > 0 && x.every((s) => typeof s === 'string');

function parseWarning(e: Record<string, unknown>): WarningAlert | null {
  if (typeof e.hitId !== 'string' || typeof e.ruleId !== 'string' || typeof e.unitCode !== 'string' || !strings(e.eids) || !strings(e.sources)) return null;
  return {
    type: 'warning',
    hitId: e.hitId,
    ruleId: e.ruleId,
    kind: String(e.kind ?? ''),
    unitCode: e.unitCode,
    eids: e.eids,
    eid: e.eids[0]!,
    placeEid: typeof e.placeEid === 'string' ? e.placeEid : null,
    at: String(e.at ?? new Date().toISOString()),
    sources: e.sources,
    source: e.sources[0]!,
  };
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Emits `event` with a BusEvent (GraphEvent or WarningAlert) for every valid message on the events channel. */
    events: EventEmitter;
  }
}

export function parseEvent(message: string): BusEvent | null {
  try {
    const raw = JSON.parse(message) as Record<string, unknown>;
    if (raw?.type === 'warning') return parseWarning(raw);
    const e = raw as Partial<GraphEvent>;
    if ((e.type !== 'trace' && e.type !== 'relation') || typeof e.eid !== 'string' || typeof e.source !== 'string') return null;
    const event: GraphEvent = { type: e.type, eid: e.eid, at: String(e.at ?? new Date().toISOString()), source: e.source, rid: String(e.rid ?? '') };
    return strings(e.watchEids) ? { ...event, watchEids: e.watchEids } : event;
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
