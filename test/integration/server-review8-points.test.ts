/**
 * The eighth review's known channel "spatial filters read the node's point", closed (s16point):
 * a spatial filter (a collision circle or polygon, a co-location radius, the facilities layer)
 * answers for a place as it would if the hidden records did not exist.
 * - A hidden record stating the same point as a visible one, received last, became the point's
 *   provenance (`lon`'s source): `VISIBLE_POINT` read only that, so the place dropped out of every
 *   spatial filter for a viewer who sees the visible record stating the point. Now it also holds
 *   when a record of a visible source states the node's point (the place facts'
 *   `pointStatements`, kept by the writers: `recountPlaceFacts` here, as a split or undo runs it).
 * - A place whose only point a hidden source states is still never found (kept).
 * The nodes are written as the writers leave them: the point's provenance names the latest record
 * stating it, and the facts are the writers' recount.
 */
import { type Graph, recountPlaceFacts, writeTx } from '@onemap/graph-schema/server';
import type { FastifyInstance } from 'fastify';
import { describe, expect, it } from 'vitest';
import { as, useServerApp } from '../helpers/server-app.ts';
import { FX } from '../helpers/server-fixtures.ts';

let graph: Graph;
let app: FastifyInstance;

useServerApp({ RATE_LIMIT_PER_MINUTE: 1_000_000, LAYER_CACHE_MS: 0 }, (s) => {
  ({ app, graph } = s);
});

const FROM = '2026-09-20T00:00:00Z';
const TO = '2026-09-21T00:00:00Z';
/** SAME: an open record states X; a closed one states X too, later. HIDDEN: only a closed record states Z. */
const SAME = 'L-S16S';
const HIDDEN = 'L-S16H';
const X = [103.611, 36.311];
const Z = [103.631, 36.331];
/** At SAME and at HIDDEN at 09:00; NEAR at SAME at 09:10 (co-location's other party). */
const AT_SAME = 'P-S16A';
const AT_HIDDEN = 'P-S16H';
const NEAR = 'P-S16B';

const prov = (rid: string) =>
  JSON.stringify({
    name: { source: FX.open, rid: `${FX.open}:s16s` },
    lon: { source: rid.split(':')[0], rid },
    lat: { source: rid.split(':')[0], rid },
  });
const attrs = (p: number[] | null) =>
  JSON.stringify({
    place: { name: '点位探针宾馆', placeKind: 'hotel', ...(p ? { lon: String(p[0]), lat: String(p[1]) } : {}) },
  });

async function seed(g: Graph) {
  await writeTx(g, async (tx) => {
    await tx.run(
      `CREATE (:Entity:Place {eid: $same, name: '点位探针宾馆', placeKind: 'hotel', unitCode: '620102', inSources: [$open],
                             location: point({longitude: $x[0], latitude: $x[1]}), provenance: $sameProv, searchText: 'x'})
       CREATE (:Entity:Place {eid: $hidden, name: '点位探针宾馆', placeKind: 'hotel', unitCode: '620102', inSources: [$closed, $open],
                             location: point({longitude: $z[0], latitude: $z[1]}), provenance: $hiddenProv, searchText: 'z'})`,
      {
        same: SAME,
        hidden: HIDDEN,
        x: X,
        z: Z,
        open: FX.open,
        closed: FX.closed,
        sameProv: prov(`${FX.open}:s16s`),
        hiddenProv: prov(`${FX.closed}:s16h`),
      },
    );
    const records = [
      { place: SAME, rid: `${FX.open}:s16s`, source: FX.open, at: '2026-09-01T00:00:00Z', attrs: attrs(X) },
      { place: HIDDEN, rid: `${FX.open}:s16h`, source: FX.open, at: '2026-09-01T00:00:00Z', attrs: attrs(null) },
      { place: HIDDEN, rid: `${FX.closed}:s16h`, source: FX.closed, at: '2026-09-02T00:00:00Z', attrs: attrs(Z) },
    ];
    await tx.run(
      `UNWIND $records AS x MATCH (p:Place {eid: x.place})
       CREATE (r:SourceRecord {rid: x.rid, source: x.source, recordId: x.rid, receivedAt: datetime(x.at), attrs: x.attrs})
       CREATE (r)-[:RESOLVED_TO {role: 'place', decision: 'new', score: 1.0, at: datetime()}]->(p)`,
      { records },
    );
    await tx.run(
      `UNWIND [[$a, $same, '09:00'], [$a, $hidden, '09:00'], [$b, $same, '09:10'], [$h, $hidden, '09:00']] AS v
       MERGE (e:Entity:Person {eid: v[0]}) ON CREATE SET e.name = '点位探针人', e.inSources = [$open], e.provenance = '{}'
       WITH e, v MATCH (p:Place {eid: v[1]})
       CREATE (e)-[:VISITED {at: datetime('2026-09-20T' + v[2] + ':00Z'), kind: 'hotel_stay', source: $open, rid: $open + ':s16v-' + v[0] + v[1], place: p.eid}]->(p)`,
      { a: AT_SAME, b: NEAR, h: AT_HIDDEN, same: SAME, hidden: HIDDEN, open: FX.open },
    );
    await recountPlaceFacts(tx, [SAME, HIDDEN]);
  });
}

/** A closed record stating X of SAME, received last: the point's provenance moves to it (as the chunk writer leaves the node). */
async function addHiddenSamePoint(g: Graph) {
  await writeTx(g, async (tx) => {
    await tx.run(
      `MATCH (p:Place {eid: $same})
       SET p.inSources = [$closed, $open], p.provenance = $prov
       CREATE (r:SourceRecord {rid: $rid, source: $closed, recordId: $rid, receivedAt: datetime('2026-09-05T00:00:00Z'), attrs: $attrs})
       CREATE (r)-[:RESOLVED_TO {role: 'place', decision: 'anchor', score: 1.0, at: datetime()}]->(p)`,
      {
        same: SAME,
        rid: `${FX.closed}:s16s`,
        prov: prov(`${FX.closed}:s16s`),
        attrs: attrs(X),
        closed: FX.closed,
        open: FX.open,
      },
    );
    await recountPlaceFacts(tx, [SAME]);
  });
}

const square = ([lon, lat]: number[], d: number) => ({
  type: 'Polygon',
  coordinates: [
    [
      [(lon as number) - d, (lat as number) - d],
      [(lon as number) + d, (lat as number) - d],
      [(lon as number) + d, (lat as number) + d],
      [(lon as number) - d, (lat as number) + d],
      [(lon as number) - d, (lat as number) - d],
    ],
  ],
});

/** Who a circle and a polygon around `p` both find, for a viewer at `level`. */
async function collisionAt(level: 'station' | 'province', p: number[]) {
  const res = await as(
    app,
    level,
    'analyst',
  )({
    method: 'POST',
    url: '/api/analysis/collision',
    payload: {
      windows: [
        { lon: p[0], lat: p[1], radiusM: 200, from: FROM, to: TO },
        { polygon: square(p, 0.002), from: FROM, to: TO },
      ],
    },
  });
  expect(res.statusCode).toBe(200);
  return (res.json().matches as { entity: { eid: string }; hits: { placeEid: string }[] }[])
    .filter((m) => m.entity.eid.startsWith('P-S16'))
    .map((m) => [m.entity.eid, [...new Set(m.hits.map((h) => h.placeEid))].sort()])
    .sort((a, b) => String(a[0]).localeCompare(String(b[0])));
}

async function coLocated(level: 'station' | 'province') {
  const res = await as(
    app,
    level,
    'analyst',
  )({ url: `/api/analysis/co-location?eid=${AT_SAME}&from=${FROM}&to=${TO}&radiusM=100&minCount=1&windowMinutes=30` });
  expect(res.statusCode).toBe(200);
  return (res.json().coLocated as { entity: { eid: string }; places: string[] }[]).map((c) => [c.entity.eid, c.places]);
}

async function facilities(level: 'otherCity' | 'province') {
  const res = await as(app, level, 'planner', null)({ url: '/api/layers/facilities' });
  expect(res.statusCode).toBe(200);
  return (res.json().features as { properties: { eid: string }; geometry: { coordinates: number[] } }[])
    .filter((f) => f.properties.eid.startsWith('L-S16'))
    .map((f) => [f.properties.eid, f.geometry.coordinates]);
}

describe('spatial filters decide on a point the viewer’s own records state', () => {
  it('a hidden record stating a visible point last leaves the place in collision circles and polygons, co-location radii and the facilities layer', async () => {
    await seed(graph);
    const before = {
      collision: await collisionAt('station', X),
      coLocation: await coLocated('station'),
      facilities: await facilities('otherCity'),
    };
    // the probe is real: the station finds the place by the point its open record states
    expect(before.collision).toEqual([
      [AT_SAME, [SAME]],
      [NEAR, [SAME]],
    ]);
    // (the same place is no spatial filter: who was at HIDDEN with the subject is found by it)
    expect(before.coLocation).toEqual([
      [NEAR, [SAME]],
      [AT_HIDDEN, [HIDDEN]],
    ]);
    expect(before.facilities).toEqual([[SAME, X]]);
    await addHiddenSamePoint(graph);
    expect({
      collision: await collisionAt('station', X),
      coLocation: await coLocated('station'),
      facilities: await facilities('otherCity'),
    }).toEqual(before);
  });

  it('a place whose only point a hidden source states is found by no spatial filter of a viewer who does not see it', async () => {
    expect(await collisionAt('station', Z)).toEqual([]);
    expect(await facilities('otherCity')).not.toContainEqual([HIDDEN, Z]);
    // the province sees the closed source: the same request finds both visitors there
    expect(await collisionAt('province', Z)).toEqual([
      [AT_SAME, [HIDDEN]],
      [AT_HIDDEN, [HIDDEN]],
    ]);
  });
});
