/**
 * A lone API request's round trips to Neo4j (issue 15): a request's reads are auto-commit
 * statements on one READ session — one round trip a statement (RUN and PULL pipelined) — not a
 * managed transaction's BEGIN, RUN…, COMMIT, each its own wait. Counted by a Bolt proxy between
 * the app and Neo4j, never timed.
 */
import type { Graph } from '@onemap/graph-schema/server';
import { readTx, writeTx } from '@onemap/graph-schema/server';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BoltProxy, startBoltProxy } from '../helpers/bolt-proxy.ts';
import { testEnv } from '../helpers/env.ts';
import { clearGraph, openTestGraph } from '../helpers/graph.ts';
import { readProfile } from '../../server/src/repositories/entities.ts';
import type { Profile } from '../../server/src/schemas/entities.ts';
import { PROFILE_LIMITS, summaries } from '../../server/src/services/entity-view.ts';
import { as, buildTestApp, viewerFor } from '../helpers/server-app.ts';
import { E, FX, seedServerFixture } from '../helpers/server-fixtures.ts';

let app: FastifyInstance;
let graph: Graph;
let proxy: BoltProxy;
beforeAll(async () => {
  graph = openTestGraph();
  await clearGraph(graph);
  await seedServerFixture(graph);
  // a person known from the open source only, whose phone is named by a source another city may not see
  await writeTx(graph, (tx) =>
    tx.run(
      `CREATE (p:Entity:Person {eid: 'P-RT1', name: '孙丽', searchText: 'P-RT1', provenance: $pProv})
       CREATE (t:Entity:Phone {eid: 'T-RT1', name: '+8613700000071', number: '+8613700000071', searchText: '+8613700000071', provenance: $tProv})
       CREATE (r1:SourceRecord {rid: $open + ':rt1', source: $open, recordId: 'rt1', receivedAt: datetime('2026-10-02T00:00:00Z'), hash: 'rt1',
                                attrs: '{"person":{"name":"孙丽","phone":"+8613700000071"}}'})-[:RESOLVED_TO {role: 'person', decision: 'anchor', score: 1.0}]->(p)
       CREATE (r2:SourceRecord {rid: $open + ':rt1p', source: $open, recordId: 'rt1p', receivedAt: datetime('2026-10-02T00:00:00Z'), hash: 'rt1p',
                                attrs: '{"phone":{"phone":"+8613700000071"}}'})-[:RESOLVED_TO {role: 'phone', decision: 'anchor', score: 1.0}]->(t)
       CREATE (r3:SourceRecord {rid: $closed + ':rt1p', source: $closed, recordId: 'rt1p', receivedAt: datetime('2026-10-03T00:00:00Z'), hash: 'rt1pc',
                                attrs: '{"phone":{"phone":"+8613700000071"}}'})-[:RESOLVED_TO {role: 'phone', decision: 'anchor', score: 1.0}]->(t)
       CREATE (p)-[:HAS_PHONE {source: $open, rid: $open + ':rt1', role: 'suspect'}]->(t)`,
      {
        open: FX.open,
        closed: FX.closed,
        pProv: JSON.stringify({ name: { source: FX.open, rid: `${FX.open}:rt1` } }),
        tProv: JSON.stringify({ name: { source: FX.closed, rid: `${FX.closed}:rt1p` } }),
      },
    ),
  );
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

  it('a phone only its records can name for this viewer is read with the profile: one read and the audit entry', async () => {
    // another city's analyst sees the fixture's open source only: the phone's node was named by the closed one
    const get = as(app, 'otherCity', 'analyst');
    const viewer = await viewerFor(app, 'otherCity', 'analyst');
    expect((await get({ url: `/api/entities/${E.P2}` })).statusCode).toBe(404);
    const found = await readTx(graph, (tx) => readProfile({ tx }, 'P-RT1', viewer.visibleSources, PROFILE_LIMITS));
    // the case under test: the phone's record window came with the profile's statement
    expect(found?.relations.map((r) => [r.other, r.neighbourRecords?.length ?? null])).toEqual([['T-RT1', 1]]);
    proxy.reset();
    const res = await get({ url: '/api/entities/P-RT1' });
    expect(res.statusCode, res.body).toBe(200);
    // named from the record the viewer sees (masked by the viewer's rule for a phone), never from the hidden vote
    const phone = (res.json() as Profile).relations.find((r) => r.other.eid === 'T-RT1');
    expect(phone?.other.name).toBeTruthy();
    expect(phone?.other.name).toBe((await summaries(graph, ['T-RT1'], viewer)).get('T-RT1')?.name);
    expect(proxy.counts.roundTrips).toBe(2);
  });
});
