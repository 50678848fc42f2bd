/** Watches: a unit subscribes to an entity and gets server-sent events from the `onemap:events` channel — only for what it may see. */
import http from 'node:http';
import type { Graph } from '@onemap/graph-schema/server';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEnv } from '../helpers/env.ts';
import { clearGraph, openTestGraph } from '../helpers/graph.ts';
import { ADMIN_PURPOSE, as, buildTestApp, PURPOSE, tokenFor } from '../helpers/server-app.ts';
import { openWatchStream } from '../helpers/watch-stream.ts';
import { readTx, writeTx } from '@onemap/graph-schema/server';
import { E, type LevelName, seedServerFixture, username } from '../helpers/server-fixtures.ts';

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
    const ticket = (await officer({ method: 'POST', url: '/api/watches/stream-ticket' })).json().ticket as string;
    const received: string[] = [];
    const req = http.get({ host: '127.0.0.1', port, path: `/api/watches/stream?ticket=${ticket}` });
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
    // Every event sent was audited with what it disclosed; the ones withheld were not.
    const sent = (text.match(/fx_open:new1/g) ?? []).length;
    const audited = await readTx(graph, async (tx) =>
      (await tx.run("MATCH (a:AuditEntry {route: '/api/watches/stream'}) WHERE a.paramsJson CONTAINS '\"delivered\"' RETURN a.paramsJson AS p")).records.map((r) => JSON.parse(r.get('p')).delivered),
    );
    expect(audited.filter((d) => d.rid === 'fx_open:new1')).toHaveLength(sent);
    expect(audited.some((d) => d.rid === 'fx_closed:new2' || d.rid === 'fx_open:new3')).toBe(false);
  });

  it('a colleague sees a watch of the unit with its case, not the purpose text its creator wrote', async () => {
    const officer = as(app, 'station', 'officer');
    expect((await officer({ method: 'POST', url: '/api/watches', payload: { eid: E.P1 } })).statusCode).toBe(201);
    const mine = (await officer({ url: '/api/watches' })).json().items.find((x: { eid: string }) => x.eid === E.P1);
    expect(JSON.parse(mine.purposeJson)).toEqual(PURPOSE);
    const colleague = (await as(app, 'station', 'analyst')({ url: '/api/watches' })).json().items.find((x: { eid: string }) => x.eid === E.P1);
    expect(colleague.createdBy).toBe(username('station', 'officer'));
    expect(JSON.parse(colleague.purposeJson)).toEqual({ kind: PURPOSE.kind, caseNumber: PURPOSE.caseNumber });
    expect(colleague.purposeJson).not.toContain(PURPOSE.text);
  });

  it("a watch names a person: the unit's list shows it only to colleagues who may see that person, under the purpose they state", async () => {
    // P4 is known only to the conditional source, which the station reads through a grant for cases.
    const made = await as(app, 'station', 'officer')({ method: 'POST', url: '/api/watches', payload: { eid: E.P4 } });
    expect(made.statusCode, made.body).toBe(201);
    try {
      const listed = async (purpose: object) =>
        ((await as(app, 'station', 'analyst', purpose)({ url: '/api/watches' })).json().items as { eid: string }[]).some((w) => w.eid === E.P4);
      expect(await listed(PURPOSE)).toBe(true);
      // under a purpose the grant does not open, P4 is not listed; P1, seen through an unconditional source, is
      expect(await listed(ADMIN_PURPOSE)).toBe(false);
      expect((await as(app, 'station', 'analyst', ADMIN_PURPOSE)({ url: '/api/watches' })).json().items.some((w: { eid: string }) => w.eid === E.P1)).toBe(true);
      // the list names persons: it is asked for with a purpose, like every individual-level answer
      const bare = await as(app, 'station', 'analyst', null)({ url: '/api/watches' });
      expect(bare.statusCode).toBe(428);
    } finally {
      await as(app, 'station', 'officer')({ method: 'DELETE', url: `/api/watches/${made.json().id}` });
    }
  });

  it('opening a stream needs a purpose and is audited', async () => {
    const res = await as(app, 'station', 'officer', null)({ method: 'POST', url: '/api/watches/stream-ticket' });
    expect(res.statusCode).toBe(428);
  });

  it('a unit can end its own watch but not another unit’s', async () => {
    const w = (await as(app, 'county', 'officer')({ method: 'POST', url: '/api/watches', payload: { eid: E.P3 } })).json();
    expect((await as(app, 'otherCity', 'officer')({ method: 'DELETE', url: `/api/watches/${w.id}` })).statusCode).toBe(404);
    expect((await as(app, 'county', 'analyst')({ method: 'DELETE', url: `/api/watches/${w.id}` })).statusCode).toBe(200);
  });
});


/** Opens the watch stream as a fixture user (ticket first), collecting what arrives. */
async function openStream(level: LevelName, role: string, eid: string) {
  const user = as(app, level, role);
  expect((await user({ method: 'POST', url: '/api/watches', payload: { eid } })).statusCode).toBe(201);
  const { text, waitFor, ended, close } = await openWatchStream(app, user);
  /** Publishes `event` until it arrives (the subscriber connects with the first stream). */
  const deliver = async (event: object, rid: string) => {
    for (let i = 0; i < 40 && !text().includes(rid); i++) {
      await pub.publish(CHANNEL, JSON.stringify(event));
      await waitFor(() => text().includes(rid), 250);
    }
    return text().includes(rid);
  };
  return { text, waitFor, deliver, ended, close };
}

const trace = (source: string, rid: string, eid: string = E.P1) => ({ type: 'trace', eid, at: '2026-11-06T10:00:00Z', source, rid });

describe('17: the watch stream re-checks the viewer per event, and takes no token in the URL', () => {
  it('a token in the URL no longer opens the stream; a ticket opens one stream, once', async () => {
    const token = tokenFor(app, 'station', 'officer');
    const purpose = encodeURIComponent(encodeURIComponent(JSON.stringify(PURPOSE)));
    const viaUrl = await app.inject({ url: `/api/watches/stream?access_token=${token}&purpose=${purpose}` });
    expect(viaUrl.statusCode).toBe(401);
    expect(viaUrl.json().code).toBe('ONEMAP_ERR_UNAUTHENTICATED');
    // A bearer header does not open it either: the stream is for tickets (its URL is what gets logged).
    expect((await as(app, 'station', 'officer')({ url: '/api/watches/stream' })).statusCode).toBe(401);
    expect((await app.inject({ url: '/api/watches/stream?ticket=st_forgedforgedforgedforgedforgedforged' })).statusCode).toBe(401);

    const s = await openStream('station', 'officer', E.P3);
    s.close();
    // The same ticket again: refused (single use). Read from the audit: the ticket itself is never recorded.
    const ticket = (await as(app, 'station', 'officer')({ method: 'POST', url: '/api/watches/stream-ticket' })).json().ticket as string;
    const port = (app.server.address() as { port: number }).port;
    const first = await new Promise<number>((resolve) => http.get({ host: '127.0.0.1', port, path: `/api/watches/stream?ticket=${ticket}` }, (r) => { resolve(r.statusCode ?? 0); r.destroy(); }));
    expect(first).toBe(200);
    expect((await app.inject({ url: `/api/watches/stream?ticket=${ticket}` })).statusCode).toBe(401);
    const entries = (await as(app, 'province', 'auditor', null)({ url: '/api/audit/entries?limit=50' })).json().items as { paramsJson: string }[];
    expect(JSON.stringify(entries)).not.toContain(ticket);
  });

  it('a ticket issued before a password reset opens nothing', async () => {
    const ticket = (await as(app, 'county', 'officer')({ method: 'POST', url: '/api/watches/stream-ticket' })).json().ticket as string;
    try {
      const res = await as(app, 'province', 'admin', null)({ method: 'PATCH', url: `/api/admin/users/${username('county', 'officer')}`, payload: { password: 'Reset-by-admin-2026!' } });
      expect(res.statusCode, res.body).toBe(200);
      const opened = await app.inject({ url: `/api/watches/stream?ticket=${ticket}` });
      expect(opened.statusCode).toBe(401);
      expect(opened.json().code).toBe('ONEMAP_ERR_UNAUTHENTICATED');
    } finally {
      await writeTx(graph, (tx) => tx.run('MATCH (u:User {username: $u}) SET u.tokenVersion = 0', { u: username('county', 'officer') }));
      app.access.invalidate();
    }
  });

  it('a grant revoked while the stream is open stops the events of the source it covered', async () => {
    // The other county's own grant on fx_cond expired; the province grants it again, for criminal cases.
    const admin = as(app, 'province', 'admin', null);
    const g = await admin({ method: 'POST', url: '/api/admin/grants', payload: { unitCode: '620103', sourceId: 'fx_cond', purposes: ['criminal_case'], expiresAt: new Date(Date.now() + 86_400_000).toISOString() } });
    expect(g.statusCode, g.body).toBe(201);
    const s = await openStream('otherCounty', 'analyst', E.P1);
    try {
      expect(await s.deliver(trace('fx_cond', 'fx_cond:live1'), 'fx_cond:live1')).toBe(true);
      const revoke = await admin({ method: 'DELETE', url: `/api/admin/grants/${g.json().id}` });
      expect(revoke.statusCode, revoke.body).toBe(200);
      // Events are checked in order: once the open-source one after it has arrived, the conditional one was dropped.
      await pub.publish(CHANNEL, JSON.stringify(trace('fx_cond', 'fx_cond:live2')));
      expect(await s.deliver(trace('fx_open', 'fx_open:live3'), 'fx_open:live3')).toBe(true);
      expect(s.text()).not.toContain('fx_cond:live2');
      expect(s.ended()).toBe(false);
    } finally {
      s.close();
    }
  });

  for (const [what, patch, reason] of [
    ['a disabled account', { disabled: true }, 'account disabled'],
    ['a role change away from officer/analyst', { roles: ['planner'] }, 'role withdrawn'],
    ['a password reset (it revokes the tokens, and with them the stream)', { password: 'Reset-by-admin-2026!' }, 'signed out'],
  ] as const) {
    it(`${what} gets no more events: the stream is closed`, async () => {
      const s = await openStream('county', 'officer', E.P1);
      try {
        expect(await s.deliver(trace('fx_open', `fx_open:${reason}-1`), `fx_open:${reason}-1`)).toBe(true);
        const res = await as(app, 'province', 'admin', null)({ method: 'PATCH', url: `/api/admin/users/${username('county', 'officer')}`, payload: patch });
        expect(res.statusCode, res.body).toBe(200);
        await pub.publish(CHANNEL, JSON.stringify(trace('fx_open', `fx_open:${reason}-2`)));
        expect(await s.waitFor(() => s.ended(), 8000)).toBe(true);
        expect(s.text()).toContain(`event: closed\ndata: {"reason":"${reason}"}`);
        expect(s.text()).not.toContain(`fx_open:${reason}-2`);
      } finally {
        s.close();
        // Restore the fixture user for the next case: enabled, an officer, and tokens of version 0 (the
        // helpers sign version 0; the PATCH above raised it), then drop the app's cached copy.
        await writeTx(graph, (tx) => tx.run("MATCH (u:User {username: $u}) SET u.disabled = false, u.roles = ['officer'], u.tokenVersion = 0", { u: username('county', 'officer') }));
        app.access.invalidate();
      }
    });
  }
});

describe('a stream lives no longer than the login that opened it (tenth review)', () => {
  it('a stream opened with a token that expires is closed at its expiry', async () => {
    const short = await buildTestApp({ EVENTS_CHANNEL: CHANNEL, JWT_EXPIRES_IN: '3s' });
    try {
      await short.listen({ host: '127.0.0.1', port: 0 });
      const s = await openWatchStream(short, as(short, 'county', 'officer'));
      try {
        // the stream re-checks the viewer every 5 s and before every event: closed within one round after 3 s
        expect(await s.waitFor(() => s.ended(), 12_000)).toBe(true);
        expect(s.text()).toContain('event: closed\ndata: {"reason":"signed out"}');
      } finally {
        s.close();
      }
    } finally {
      await short.close();
    }
  });

  it('HEAD does not open the stream: the ticket is not spent and no event is audited as delivered', async () => {
    const ticket = (await as(app, 'station', 'officer')({ method: 'POST', url: '/api/watches/stream-ticket' })).json().ticket as string;
    const head = await app.inject({ method: 'HEAD', url: `/api/watches/stream?ticket=${ticket}` });
    expect(head.statusCode).toBe(404);
    const port = (app.server.address() as { port: number }).port;
    const get = await new Promise<number>((resolve) => http.get({ host: '127.0.0.1', port, path: `/api/watches/stream?ticket=${ticket}` }, (r) => { resolve(r.statusCode ?? 0); r.destroy(); }));
    expect(get).toBe(200);
  });
});
