/**
 * An early-warning rule is of real-world entities, as a watch is: when a subject is merged into
 * another entity (an analyst's merge, a chain of them), the survivor's sightings fire the rule;
 * after the merge's undo the original eid's do again, and the survivor's no longer. A meeting or
 * gathering finds a merged-away subject's sightings (they moved to its survivor), and a known
 * companion merged into another entity is that entity, still known. The server lists the rule
 * with the eids its subjects have now and decides who may see it on the entities as they are now.
 * Regression: the evaluator and the server matched the rule by the eids it was made on, so after
 * a merge the rule went silent (`readActiveWarningRules`: `any(s IN w.subjects WHERE s IN $eids)`).
 */
import type { Graph } from '@onemap/graph-schema/server';
import { evaluateCoTravelWarnings, evaluateWarnings } from '@onemap/resolver/derive';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEnv } from '../helpers/env.ts';
import { AROUND_HOTEL_41 } from '../helpers/hotel-records.ts';
import { clearGraph, openTestGraph } from '../helpers/graph.ts';
import { as, buildTestApp } from '../helpers/server-app.ts';
import { FX, seedServerFixture } from '../helpers/server-fixtures.ts';

const CHANNEL = `onemap:events:warning-merges-${process.pid}`;
/** Persons of this file, each known through the open source (the station sees them). */
const P = {
  X1: 'P-WRX1',
  Y1: 'P-WRY1',
  X2: 'P-WRX2',
  Y2: 'P-WRY2',
  Z2: 'P-WRZ2',
  A3: 'P-WRA3',
  B3: 'P-WRB3',
  C3: 'P-WRC3',
  S4: 'P-WRS4',
  K4: 'P-WRK4',
  R4: 'P-WRR4',
  N4: 'P-WRN4',
  O4: 'P-WRO4',
} as const;
/** A vehicle and two checkpoints (the first merged into the second), each known through the open source. */
const V5 = 'V-WR5';
const CP = { A: 'L-WR-CPA', B: 'L-WR-CPB' } as const;
/** A place inside the rule's polygon, and one outside it. */
const IN = { eid: 'L-WR-IN', lon: 103.841, lat: 36.091 };
const OUT = { eid: 'L-WR-OUT', lon: 103.801, lat: 36.051 };
const inAMonth = () => new Date(Date.now() + 30 * 86_400_000).toISOString();

let graph: Graph;
let app: FastifyInstance;
let redis: Redis;
const q = (cypher: string, params: Record<string, unknown> = {}) =>
  graph.driver.executeQuery(cypher, params, { database: graph.database });

beforeAll(async () => {
  graph = openTestGraph();
  await clearGraph(graph);
  await seedServerFixture(graph);
  await q(
    `UNWIND $eids AS eid
     CREATE (p:Entity:Person {eid: eid, name: '预警' + eid, unitCode: '620102', searchText: eid, provenance: '{}'})
     CREATE (r:SourceRecord {rid: $open + ':' + eid, source: $open, recordId: eid, receivedAt: datetime('2026-10-02T00:00:00Z'), hash: eid,
                             attrs: '{"person":{"name":"预警' + eid + '"}}'})
     CREATE (r)-[:RESOLVED_TO {role: 'person', decision: 'anchor', score: 1.0, at: datetime()}]->(p)`,
    { eids: Object.values(P), open: FX.open },
  );
  await q(
    `CREATE (v:Entity:Vehicle {eid: $v, name: $v, plate: $v, searchText: $v, provenance: '{}'})
     WITH v UNWIND $checkpoints AS eid
     CREATE (:Entity:Place {eid: eid, name: eid, placeKind: 'checkpoint', unitCode: '620102', searchText: eid, provenance: '{}',
                            location: point({longitude: 103.85, latitude: 36.06})})`,
    { v: V5, checkpoints: Object.values(CP) },
  );
  await q(
    `UNWIND $known AS x MATCH (e:Entity {eid: x.eid})
     CREATE (r:SourceRecord {rid: $open + ':' + x.eid, source: $open, recordId: x.eid, receivedAt: datetime('2026-10-02T00:00:00Z'), hash: x.eid, attrs: '{}'})
     CREATE (r)-[:RESOLVED_TO {role: x.role, decision: 'anchor', score: 1.0, at: datetime()}]->(e)`,
    {
      known: [{ eid: V5, role: 'vehicle' }, ...Object.values(CP).map((eid) => ({ eid, role: 'checkpoint' }))],
      open: FX.open,
    },
  );
  await q(
    `UNWIND $places AS pl
     CREATE (p:Entity:Place {eid: pl.eid, name: pl.eid, placeKind: 'hotel', unitCode: '620102', provenance: '{}', searchText: pl.eid,
                             location: point({longitude: pl.lon, latitude: pl.lat})})`,
    { places: [IN, OUT] },
  );
  app = await buildTestApp({ EVENTS_CHANNEL: CHANNEL, RATE_LIMIT_PER_MINUTE: 1_000_000 });
  redis = new Redis(testEnv.REDIS_URL);
});
afterAll(async () => {
  redis?.disconnect();
  await app?.close();
  await graph?.driver.close();
});

const officer = () => as(app, 'station', 'officer');
const analyst = () => as(app, 'province', 'analyst');

/** The station officer makes a rule (the rule's view: the station's sources). */
async function makeRule(payload: Record<string, unknown>): Promise<string> {
  const res = await officer()({
    method: 'POST',
    url: '/api/warnings/rules',
    payload: { expiresAt: inAMonth(), ...payload },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id as string;
}

async function merge(survivor: string, merged: string): Promise<string> {
  const res = await analyst()({
    method: 'POST',
    url: '/api/resolution/merge',
    payload: { survivor, merged: [merged], reason: '同一人（预警合并测试）' },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id as string;
}

async function undo(decision: string): Promise<void> {
  const res = await analyst()({ method: 'POST', url: `/api/resolution/decisions/${decision}/undo` });
  expect(res.statusCode, res.body).toBe(200);
}

/** Writes a sighting of the open source (as the pipeline's trace writer does) and returns it as a touched fact. */
async function sighting(eid: string, place: string, rid: string, at: string) {
  await q(
    `MATCH (e:Entity {eid: $eid}), (p:Place {eid: $place})
     CREATE (e)-[:VISITED {rid: $rid, source: $source, at: datetime($at), kind: 'stay', place: p.eid}]->(p)`,
    { eid, place, rid, at, source: FX.open },
  );
  return { eid, type: 'trace' as const, at, source: FX.open, rid };
}

/** A rule's hits in the graph: the entities each names. */
async function hitEids(ruleId: string): Promise<string[][]> {
  const r = await q('MATCH (h:WarningHit {ruleId: $ruleId}) RETURN h.eids AS eids ORDER BY h.at, h.key', { ruleId });
  return r.records.map((x) => x.get('eids') as string[]);
}

describe('an early-warning rule follows its subjects through merges', () => {
  it('an area rule made on X fires for Y’s sightings once X was merged into Y; after the undo for X again, not for Y', async () => {
    const rule = await makeRule({
      name: '合并后进入',
      kind: 'area',
      subjects: [P.X1],
      polygon: AROUND_HOTEL_41,
      trigger: 'both',
    });
    await sighting(P.X1, OUT.eid, `${FX.open}:wr-x1-out`, '2026-11-01T08:00:00Z');
    const decision = await merge(P.Y1, P.X1);

    // The survivor enters: the rule made on X fires, naming the survivor.
    const enter = await sighting(P.Y1, IN.eid, `${FX.open}:wr-y1-in`, '2026-11-01T09:00:00Z');
    expect(await evaluateWarnings(graph, redis, [enter], CHANNEL)).toBe(1);
    expect(await hitEids(rule)).toEqual([[P.Y1]]);
    const listed = (await officer()({ url: '/api/warnings/rules' }))
      .json()
      .items.find((r: { id: string }) => r.id === rule);
    expect(listed).toMatchObject({ subjects: [P.X1], currentSubjects: [P.Y1] });
    const hits = (await officer()({ url: `/api/warnings/rules/${rule}/hits` })).json().items;
    expect(hits.map((h: { currentEids: string[] }) => h.currentEids)).toEqual([[P.Y1]]);

    await undo(decision);
    // Y is someone else again: its leaving fires nothing; X's (its earlier sighting moved back) fires.
    const yLeaves = await sighting(P.Y1, OUT.eid, `${FX.open}:wr-y1-out`, '2026-11-02T09:00:00Z');
    expect(await evaluateWarnings(graph, redis, [yLeaves], CHANNEL)).toBe(0);
    const xEnters = await sighting(P.X1, IN.eid, `${FX.open}:wr-x1-in`, '2026-11-02T10:00:00Z');
    expect(await evaluateWarnings(graph, redis, [xEnters], CHANNEL)).toBe(1);
    expect(await hitEids(rule)).toEqual([[P.Y1], [P.X1]]);
    const after = (await officer()({ url: '/api/warnings/rules' }))
      .json()
      .items.find((r: { id: string }) => r.id === rule);
    expect(after.currentSubjects).toEqual([P.X1]);
  });

  it('a sighting written under an eid merged away just after the write fires its survivor’s rules; a chain of merges is followed by the list too', async () => {
    const rule = await makeRule({
      name: '链式合并',
      kind: 'area',
      subjects: [P.X2],
      polygon: AROUND_HOTEL_41,
      trigger: 'enter',
    });
    await sighting(P.Y2, OUT.eid, `${FX.open}:wr-y2-out`, '2026-11-03T08:00:00Z');
    // Y2's sighting is written, then X2 and Y2 are merged into Z2 before the evaluator runs.
    const touched = await sighting(P.Y2, IN.eid, `${FX.open}:wr-y2-in`, '2026-11-03T09:00:00Z');
    await merge(P.Y2, P.X2);
    await merge(P.Z2, P.Y2);
    expect(await evaluateWarnings(graph, redis, [touched], CHANNEL)).toBe(1);
    expect(await hitEids(rule)).toEqual([[P.Z2]]);
    // X2 → Y2 → Z2: the rule is listed (its subject, as it is now, is visible) and names Z2.
    const listed = (await officer()({ url: '/api/warnings/rules' }))
      .json()
      .items.find((r: { id: string }) => r.id === rule);
    expect(listed).toMatchObject({ subjects: [P.X2], currentSubjects: [P.Z2] });
  });

  it('a meet rule whose one subject was merged away finds that subject’s sightings (now its survivor’s)', async () => {
    const rule = await makeRule({ name: '合并后碰面', kind: 'meet', subjects: [P.A3, P.B3], windowMinutes: 30 });
    await sighting(P.A3, IN.eid, `${FX.open}:wr-a3`, '2026-11-04T09:00:00Z');
    await merge(P.C3, P.A3);
    // B3 comes to where A3 (now C3) was ten minutes before: they meet.
    const b = await sighting(P.B3, IN.eid, `${FX.open}:wr-b3`, '2026-11-04T09:10:00Z');
    expect(await evaluateWarnings(graph, redis, [b], CHANNEL)).toBe(1);
    expect(await hitEids(rule)).toEqual([[P.B3, P.C3].sort()]);
  });

  it('co-travel: a known companion merged into another entity is still known; a new one fires, and once merged away is not new again', async () => {
    const edge = (a: string, b: string) =>
      q(
        `MATCH (a:Person {eid: $a}), (b:Person {eid: $b}) MERGE (a)-[c:CO_TRAVELED]->(b)
         SET c.count = 2, c.first = datetime('2026-11-05T12:00:00Z'), c.last = datetime('2026-11-06T12:00:00Z'), c.sources = [$open],
             c.source = $open, c.score = 9.0, c.reasons = '{}', c.toleranceMinutes = 30`,
        { a, b, open: FX.open },
      );
    await edge(P.S4, P.K4); // K4 is S4's companion when the rule is made
    const rule = await makeRule({ name: '新同行人', kind: 'cotravel', subjects: [P.S4] });
    // K4 is merged into R4: the edge moves to R4, which is the companion the rule knew.
    await merge(P.R4, P.K4);
    expect(await evaluateCoTravelWarnings(graph, redis, [P.S4], CHANNEL)).toBe(0);
    await edge(P.S4, P.N4);
    expect(await evaluateCoTravelWarnings(graph, redis, [P.S4], CHANNEL)).toBe(1);
    expect(await hitEids(rule)).toEqual([[P.S4, P.N4]]);
    // N4, fired for, is merged into O4: O4 is the companion the rule fired for, not a new one.
    await merge(P.O4, P.N4);
    expect(await evaluateCoTravelWarnings(graph, redis, [P.S4], CHANNEL)).toBe(0);
  });

  it('a checkpoint rule naming a checkpoint merged into another fires at the survivor', async () => {
    const rule = await makeRule({ name: '合并卡口', kind: 'checkpoint', subjects: [V5], placeEids: [CP.A] });
    await merge(CP.B, CP.A);
    const pass = await sighting(V5, CP.B, `${FX.open}:wr-v5-pass`, '2026-11-07T09:00:00Z');
    expect(await evaluateWarnings(graph, redis, [pass], CHANNEL)).toBe(1);
    expect(await hitEids(rule)).toEqual([[V5]]);
    const listed = (await officer()({ url: '/api/warnings/rules' }))
      .json()
      .items.find((r: { id: string }) => r.id === rule);
    expect(listed).toMatchObject({ placeEids: [CP.A], currentPlaceEids: [CP.B] });
  });
});
