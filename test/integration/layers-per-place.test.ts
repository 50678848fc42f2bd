/**
 * The layer queries group visits per place before they test the place (its point, its county
 * code's provenance, whether any source calls it a home), and read the home from the node (kind,
 * `RESIDES_AT` degree, the place facts' `recordRoles`) and a residence trace from one index lookup
 * per answer, instead of scanning every counted place's records and visits. The answers
 * must be the ones the per-visit queries gave: this compares them, for viewers with different
 * sources (one of which may not see the source of a place's county code, another not its point),
 * with and without a trace-kind filter, on places that are homes in each of the ways a home is
 * known and on places without facts. The reference tests a home by its edges alone
 * (`IS_HOME_BY_EDGES`), so a place fact out of step with the edges fails here, and `IS_HOME` (which
 * reads the facts too) must name the same homes. Own ids: `L-LPP*`, `P-LPP*`, `V-LPP*`; window in 2027-03.
 */
import { coarseHomeLocationCypher } from '@onemap/graph-schema';
import { type Graph, readTx, writeTx } from '@onemap/graph-schema/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IS_HOME, VISIBLE_DIVISION, VISIBLE_POINT } from '../../server/src/repositories/cypher.ts';
import {
  countByDay,
  countByJurisdiction,
  countByPlace,
  type LayerFilter,
} from '../../server/src/repositories/layers.ts';
import { openTestGraph } from '../helpers/graph.ts';
import { rng } from '../helpers/rng.ts';

/** The reference: a home for some source by its node's kind and its edges alone (no place facts). */
const IS_HOME_BY_EDGES = (v: string) =>
  `(${v}.placeKind = 'home' OR EXISTS { MATCH (${v})<-[:RESIDES_AT]-() } OR EXISTS { MATCH (${v})<-[hr:RESOLVED_TO]-() WHERE hr.role = 'home' }
    OR EXISTS { MATCH (${v})<-[hv:VISITED]-() WHERE hv.kind = 'residence' })`;

const A = 'lpp_a';
const B = 'lpp_b';
const FROM = '2027-03-01T00:00:00.000Z';
const TO = '2027-03-08T00:00:00.000Z';

/** Places: eid, unit, position, kind, facts (null: none), provenance of unitCode and point. */
const PLACES = [
  {
    eid: 'L-LPP1',
    unit: '620102',
    lon: 103.81,
    lat: 36.01,
    kind: 'hotel',
    roles: [`${A}:place`],
    unitSrc: A,
    ptSrc: A,
  },
  {
    eid: 'L-LPP2',
    unit: '620102',
    lon: 103.812,
    lat: 36.012,
    kind: 'home',
    roles: [`${A}:place`],
    unitSrc: A,
    ptSrc: A,
  }, // home by kind
  {
    eid: 'L-LPP3',
    unit: '620103',
    lon: 103.7,
    lat: 36.1,
    kind: 'other',
    roles: [`${B}:place`],
    unitSrc: B,
    ptSrc: A,
    residesAt: true,
  }, // home by RESIDES_AT
  {
    eid: 'L-LPP4',
    unit: '620103',
    lon: 103.702,
    lat: 36.101,
    kind: 'other',
    roles: [`${A}:home`],
    unitSrc: A,
    ptSrc: A,
    homeRecord: true,
  }, // home by a record's role, facts
  {
    eid: 'L-LPP5',
    unit: '620102',
    lon: 103.83,
    lat: 36.03,
    kind: 'other',
    roles: null,
    unitSrc: A,
    ptSrc: A,
    homeRecord: true,
  }, // the same, no facts
  {
    eid: 'L-LPP6',
    unit: '620103',
    lon: 103.9,
    lat: 36.2,
    kind: 'other',
    roles: [`${B}:place`],
    unitSrc: A,
    ptSrc: B,
    residence: true,
  }, // home by a residence trace only; point from B
  {
    eid: 'L-LPP7',
    unit: '620199',
    lon: 103.811,
    lat: 36.011,
    kind: 'internet_cafe',
    roles: [`${A}:place`, `${B}:place`],
    unitSrc: B,
    ptSrc: A,
  }, // county code only B states
  { eid: 'L-LPP8', unit: '620102', lon: 103.6, lat: 36.3, kind: 'hotel', roles: null, unitSrc: null, ptSrc: null }, // no facts, no provenance
] as const;

let graph: Graph;

async function seed(g: Graph) {
  const r = rng(1203);
  const subjects = [
    ...Array.from({ length: 14 }, (_, i) => ({ eid: `P-LPP${i}`, label: 'Person' })),
    ...Array.from({ length: 4 }, (_, i) => ({ eid: `V-LPP${i}`, label: 'Vehicle' })),
  ];
  const visits: { s: string; p: string; at: string; kind: string; source: string; rid: string }[] = [];
  let n = 0;
  for (const s of subjects) {
    for (let i = 0; i < 9; i++) {
      const p = PLACES[Math.floor(r() * PLACES.length)] as (typeof PLACES)[number];
      const day = 1 + Math.floor(r() * 8); // some on 2027-03-08: outside the window
      const kind = p.eid === 'L-LPP6' && r() < 0.5 ? 'residence' : r() < 0.7 ? 'hotel_stay' : 'internet_login';
      visits.push({
        s: s.eid,
        p: p.eid,
        at: `2027-03-0${day}T${String(6 + Math.floor(r() * 12)).padStart(2, '0')}:00:00Z`,
        kind,
        source: r() < 0.6 ? A : B,
        rid: `lpp:${n++}`,
      });
    }
  }
  // one residence trace of L-LPP6 long before the window: a home is a home whenever it was said
  visits.push({ s: 'P-LPP0', p: 'L-LPP6', at: '2026-01-01T00:00:00Z', kind: 'residence', source: B, rid: 'lpp:res' });
  await writeTx(g, async (tx) => {
    await tx.run(
      `UNWIND $places AS x
       CREATE (p:Entity:Place {eid: x.eid, name: x.eid, placeKind: x.kind, unitCode: x.unit, location: point({longitude: x.lon, latitude: x.lat}),
                               recordRoles: x.roles, inSources: [$a, $b],
                               provenance: CASE WHEN x.unitSrc IS NULL THEN '{}' ELSE '{"lon":{"source":"' + x.ptSrc + '"},"lat":{"source":"' + x.ptSrc + '"},"unitCode":{"source":"' + x.unitSrc + '"}}' END})
       CREATE (sr:SourceRecord {rid: 'lpp:rec:' + x.eid, source: $a, recordId: x.eid, receivedAt: datetime('2027-01-01T00:00:00Z'), attrs: '{}'})
       CREATE (sr)-[:RESOLVED_TO {role: CASE WHEN x.homeRecord THEN 'home' ELSE 'place' END, decision: 'anchor', score: 1.0}]->(p)`,
      { places: PLACES.map((p) => ({ residesAt: false, homeRecord: false, ...p })), a: A, b: B },
    );
    await tx.run(
      `UNWIND $subjects AS x
       CALL (x) { WITH x WHERE x.label = 'Person' CREATE (:Entity:Person {eid: x.eid, name: x.eid, inSources: [$a, $b]}) }
       CALL (x) { WITH x WHERE x.label = 'Vehicle' CREATE (:Entity:Vehicle {eid: x.eid, name: x.eid, inSources: [$a, $b]}) }`,
      { subjects, a: A, b: B },
    );
    await tx.run(
      `UNWIND $visits AS x
       MATCH (s:Entity {eid: x.s}), (p:Entity {eid: x.p})
       CREATE (s)-[:VISITED {at: datetime(x.at), kind: x.kind, source: x.source, rid: x.rid, place: p.eid}]->(p)`,
      { visits },
    );
    await tx.run(
      `MATCH (s:Entity {eid: 'P-LPP1'}), (p:Entity {eid: 'L-LPP3'}) CREATE (s)-[:RESIDES_AT {source: $b, rid: 'lpp:ra'}]->(p)`,
      { b: B },
    );
  });
}

async function cleanup(g: Graph) {
  await writeTx(g, (tx) =>
    tx.run(
      `MATCH (n) WHERE n.eid STARTS WITH 'L-LPP' OR n.eid STARTS WITH 'P-LPP' OR n.eid STARTS WITH 'V-LPP' OR n.rid STARTS WITH 'lpp:' DETACH DELETE n`,
    ),
  );
}

beforeAll(async () => {
  graph = openTestGraph();
  await cleanup(graph);
  await seed(graph);
});
afterAll(async () => {
  await cleanup(graph);
  await graph.driver.close();
});

// --- the per-visit queries as they were before (the reference) ---------------------------------
const TRACE_WHERE = `v.source IN $vs AND v.at >= datetime($from) AND v.at < datetime($to) AND ($traceKinds IS NULL OR v.kind IN $traceKinds)`;
const BBOX_WHERE = `($bbox IS NULL OR (p.location.x >= $bbox.minLon AND p.location.x <= $bbox.maxLon AND p.location.y >= $bbox.minLat AND p.location.y <= $bbox.maxLat))`;
const params = (f: LayerFilter) => ({ from: f.from, to: f.to, traceKinds: f.traceKinds, vs: f.vs, bbox: f.bbox });

async function refByJurisdiction(f: LayerFilter, level: 'city' | 'county') {
  return readTx(graph, async (tx) => {
    const r = await tx.run(
      `MATCH (s:Entity)-[v:VISITED]->(p:Place)
       WHERE ${TRACE_WHERE} AND ${VISIBLE_DIVISION('p')}
       WITH CASE $level WHEN 'city' THEN substring(p.unitCode, 0, 4) + '00' ELSE substring(p.unitCode, 0, 6) END AS unit, s, v
       RETURN unit, count(DISTINCT CASE WHEN s:Person THEN s END) AS persons, count(DISTINCT s) AS subjects, count(v) AS traces ORDER BY unit`,
      { ...params(f), level },
    );
    return r.records.map((x) => x.toObject());
  });
}

async function refByPlace(f: LayerFilter) {
  return readTx(graph, async (tx) => {
    const r = await tx.run(
      `MATCH (s:Entity)-[v:VISITED]->(p:Place)
       WHERE ${TRACE_WHERE} AND ${VISIBLE_POINT('p')} AND ${BBOX_WHERE}
       WITH p, collect(DISTINCT s.eid) AS subjects, collect(DISTINCT CASE WHEN s:Person THEN s.eid END) AS persons, count(v) AS traces
       WITH p, subjects, persons, traces, ${IS_HOME_BY_EDGES('p')} AS home
       WITH p, subjects, persons, traces, home, ${coarseHomeLocationCypher('p', 'home')} AS at
       RETURN p.eid AS eid, at.x AS lon, at.y AS lat, subjects, persons, traces, home`,
      params(f),
    );
    return r.records.map((x) => x.toObject());
  });
}

async function refByDay(f: LayerFilter, unitCode: string | null) {
  return readTx(graph, async (tx) => {
    const r = await tx.run(
      `MATCH (s:Entity)-[v:VISITED]->(p:Place)
       WHERE ${TRACE_WHERE} AND ($unit IS NULL OR (p.unitCode STARTS WITH $unitPrefix AND ${VISIBLE_DIVISION('p')}))
       WITH toString(date(v.at)) AS day, s, v
       RETURN day, count(DISTINCT s) AS subjects, count(DISTINCT CASE WHEN s:Person THEN s END) AS persons, count(v) AS traces ORDER BY day`,
      { ...params(f), unit: unitCode, unitPrefix: unitCode ? unitCode.replace(/0+$/, '') : '' },
    );
    return r.records.map((x) => x.toObject());
  });
}

const byEid = (rows: Record<string, unknown>[]) =>
  rows
    .filter((x) => String(x.eid).startsWith('L-LPP'))
    .map((x) => ({
      ...x,
      eid: String(x.eid),
      home: x.home,
      subjects: [...(x.subjects as string[])].sort(),
      persons: [...(x.persons as string[])].sort(),
    }))
    .sort((a, b) => String(a.eid).localeCompare(String(b.eid)));

const VIEWS: { name: string; vs: string[]; traceKinds: string[] | null }[] = [
  { name: 'both sources', vs: [A, B], traceKinds: null },
  { name: `only ${A} (not the county code of L-LPP7 nor the point of L-LPP6)`, vs: [A], traceKinds: null },
  { name: `only ${B}`, vs: [B], traceKinds: null },
  { name: 'both, hotel stays only', vs: [A, B], traceKinds: ['hotel_stay'] },
  { name: 'both, residence only', vs: [A, B], traceKinds: ['residence'] },
  { name: 'none', vs: [], traceKinds: null },
];
const BBOX = { minLon: 103.5, minLat: 35.9, maxLon: 104, maxLat: 36.4 };

describe('layer queries per place answer as the per-visit queries did', () => {
  it('fixture: every way of being a home is there', async () => {
    const homes = await readTx(graph, (tx) =>
      tx.run(`MATCH (p:Place) WHERE p.eid STARTS WITH 'L-LPP' AND ${IS_HOME_BY_EDGES('p')} RETURN p.eid AS eid ORDER BY eid`),
    );
    expect(homes.records.map((x) => x.get('eid'))).toEqual(['L-LPP2', 'L-LPP3', 'L-LPP4', 'L-LPP5', 'L-LPP6']);
    const byFacts = await readTx(graph, (tx) =>
      tx.run(`MATCH (p:Place) WHERE p.eid STARTS WITH 'L-LPP' AND ${IS_HOME('p')} RETURN p.eid AS eid ORDER BY eid`),
    );
    expect(byFacts.records.map((x) => x.get('eid'))).toEqual(['L-LPP2', 'L-LPP3', 'L-LPP4', 'L-LPP5', 'L-LPP6']);
  });

  for (const view of VIEWS) {
    it(`${view.name}: jurisdictions, places and days`, async () => {
      const f: LayerFilter = { from: FROM, to: TO, traceKinds: view.traceKinds, vs: view.vs, bbox: null };
      // k = 1 keeps every county cell (which cells k drops from a city or a day: server-review8, R2)
      for (const level of ['city', 'county'] as const) {
        expect(await countByJurisdiction(graph, f, level, 1)).toEqual(await refByJurisdiction(f, level));
      }
      for (const bbox of [null, BBOX]) {
        const got = byEid(await countByPlace(graph, { ...f, bbox }));
        expect(got).toEqual(byEid(await refByPlace({ ...f, bbox })));
        if (view.vs.length === 2 && view.traceKinds === null)
          expect(got.filter((x) => x.home).map((x) => x.eid)).toEqual([
            'L-LPP2',
            'L-LPP3',
            'L-LPP4',
            'L-LPP5',
            'L-LPP6',
          ]);
      }
      for (const unit of [null, '620102', '620199', '620100']) {
        expect(await countByDay(graph, f, unit, 1)).toEqual(await refByDay(f, unit));
      }
    });
  }
});
