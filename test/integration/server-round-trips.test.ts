/**
 * A lone API request's round trips to Neo4j (issue 15): a request's reads are auto-commit
 * statements on one READ session — one round trip a statement (RUN and PULL pipelined) — not a
 * managed transaction's BEGIN, RUN…, COMMIT, each its own wait. Counted by a Bolt proxy between
 * the app and Neo4j, never timed.
 */
import type { Graph } from '@onemap/graph-schema/server';
import { readTx } from '@onemap/graph-schema/server';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BoltProxy, startBoltProxy } from '../helpers/bolt-proxy.ts';
import { testEnv } from '../helpers/env.ts';
import { clearGraph, openTestGraph } from '../helpers/graph.ts';
import { readProfile } from '../../server/src/repositories/entities.ts';
import type { Profile } from '../../server/src/schemas/entities.ts';
import { PROFILE_LIMITS } from '../../server/src/services/entity-view.ts';
import { as, buildTestApp, viewerFor } from '../helpers/server-app.ts';
import { E, seedServerFixture } from '../helpers/server-fixtures.ts';

let app: FastifyInstance;
let graph: Graph;
let proxy: BoltProxy;
beforeAll(async () => {
  graph = openTestGraph();
  await clearGraph(graph);
  await seedServerFixture(graph);
  proxy = await startBoltProxy(testEnv.NEO4J_URI);
  // governance cached for the whole file: a request's round trips are its own reads and its audit entry
  app = await buildTestApp({ NEO4J_URI: proxy.uri, ACCESS_CACHE_MS: 600_000, RATE_LIMIT_PER_MINUTE: 1_000_000 });
});
afterAll(async () => {
  await app?.close();
  await proxy?.close();
  await graph?.driver.close();
});

describe('a lone request’s round trips to Neo4j', () => {
  it('a profile: one round trip a statement, no BEGIN or COMMIT, at most 3 (its one or two reads and its audit entry)', async () => {
    const get = as(app, 'county', 'analyst');
    // warm: governance cached, the audit head known to this process (its entry is then one statement)
    expect((await get({ url: `/api/entities/${E.P2}` })).statusCode).toBe(200);
    const seen: Record<string, unknown>[] = [];
    for (const eid of [E.P1, E.P2, E.P3, E.hotel, E.home, E.org, E.vehicle]) {
      proxy.reset();
      const res = await get({ url: `/api/entities/${eid}` });
      expect(res.statusCode, `${eid}: ${res.body}`).toBe(200);
      const { roundTrips, messages } = proxy.counts;
      seen.push({ eid, roundTrips, ...messages });
      expect(messages.BEGIN ?? 0, eid).toBe(0);
      expect(messages.COMMIT ?? 0, eid).toBe(0);
      expect(roundTrips, eid).toBe(messages.RUN);
      expect(roundTrips, eid).toBeLessThanOrEqual(3);
    }
    // the fixture has profiles of both shapes: read in one statement, and in two (trace places read record by record)
    expect(new Set(seen.map((s) => s.roundTrips))).toEqual(new Set([2, 3]));
  });

  it('a neighbour only its records can name for this viewer is read with the profile: one read and the audit entry', async () => {
    // another city's analyst sees the fixture's open source only: P1 is known from sources it may not see
    const get = as(app, 'otherCity', 'analyst');
    const viewer = await viewerFor(app, 'otherCity', 'analyst');
    expect((await get({ url: `/api/entities/${E.P2}` })).statusCode).toBe(404);
    for (const eid of [E.phone, E.vehicle]) {
      const found = await readTx(graph, (tx) => readProfile({ tx }, eid, viewer.visibleSources, PROFILE_LIMITS));
      // the case under test: a neighbour not seen whole, its record window read in the profile's statement
      const notWhole = found?.relations.filter((r) => r.neighbourRecords !== null) ?? [];
      expect(notWhole.map((r) => r.other), eid).toContain(E.P1);
      proxy.reset();
      const res = await get({ url: `/api/entities/${eid}` });
      expect(res.statusCode, `${eid}: ${res.body}`).toBe(200);
      expect((res.json() as Profile).relations.map((r) => r.other.eid), eid).toContain(E.P1);
      expect(proxy.counts.roundTrips, eid).toBe(2);
    }
  });
});
