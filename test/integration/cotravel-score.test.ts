/**
 * Issue 17 part 3 through the real API on Neo4j: CO_TRAVELED is derived from how unlikely a
 * pair's co-occurrences are by chance, carries its score and reasons, and stays invisible to a
 * viewer who may not see every source it was derived from.
 * Own ids: `P-FCT*`, `L-FCT*`; sightings from fx_open and (the hotel stay) fx_cond.
 */
import type { Graph } from '@onemap/graph-schema/server';
import { readTx, writeTx } from '@onemap/graph-schema/server';
import { deriveCoTravel } from '@onemap/resolver/derive';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clearGraph, openTestGraph } from '../helpers/graph.ts';
import { as, buildTestApp } from '../helpers/server-app.ts';
import { FX, seedServerFixture } from '../helpers/server-fixtures.ts';

const A = 'P-FCT-A'; // companions A and B: one train out, one hotel stay, one train back
const B = 'P-FCT-B';
const C = 'P-FCT-C'; // on A's train out only
const G = 'P-FCT-G'; // G and H: the same busy trains out and back, with 20 others, and nothing else
const H = 'P-FCT-H';
const CROWD = Array.from({ length: 20 }, (_, i) => `P-FCT-X${String(i).padStart(2, '0')}`);
const S1 = 'L-FCT-S1';
const S2 = 'L-FCT-S2';
const HOTEL = 'L-FCT-H1';

interface V {
  eid: string;
  place: string;
  at: string;
  until?: string;
  source: string;
  rid: string;
}
const visits: V[] = [];
const ride = (eid: string, tag: string, from: string, to: string, depart: string, arrive: string) => {
  visits.push({ eid, place: from, at: depart, source: FX.open, rid: `fx_open:ct-${eid}-${tag}` });
  visits.push({ eid, place: to, at: arrive, source: FX.open, rid: `fx_open:ct-${eid}-${tag}` });
};
for (const p of [A, B, C]) ride(p, 'out', S1, S2, '2026-11-05T01:00:00Z', '2026-11-05T03:00:00Z');
visits.push({
  eid: A,
  place: HOTEL,
  at: '2026-11-05T03:40:00Z',
  until: '2026-11-06T02:00:00Z',
  source: FX.cond,
  rid: 'fx_cond:ct-A-hotel',
});
visits.push({
  eid: B,
  place: HOTEL,
  at: '2026-11-05T03:44:00Z',
  until: '2026-11-06T02:03:00Z',
  source: FX.cond,
  rid: 'fx_cond:ct-B-hotel',
});
for (const p of [A, B]) ride(p, 'back', S2, S1, '2026-11-06T05:00:00Z', '2026-11-06T07:00:00Z');
for (const p of [G, H, ...CROWD]) {
  ride(p, 'busy1', S1, S2, '2026-11-07T00:00:00Z', '2026-11-07T02:00:00Z');
  ride(p, 'busy2', S2, S1, '2026-11-08T10:00:00Z', '2026-11-08T12:00:00Z');
}
const persons = [A, B, C, G, H, ...CROWD];

let graph: Graph;
let app: FastifyInstance;

async function coTraveled(viewer: ReturnType<typeof as>, eid: string) {
  const res = await viewer({ method: 'GET', url: `/api/entities/${eid}/relations?types=CO_TRAVELED&depth=1` });
  expect(res.statusCode, res.body).toBe(200);
  const body = res.json() as { edges: { from: string; to: string; type: string; props: Record<string, unknown> }[] };
  return body.edges.filter((e) => e.type === 'CO_TRAVELED');
}

beforeAll(async () => {
  graph = openTestGraph();
  await clearGraph(graph);
  await seedServerFixture(graph);
  await writeTx(graph, async (tx) => {
    await tx.run(
      `UNWIND $places AS eid CREATE (l:Entity:Place {eid: eid, name: eid, placeKind: 'rail_station', searchText: eid})
       CREATE (r:SourceRecord {rid: 'fx_open:' + eid, source: $open, recordId: eid, receivedAt: datetime('2026-11-01T00:00:00Z'), attrs: '{}'})
       CREATE (r)-[:RESOLVED_TO {role: 'place', decision: 'anchor', score: 1.0, at: datetime()}]->(l)`,
      { places: [S1, S2, HOTEL], open: FX.open },
    );
    await tx.run(
      `UNWIND $persons AS eid CREATE (p:Entity:Person {eid: eid, name: eid, searchText: eid, unitCode: '620102',
                                       provenance: '{"name":{"source":"fx_open","rid":"fx_open:' + eid + '"}}'})
       CREATE (r:SourceRecord {rid: 'fx_open:' + eid, source: $open, recordId: eid, receivedAt: datetime('2026-11-01T00:00:00Z'),
                               attrs: '{"person":{"name":"' + eid + '"}}'})
       CREATE (r)-[:RESOLVED_TO {role: 'person', decision: 'anchor', score: 1.0, at: datetime()}]->(p)`,
      { persons, open: FX.open },
    );
    await tx.run(
      `UNWIND $visits AS v MATCH (p:Person {eid: v.eid}), (l:Place {eid: v.place})
       CREATE (p)-[:VISITED {at: datetime(v.at), until: CASE WHEN v.until IS NULL THEN null ELSE datetime(v.until) END,
                             kind: 'trip', source: v.source, rid: v.rid, place: l.eid}]->(l)`,
      { visits },
    );
  });
  // a count-based edge left by the old rule for strangers must not survive the recomputation
  await writeTx(graph, (tx) =>
    tx.run(
      `MATCH (g:Person {eid: $g}), (h:Person {eid: $h}) CREATE (g)-[:CO_TRAVELED {count: 2, sources: [$open]}]->(h)`,
      { g: G, h: H, open: FX.open },
    ),
  );
  await deriveCoTravel(graph, persons, { toleranceMinutes: 30, minCount: 2 });
  app = await buildTestApp();
});

afterAll(async () => {
  await app?.close();
  await graph?.driver.close();
});

describe('CO_TRAVELED scored by chance (issue 17, part 3)', () => {
  it('companions get one edge with a score above the threshold and their legs as reasons', async () => {
    const edges = await coTraveled(as(app, 'county', 'analyst'), A);
    expect(edges.map((e) => [e.from, e.to])).toEqual([[A, B]]);
    const p = edges[0]!.props as {
      score: number;
      count: number;
      reasons: Record<string, unknown> & { top: Record<string, unknown>[]; minScore: number };
    };
    expect(p.score).toBeGreaterThanOrEqual(p.reasons.minScore);
    expect(p.reasons).toMatchObject({ legs: 3, places: 3, days: 2, chainedLegs: 1 });
    expect(p.reasons.top.map((l) => l.place)).toContain(HOTEL);
    // listed by time: their order by surprise would rank places by their crowds, hidden persons included
    const ats = p.reasons.top.map((l) => String(l.at));
    expect(ats).toEqual([...ats].sort());
    // a leg's crowd and surprise count persons of every source: never in an answer, nor the
    // population, and the scores (sums of such surprises) only to half a unit
    expect(p.reasons).not.toHaveProperty('population');
    expect(Number.isInteger(p.score * 2) && Number.isInteger(p.reasons.minScore * 2)).toBe(true);
    for (const leg of p.reasons.top) {
      expect(leg).not.toHaveProperty('crowd');
      expect(leg).not.toHaveProperty('surprise');
    }
    expect(p.count).toBe(5); // (place, day): S1, S2, the hotel on the 5th; S2, S1 on the 6th
  });

  it("a stranger on the companions' train is not a companion (one leg)", async () => {
    expect(await coTraveled(as(app, 'county', 'analyst'), C)).toEqual([]);
  });

  it('two strangers on the same crowded trains out and back get no edge, and the old count-based edge is gone', async () => {
    expect(await coTraveled(as(app, 'county', 'analyst'), G)).toEqual([]);
    const left = await readTx(graph, async (tx) =>
      (await tx.run(`MATCH (:Person {eid: $g})-[c:CO_TRAVELED]-() RETURN count(c) AS n`, { g: G })).records[0]?.get(
        'n',
      ),
    );
    expect(Number(left)).toBe(0);
  });

  it('a viewer without a grant on the hotel source does not see the edge derived from it', async () => {
    expect(await coTraveled(as(app, 'otherCity', 'analyst'), A)).toEqual([]);
  });

  it('an officer may not ask for relations at all', async () => {
    const res = await as(
      app,
      'county',
      'officer',
    )({ method: 'GET', url: `/api/entities/${A}/relations?types=CO_TRAVELED` });
    expect(res.statusCode).toBe(403);
  });

  it('recomputing is idempotent: the same edges, score and reasons', async () => {
    const before = await coTraveled(as(app, 'county', 'analyst'), A);
    await deriveCoTravel(graph, [A, B], { toleranceMinutes: 30, minCount: 2 });
    expect(await coTraveled(as(app, 'county', 'analyst'), A)).toEqual(before);
  });
});
