/**
 * Requests another site's page made a browser send (cross-site request forgery) are refused before
 * anyone is authenticated, and audited as refused; a purpose is never read from the URL. A browser
 * sends a client certificate with any request, an `<img>`'s included, so without this a page of
 * any site ran reads and undos in an officer's name (review of 2026-12-07). The check does not look
 * at how the caller authenticates, so a bearer token stands in for the certificate here.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Graph, readTx } from '@onemap/graph-schema/server';
import type { FastifyInstance } from 'fastify';
import { describe, expect, it } from 'vitest';
import { as, buildTestApp, PURPOSE, tokenFor, useServerApp } from '../helpers/server-app.ts';
import { E, username } from '../helpers/server-fixtures.ts';

let app: FastifyInstance;
let graph: Graph;
useServerApp({ RATE_LIMIT_PER_MINUTE: 1_000_000, CORS_ORIGINS: 'https://map.example.gov.cn' }, (s) => {
  ({ app, graph } = s);
});

let n = 0;
const nonce = () => `xsite${process.pid}x${Date.now()}x${n++}`;
const profile = (probe: string) => `/api/entities/${E.P1}?probe=${probe}`;
const entriesWith = (probe: string) =>
  readTx(graph, async (tx) => {
    const r = await tx.run('MATCH (a:AuditEntry) WHERE a.paramsJson CONTAINS $probe RETURN properties(a) AS a', { probe });
    return r.records.map((x) => x.get('a') as Record<string, unknown>);
  });

describe('requests from other sites', () => {
  it('refuses what the browser marks cross-site or same-site, with or without an Origin, and audits it', async () => {
    const officer = as(app, 'county', 'officer');
    for (const headers of [
      { 'sec-fetch-site': 'cross-site' }, // an <img> or a link: no Origin
      { 'sec-fetch-site': 'same-site' }, // a sibling host of the same site is another origin
      { origin: 'https://evil.example' }, // a fetch or a form from another origin
      { origin: 'null' }, // a sandboxed frame or a file
      { 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' },
    ]) {
      const probe = nonce();
      const res = await officer({ url: profile(probe), headers });
      expect(res.statusCode, JSON.stringify(headers)).toBe(403);
      expect(res.json().code).toBe('ONEMAP_ERR_CROSS_SITE');
      expect(res.body).not.toContain(E.P1.slice(2));
      const [entry] = await entriesWith(probe);
      expect(entry, JSON.stringify(headers)).toMatchObject({ outcome: 'denied', status: 403 });
    }
  });

  it('refuses a state change from another site before it is made (an undo, a watch)', async () => {
    const officer = as(app, 'county', 'officer');
    const watch = await officer({ method: 'POST', url: '/api/watches', payload: { eid: E.P1 }, headers: { 'sec-fetch-site': 'cross-site' } });
    expect(watch.statusCode).toBe(403);
    const undo = await as(app, 'county', 'analyst')({ method: 'POST', url: '/api/resolution/decisions/D-00000000-0000-4000-8000-000000000000/undo', headers: { origin: 'https://evil.example' } });
    expect(undo.statusCode).toBe(403);
    expect(undo.json().code).toBe('ONEMAP_ERR_CROSS_SITE');
    const list = await officer({ url: '/api/watches' });
    expect(list.statusCode).toBe(200);
    expect(JSON.stringify(list.json())).not.toContain(E.P1);
  });

  it('refuses another site on the paths that answer an /api URL outside the /api hook, naming nobody', async () => {
    // an unknown route (answered by the web app's catch-all when the server serves the app) and a
    // path parameter fastify refuses before routing (frameworkErrors): both audited, neither may
    // name the officer whose certificate another site's page made the browser send
    const dist = fs.mkdtempSync(path.join(os.tmpdir(), 'onemap-web-'));
    fs.writeFileSync(path.join(dist, 'index.html'), '<!doctype html><title>OneMap</title>');
    const withWeb = await buildTestApp({ RATE_LIMIT_PER_MINUTE: 1_000_000, WEB_DIST: dist });
    try {
      for (const server of [app, withWeb]) await refusedOutsideTheHook(server);
    } finally {
      await withWeb.close();
      fs.rmSync(dist, { recursive: true, force: true });
    }
  });

  async function refusedOutsideTheHook(server: FastifyInstance) {
    const officer = as(server, 'county', 'officer');
    for (const url of [`/api/entities/${E.P1}/nothing-here`, `/api/entities/${'P'.repeat(400)}`]) {
      const probe = nonce();
      const res = await officer({ url: `${url}?probe=${probe}`, headers: { 'sec-fetch-site': 'cross-site' } });
      expect(res.statusCode, url).toBe(403);
      expect(res.json().code).toBe('ONEMAP_ERR_CROSS_SITE');
      const [entry] = await entriesWith(probe);
      expect(entry, url).toBeDefined();
      expect(entry?.user ?? null, url).toBeNull();
      // the same request from the page itself is the usual 404 / 414, naming its caller
      const own = await officer({ url: `${url}?probe=${probe}x`, headers: { 'sec-fetch-site': 'same-origin' } });
      expect([404, 414], url).toContain(own.statusCode);
      expect((await entriesWith(`${probe}x`))[0]?.user, url).toBe(username('county', 'officer'));
    }
  }

  it('takes the server host under another scheme for another site when the browser says so', async () => {
    const res = await as(app, 'county', 'officer')({ url: profile(nonce()), headers: { origin: 'https://localhost', 'sec-fetch-site': 'same-site' } });
    expect(res.statusCode).toBe(403);
  });

  it('answers the page itself, an allowed origin, the address bar and clients without browser headers', async () => {
    const officer = as(app, 'county', 'officer');
    for (const headers of [
      { 'sec-fetch-site': 'same-origin', origin: 'http://localhost:80' },
      { 'sec-fetch-site': 'none' },
      { origin: 'https://map.example.gov.cn', 'sec-fetch-site': 'cross-site' }, // CORS_ORIGINS
      { origin: 'http://localhost:80' }, // the server's own host (inject's Host is localhost:80)
      {},
    ]) {
      const res = await officer({ url: profile(nonce()), headers });
      expect(res.statusCode, `${JSON.stringify(headers)}: ${res.body.slice(0, 200)}`).toBe(200);
    }
  });

  it('reads a purpose from its header only: ?purpose= opens nothing', async () => {
    const token = tokenFor(app, 'county', 'officer');
    const inUrl = encodeURIComponent(encodeURIComponent(JSON.stringify(PURPOSE)));
    const res = await app.inject({ url: `/api/entities/${E.P1}?purpose=${inUrl}`, headers: { authorization: `Bearer ${token}` } });
    expect(res.statusCode).not.toBe(200);
    expect([400, 428]).toContain(res.statusCode);
    expect(res.body).not.toContain(username('county', 'officer'));
  });
});
