/** Watches: a unit subscribes to an entity and gets server-sent events from the `onemap:events` channel — only for what it may see. */
import http from 'node:http';
import type { Graph } from '@onemap/graph-schema/server';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEnv } from '../helpers/env.ts';
import { clearGraph, openTestGraph } from '../helpers/graph.ts';
import { as, buildTestApp, PURPOSE, tokenFor } from '../helpers/server-app.ts';
import { E, seedServerFixture } from '../helpers/server-fixtures.ts';

const CHANNEL = `onemap:events:test-${process.pid}`;
let graph: Graph;
let app: FastifyInstance;
let pub: Redis;
beforeAll(async () => {
  graph = openTestGraph();
  await clearGraph(graph);
  await seedServerFixture(graph);
  app = await buildTestApp({ EVENTS_CHANNEL: CHANNEL });
  await app.listen({ host: '127.0.0.1', port: 0 });
  pub = new Redis(testEnv.REDIS_URL);
});
afterAll(async () => {
  pub?.disconnect();
  await app?.close();
  await graph?.driver.close();
});

describe('watches', () => {
  it('pushes new traces of a watched entity from visible sources, and nothing else', async () => {
    const officer = as(app, 'station', 'officer');
    const w = await officer({ method: 'POST', url: '/api/watches', payload: { eid: E.P1 } });
    expect(w.statusCode).toBe(201);
    expect((await officer({ url: '/api/watches' })).json().items.map((x: { eid: string }) => x.eid)).toContain(E.P1);

    const port = (app.server.address() as { port: number }).port;
    const q = new URLSearchParams({ access_token: tokenFor(app, 'station', 'officer'), purpose: encodeURIComponent(JSON.stringify(PURPOSE)) });
    const received: string[] = [];
    const req = http.get({ host: '127.0.0.1', port, path: `/api/watches/stream?${q}` });
    const res = await new Promise<http.IncomingMessage>((resolve, reject) => {
      req.on('response', resolve);
      req.on('error', reject);
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/event-stream');
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => received.push(chunk));
    const waitFor = async (pred: () => boolean, ms = 5000) => {
      const t0 = Date.now();
      while (!pred() && Date.now() - t0 < ms) await new Promise((r) => setTimeout(r, 50));
    };
    await waitFor(() => received.join('').includes('event: ready'));
    // The subscriber connects when the first stream opens: publish until the visible event arrives.
    const visible = JSON.stringify({ type: 'trace', eid: E.P1, at: '2026-11-05T10:00:00Z', source: 'fx_open', rid: 'fx_open:new1' });
    await pub.publish(CHANNEL, JSON.stringify({ type: 'trace', eid: E.P1, at: '2026-11-05T10:00:00Z', source: 'fx_closed', rid: 'fx_closed:new2' }));
    await pub.publish(CHANNEL, JSON.stringify({ type: 'relation', eid: E.P3, at: '2026-11-05T10:00:00Z', source: 'fx_open', rid: 'fx_open:new3' }));
    await pub.publish(CHANNEL, 'not json');
    for (let i = 0; i < 40 && !received.join('').includes('fx_open:new1'); i++) {
      await pub.publish(CHANNEL, visible);
      await waitFor(() => received.join('').includes('fx_open:new1'), 250);
    }
    const text = received.join('');
    expect(text).toContain('event: trace');
    expect(text).toContain('fx_open:new1');
    expect(text).not.toContain('fx_closed');
    expect(text).not.toContain('fx_open:new3');
    req.destroy();
  });

  it('opening a stream needs a purpose and is audited', async () => {
    const res = await app.inject({ url: `/api/watches/stream?access_token=${tokenFor(app, 'station', 'officer')}` });
    expect(res.statusCode).toBe(428);
  });

  it('a unit can end its own watch but not another unit’s', async () => {
    const w = (await as(app, 'county', 'officer')({ method: 'POST', url: '/api/watches', payload: { eid: E.P3 } })).json();
    expect((await as(app, 'otherCity', 'officer', null)({ method: 'DELETE', url: `/api/watches/${w.id}` })).statusCode).toBe(404);
    expect((await as(app, 'county', 'analyst', null)({ method: 'DELETE', url: `/api/watches/${w.id}` })).statusCode).toBe(200);
  });
});
