/** The demo seed: units, catalog sources and demo users that can log in, at every level. */
import type { Graph } from '@onemap/graph-schema/server';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, DEMO_USERS, seed } from '../../server/src/cli/seed.ts';
import { clearGraph, openTestGraph } from '../helpers/graph.ts';
import { buildTestApp } from '../helpers/server-app.ts';

let graph: Graph;
let app: FastifyInstance;
beforeAll(async () => {
  graph = openTestGraph();
  await clearGraph(graph);
  await seed(graph, { users: true });
  await seed(graph, { users: true }); // idempotent
  app = await buildTestApp({ RATE_LIMIT_PER_MINUTE: 1_000_000 });
});
afterAll(async () => {
  await app?.close();
  await graph?.driver.close();
});

describe('demo seed', () => {
  it('every demo user logs in and sees the catalog as their unit should', async () => {
    const levels = new Set<string>();
    for (const [username] of DEMO_USERS) {
      const login = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password: DEMO_PASSWORD } });
      expect(login.statusCode, username).toBe(200);
      const me = (await app.inject({ url: '/api/auth/me', headers: { authorization: `Bearer ${login.json().token}` } })).json();
      levels.add(me.unitLevel);
      const cat = (await app.inject({ url: '/api/catalog', headers: { authorization: `Bearer ${login.json().token}` } })).json();
      const household = cat.items.find((s: { id: string }) => s.id === 'household');
      const incident = cat.items.find((s: { id: string }) => s.id === 'incident');
      // household: conditional, owned by the province, granted to Lanzhou (620100) and so to the units below it.
      expect(household.access.visible, username).toBe(me.unitCode.startsWith('6201') || me.unitCode === '620000');
      // incident: not shared, owned by the province.
      expect(incident.access.visible, username).toBe(me.unitCode === '620000');
    }
    expect([...levels].sort()).toEqual(['city', 'county', 'province', 'station']);
  });
});
