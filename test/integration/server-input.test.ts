/**
 * Injection and bad input: Cypher- and Lucene-looking strings, huge bodies, wrong types,
 * out-of-range times and coordinates → 4xx with a message; the server stays up and nothing
 * is written to the graph (apart from the audit entries of the refused requests).
 */
import { type Graph, readTx } from '@onemap/graph-schema/server';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { describe, expect, it } from 'vitest';
import { as, useServerApp } from '../helpers/server-app.ts';
import { E } from '../helpers/server-fixtures.ts';

let graph: Graph;
let app: FastifyInstance;
useServerApp({ RATE_LIMIT_PER_MINUTE: 1_000_000, BODY_LIMIT_BYTES: 65_536 }, (s) => {
  ({ app, graph } = s);
});

/** Everything in the graph except the audit trail, as a fingerprint. */
async function fingerprint(): Promise<string> {
  return readTx(graph, async (tx) => {
    const n = await tx.run('MATCH (n) WHERE NOT n:AuditEntry AND NOT n:AuditHead AND NOT n:AuditCheckpoint RETURN count(n) AS n');
    const r = await tx.run('MATCH ()-[r]->() RETURN count(r) AS r');
    const p = await tx.run("MATCH (p:Person {eid: 'P-FX1'}) RETURN properties(p) AS p");
    return JSON.stringify([n.records[0]?.get('n'), r.records[0]?.get('r'), p.records[0]?.get('p')]);
  });
}

const INJECTIONS = [
  "' OR 1=1 --",
  "x' }) MATCH (n) DETACH DELETE n //",
  '"}) RETURN 1 UNION MATCH (n) DETACH DELETE n //',
  '*:*',
  'name:* OR residentId:*',
  '\\',
  '((((((',
  'AND OR NOT',
  '${jndi:ldap://x}',
  '<script>alert(1)</script>',
  'a'.repeat(100),
];

const WINDOW = 'from=2026-11-01T00:00:00Z&to=2026-11-03T00:00:00Z';

describe('injection attempts are data, never code', () => {
  for (const s of INJECTIONS) {
    it(`search q=${JSON.stringify(s).slice(0, 40)} answers without error and deletes nothing`, async () => {
      const before = await fingerprint();
      const res = await as(app, 'province', 'analyst')({ url: `/api/search?q=${encodeURIComponent(s)}` });
      expect([200, 400]).toContain(res.statusCode);
      if (res.statusCode === 200) expect(res.json().total).toBe(0);
      else expect(res.json().message).toBeTruthy();
      expect(await fingerprint()).toBe(before);
    });
  }

  it('Cypher-looking ids are refused by the schema with a message', async () => {
    const before = await fingerprint();
    for (const eid of ["P-1' OR 1=1", 'P-1}) DETACH DELETE n', '../../etc/passwd', 'P 1']) {
      const res = await as(app, 'province', 'analyst')({ url: `/api/entities/${encodeURIComponent(eid)}` });
      expect(res.statusCode, eid).toBe(400);
      expect(res.json()).toMatchObject({ code: 'ONEMAP_ERR_VALIDATION' });
    }
    const rel = await as(app, 'province', 'analyst')({ url: `/api/entities/${E.P1}/relations?types=${encodeURIComponent('HAS_PHONE]-() DETACH DELETE n //')}` });
    expect(rel.statusCode).toBe(400);
    expect(await fingerprint()).toBe(before);
  });

  it('a purpose with injection in its text is stored as text and does not break anything', async () => {
    const res = await as(app, 'province', 'officer', { kind: 'criminal_case', caseNumber: 'A1234', text: "'}) MATCH (n) DETACH DELETE n //" })({ url: `/api/entities/${E.P1}` });
    expect(res.statusCode).toBe(200);
  });
});

describe('bad input → 4xx with a message, nothing written', () => {
  const cases: [string, InjectOptions, number][] = [
    ['time not ISO', { url: `/api/entities/${E.P1}/trajectory?from=yesterday&to=today` }, 400],
    ['month 13', { url: `/api/entities/${E.P1}/trajectory?from=2026-13-01T00:00:00Z&to=2026-11-03T00:00:00Z` }, 400],
    ['November 31', { url: `/api/entities/${E.P1}/trajectory?from=2026-11-01T00:00:00Z&to=2026-11-31T00:00:00Z` }, 400],
    ['February 29 of 2026 (a layer)', { url: '/api/layers/heat?from=2026-02-01T00:00:00Z&to=2026-02-29T00:00:00Z' }, 400],
    ['year 3000', { url: `/api/entities/${E.P1}/trajectory?from=3000-01-01T00:00:00Z&to=3000-01-02T00:00:00Z` }, 400],
    ['from after to', { url: `/api/entities/${E.P1}/trajectory?from=2026-11-03T00:00:00Z&to=2026-11-01T00:00:00Z` }, 400],
    ['range over a year', { url: `/api/entities/${E.P1}/trajectory?from=2020-01-01T00:00:00Z&to=2026-01-01T00:00:00Z` }, 400],
    ['depth out of range', { url: `/api/entities/${E.P1}/relations?depth=99` }, 400],
    ['depth not a number', { url: `/api/entities/${E.P1}/relations?depth=two` }, 400],
    ['negative limit', { url: `/api/entities/${E.P1}/relations?limit=-1` }, 400],
    ['unknown relation type', { url: `/api/entities/${E.P1}/relations?types=KNOWS` }, 400],
    ['page size too big', { url: '/api/search?q=zhang&pageSize=100000' }, 400],
    ['empty search', { url: '/api/search?q=' }, 400],
    ['trajectory of a place', { url: `/api/entities/${E.hotel}/trajectory?${WINDOW}` }, 400],
    ['radius too big', { url: `/api/analysis/co-location?eid=${E.P1}&${WINDOW}&radiusM=1000000` }, 400],
    ['longitude 200', { method: 'POST', url: '/api/analysis/collision', payload: { windows: [{ lon: 200, lat: 36, radiusM: 100, from: '2026-11-01T00:00:00Z', to: '2026-11-02T00:00:00Z' }, { lon: 103, lat: 36, radiusM: 100, from: '2026-11-01T00:00:00Z', to: '2026-11-02T00:00:00Z' }] } }, 400],
    ['latitude -91', { method: 'POST', url: '/api/analysis/collision', payload: { windows: [{ lon: 103, lat: -91, radiusM: 100, from: '2026-11-01T00:00:00Z', to: '2026-11-02T00:00:00Z' }, { lon: 103, lat: 36, radiusM: 100, from: '2026-11-01T00:00:00Z', to: '2026-11-02T00:00:00Z' }] } }, 400],
    ['one window only', { method: 'POST', url: '/api/analysis/collision', payload: { windows: [{ lon: 103, lat: 36, radiusM: 100, from: '2026-11-01T00:00:00Z', to: '2026-11-02T00:00:00Z' }] } }, 400],
    ['coordinates as strings', { method: 'POST', url: '/api/analysis/collision', payload: { windows: [{ lon: 'east', lat: 36, radiusM: 100, from: '2026-11-01T00:00:00Z', to: '2026-11-02T00:00:00Z' }, { lon: 103, lat: 36, radiusM: 100, from: '2026-11-01T00:00:00Z', to: '2026-11-02T00:00:00Z' }] } }, 400],
    ['body not JSON', { method: 'POST', url: '/api/analysis/collision', headers: { 'content-type': 'application/json' }, payload: '{"windows": [' }, 400],
    ['extra property', { method: 'POST', url: '/api/resolution/confirm', payload: { eids: [E.P1, E.P3], match: true, reason: 'x y', $where: '1' } }, 400],
    ['merge wrong types', { method: 'POST', url: '/api/resolution/merge', payload: { survivor: 42, merged: 'P-FX3', reason: true } }, 400],
    ['merge into itself', { method: 'POST', url: '/api/resolution/merge', payload: { survivor: E.P1, merged: [E.P1], reason: '同一人' } }, 400],
    ['bbox half given', { url: `/api/layers/heat?${WINDOW}&minLon=103` }, 400],
    ['bbox inverted', { url: `/api/layers/heat?${WINDOW}&minLon=104&maxLon=103&minLat=35&maxLat=37` }, 400],
    ['h3 resolution 15', { url: `/api/layers/hexbin?${WINDOW}&resolution=15` }, 400],
  ];
  for (const [name, req, status] of cases) {
    it(name, async () => {
      const before = await fingerprint();
      const role = (req.url as string).includes('/layers/') ? 'planner' : 'analyst';
      const res = await as(app, 'province', role, role === 'planner' ? null : undefined)(req);
      expect(res.statusCode, res.body).toBe(status);
      expect(res.json().message.length).toBeGreaterThan(5);
      expect(res.json().code).toMatch(/^ONEMAP_ERR_/);
      expect(await fingerprint()).toBe(before);
    });
  }

  it('a malformed purpose is a 400 naming the bad part', async () => {
    const res = await as(app, 'province', 'officer', { kind: 'curiosity', caseNumber: 'A1234', text: '想看看' })({ url: `/api/entities/${E.P1}` });
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toContain('purpose.kind');
    const bad = await as(app, 'province', 'officer', null)({ url: `/api/entities/${E.P1}`, headers: { 'x-onemap-purpose': 'not json' } });
    expect(bad.statusCode).toBe(400);
  });

  it('a huge body is refused with 413 and the server stays up', async () => {
    const before = await fingerprint();
    const res = await as(app, 'province', 'analyst')({ method: 'POST', url: '/api/resolution/confirm', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ eids: [E.P1, E.P3], match: true, reason: 'x'.repeat(200_000) }) });
    expect(res.statusCode).toBe(413);
    expect(res.json().code).toBe('ONEMAP_ERR_PAYLOAD_TOO_LARGE');
    expect(await fingerprint()).toBe(before);
    expect((await app.inject('/health')).statusCode).toBe(200);
    expect((await as(app, 'province', 'officer')({ url: `/api/entities/${E.P1}` })).statusCode).toBe(200);
  });
});
