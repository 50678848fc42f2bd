import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clearGraph, openTestGraph } from '../helpers/graph.ts';
import { as, buildTestApp } from '../helpers/server-app.ts';
import { E, seedServerFixture } from '../helpers/server-fixtures.ts';
import type { Graph } from '@onemap/graph-schema/server';

let graph: Graph;
let app: FastifyInstance;
beforeAll(async () => {
  graph = openTestGraph();
  await clearGraph(graph);
  await seedServerFixture(graph);
  app = await buildTestApp();
});
afterAll(async () => {
  await app?.close();
  await graph?.driver.close();
});

describe('smoke', () => {
  it('profile', async () => {
    const r = await as(app, 'province', 'officer')({ url: `/api/entities/${E.P1}` });
    console.log(r.statusCode, JSON.stringify(r.json(), null, 1).slice(0, 3000));
    const s = await as(app, 'station', 'officer')({ url: `/api/search?q=张伟` });
    console.log(s.statusCode, s.body.slice(0, 1000));
    const t = await as(app, 'station', 'officer')({ url: `/api/entities/${E.P1}/trajectory?from=2026-11-01T00:00:00Z&to=2026-11-03T00:00:00Z` });
    console.log(t.statusCode, t.body.slice(0, 1500));
    const rel = await as(app, 'county', 'analyst')({ url: `/api/entities/${E.P1}/relations?depth=2` });
    console.log(rel.statusCode, rel.body.slice(0, 1500));
    const p = await as(app, 'county', 'analyst')({ url: `/api/paths?from=${E.P1}&to=${E.P3}` });
    console.log(p.statusCode, p.body.slice(0, 1500));
    const c = await as(app, 'county', 'analyst')({ url: `/api/analysis/co-travel?eid=${E.P1}&from=2026-11-01T00:00:00Z&to=2026-11-03T00:00:00Z&minCount=1` });
    console.log(c.statusCode, c.body.slice(0, 1500));
    const l = await as(app, 'province', 'planner', null)({ url: `/api/layers/jurisdictions?from=2026-11-01T00:00:00Z&to=2026-11-03T00:00:00Z` });
    console.log(l.statusCode, l.body.slice(0, 1500));
    const h = await as(app, 'province', 'planner', null)({ url: `/api/layers/hexbin?from=2026-11-01T00:00:00Z&to=2026-11-03T00:00:00Z` });
    console.log(h.statusCode, h.body.slice(0, 500));
    const v = await as(app, 'province', 'auditor', null)({ url: `/api/audit/verify` });
    console.log(v.statusCode, v.body.slice(0, 1500));
    expect(r.statusCode).toBe(200);
  });
});
