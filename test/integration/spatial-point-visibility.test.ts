/**
 * A place's point is shown, counted in a cell or found by a radius only when it was chosen from a
 * source the viewer may see (as profiles show it), and a home only at its ~1 km cell.
 */
import { coarseHomePosition } from '@onemap/graph-schema';
import { type Graph, writeTx } from '@onemap/graph-schema/server';
import type { FastifyInstance } from 'fastify';
import { describe, expect, it } from 'vitest';
import { readPlacesInJurisdiction } from '../../server/src/repositories/analysis.ts';
import { readFacilities } from '../../server/src/repositories/layers.ts';
import { as, useServerApp } from '../helpers/server-app.ts';
import { FX } from '../helpers/server-fixtures.ts';

let app: FastifyInstance;
let graph: Graph;
const HIDDEN_POINT = [103.9123, 36.1456];

/** A hotel whose visible (open) record names it, and whose point only the non-shared source states. */
async function seedHiddenPoint(g: Graph) {
  await writeTx(g, (tx) =>
    tx.run(
      `CREATE (e:Entity:Place {eid: 'L-PT1', name: '保密点宾馆', placeKind: 'hotel', unitCode: '620102',
                               location: point({longitude: $lon, latitude: $lat}), searchText: '保密点宾馆', provenance: $prov})
       CREATE (a:SourceRecord {rid: 'fx_open:pt1', source: $open, recordId: 'pt1', receivedAt: datetime('2026-10-01T00:00:00Z'),
                               attrs: '{"place":{"name":"保密点宾馆","placeKind":"hotel"}}'})
       CREATE (a)-[:RESOLVED_TO {role: 'place', decision: 'anchor', score: 1.0, at: datetime()}]->(e)
       CREATE (b:SourceRecord {rid: 'fx_closed:pt1', source: $closed, recordId: 'pt1', receivedAt: datetime('2026-10-02T00:00:00Z'),
                               attrs: '{"place":{"name":"保密点宾馆","placeKind":"hotel","lon":103.9123,"lat":36.1456}}'})
       CREATE (b)-[:RESOLVED_TO {role: 'place', decision: 'anchor', score: 1.0, at: datetime()}]->(e)`,
      {
        lon: HIDDEN_POINT[0],
        lat: HIDDEN_POINT[1],
        open: FX.open,
        closed: FX.closed,
        // as the writers store it (JSON.stringify of each property's chosen source)
        prov: JSON.stringify({ name: { source: FX.open, rid: 'fx_open:pt1' }, placeKind: { source: FX.open, rid: 'fx_open:pt1' }, lon: { source: FX.closed, rid: 'fx_closed:pt1' }, lat: { source: FX.closed, rid: 'fx_closed:pt1' } }),
      },
    ),
  );
}

/** A place whose point an open record states, and whose county code (its address's division) only the non-shared source. */
async function seedHiddenDivision(g: Graph) {
  await writeTx(g, (tx) =>
    tx.run(
      `CREATE (e:Entity:Place {eid: 'L-PT2', name: '公开点网吧', placeKind: 'internet_cafe', unitCode: '620199',
                               location: point({longitude: 103.7, latitude: 36.2}), searchText: '公开点网吧', provenance: $prov})
       CREATE (a:SourceRecord {rid: 'fx_open:pt2', source: $open, recordId: 'pt2', receivedAt: datetime('2026-10-01T00:00:00Z'),
                               attrs: '{"place":{"name":"公开点网吧","placeKind":"internet_cafe","lon":103.7,"lat":36.2}}'})
       CREATE (a)-[:RESOLVED_TO {role: 'place', decision: 'anchor', score: 1.0, at: datetime()}]->(e)
       CREATE (b:SourceRecord {rid: 'fx_closed:pt2', source: $closed, recordId: 'pt2', receivedAt: datetime('2026-10-02T00:00:00Z'),
                               attrs: '{"place":{"name":"公开点网吧","address":"兰州市某区保密路1号"}}'})
       CREATE (b)-[:RESOLVED_TO {role: 'place', decision: 'anchor', score: 1.0, at: datetime()}]->(e)`,
      {
        open: FX.open,
        closed: FX.closed,
        prov: JSON.stringify({ name: { source: FX.open, rid: 'fx_open:pt2' }, lon: { source: FX.open, rid: 'fx_open:pt2' }, lat: { source: FX.open, rid: 'fx_open:pt2' }, unitCode: { source: FX.closed, rid: 'fx_closed:pt2' } }),
      },
    ),
  );
}

useServerApp({ RATE_LIMIT_PER_MINUTE: 1_000_000, LAYER_CACHE_MS: 0 }, (s) => ({ app, graph } = s), async (g) => {
  await seedHiddenPoint(g);
  await seedHiddenDivision(g);
});

const facility = async (level: 'otherCity' | 'province') =>
  ((await as(app, level, 'planner', null)({ url: '/api/layers/facilities' })).json().features as { properties: { eid: string }; geometry: { coordinates: number[] } }[]).find(
    (f) => f.properties.eid === 'L-PT1',
  );

describe("a point only a hidden source states is nobody else's", () => {
  it('the facilities layer shows the place only to a viewer who sees the source of its point (the profile shows no position to the others either)', async () => {
    expect(await facility('otherCity')).toBeUndefined();
    expect((await as(app, 'otherCity', 'officer')({ url: '/api/entities/L-PT1' })).json().location).toBeNull();
    expect((await facility('province'))?.geometry.coordinates).toEqual(HIDDEN_POINT);
  });

  it('the hexbin layer counts a home at its ~1 km cell, never closer', async () => {
    const home = [103.8612, 36.0437]; // the fixture's home, L-FX4
    const cell = coarseHomePosition(home[0] as number, home[1] as number);
    const metres = (a: { lon: number; lat: number }, b: { lon: number; lat: number }) =>
      Math.hypot((a.lon - b.lon) * 111_000 * Math.cos((b.lat * Math.PI) / 180), (a.lat - b.lat) * 111_000);
    expect(metres(cell, { lon: home[0] as number, lat: home[1] as number })).toBeGreaterThan(250); // the test can tell them apart
    await writeTx(graph, (tx) =>
      tx.run(
        `MATCH (h:Place {eid: 'L-FX4'})
         UNWIND range(1, 6) AS i
         CREATE (e:Entity:Person {eid: 'P-RES' + i, name: '住户' + i, searchText: 'x', provenance: '{}', inSources: [$open]})
         CREATE (r:SourceRecord {rid: 'fx_open:res' + i, source: $open, recordId: 'res' + i, receivedAt: datetime('2026-11-02T00:00:00Z'), attrs: '{}'})
         CREATE (r)-[:RESOLVED_TO {role: 'person', decision: 'new', score: 1.0, at: datetime()}]->(e)
         CREATE (e)-[:VISITED {at: datetime('2026-11-03T20:00:00Z'), kind: 'residence', source: $open, rid: 'fx_open:resv' + i, place: h.eid}]->(h)`,
        { open: FX.open },
      ),
    );
    const q = `from=${encodeURIComponent('2026-11-03T00:00:00Z')}&to=${encodeURIComponent('2026-11-04T00:00:00Z')}`;
    // At the finest resolution (hexagons of ~175 m a side) the home's cell holds its cell's centre, not the home.
    const cells = (await as(app, 'otherCity', 'planner', null)({ url: `/api/layers/hexbin?${q}&resolution=9` })).json().cells as { lon: number; lat: number }[];
    expect(cells).toHaveLength(1);
    expect(metres(cells[0] as { lon: number; lat: number }, cell)).toBeLessThan(200);
  });

  it('a collision circle finds a sighting at that place only for a viewer who sees the source of its point', async () => {
    await writeTx(graph, (tx) =>
      tx.run(
        `MATCH (p:Place {eid: 'L-PT1'})
         CREATE (x:Entity:Person {eid: 'P-PTX', name: '丙', searchText: 'x', provenance: '{}', inSources: [$open]})
         CREATE (r:SourceRecord {rid: 'fx_open:ptx', source: $open, recordId: 'ptx', receivedAt: datetime('2026-11-02T00:00:00Z'), attrs: '{}'})
         CREATE (r)-[:RESOLVED_TO {role: 'person', decision: 'new', score: 1.0, at: datetime()}]->(x)
         CREATE (x)-[:VISITED {at: datetime('2026-11-05T09:00:00Z'), kind: 'hotel_stay', source: $open, rid: 'fx_open:ptxv', place: p.eid}]->(p)`,
        { open: FX.open },
      ),
    );
    const w = { lon: HIDDEN_POINT[0], lat: HIDDEN_POINT[1], radiusM: 1, from: '2026-11-05T00:00:00Z', to: '2026-11-06T00:00:00Z' };
    const matches = async (level: 'otherCity' | 'province') =>
      ((await as(app, level, 'analyst')({ method: 'POST', url: '/api/analysis/collision', payload: { windows: [w, w] } })).json().matches as { entity: { eid: string } }[]).map((m) => m.entity.eid);
    expect(await matches('otherCity')).not.toContain('P-PTX');
    expect(await matches('province')).toContain('P-PTX');
  });

  it('places a viewer may not see do not fill the co-location cap (the answer and truncatedBy stay as they were)', async () => {
    const url = `/api/analysis/co-location?eid=P-FX3&from=${encodeURIComponent('2026-11-01T00:00:00Z')}&to=${encodeURIComponent('2026-11-02T00:00:00Z')}&radiusM=2000&minCount=1&windowMinutes=30`;
    const ask = async () => (await as(app, 'otherCity', 'analyst')({ url })).json() as { coLocated: { entity: { eid: string } }[]; truncatedBy: { nearbyPlaces: boolean } };
    const before = await ask();
    await writeTx(graph, (tx) =>
      tx.run(
        `MATCH (h:Place {eid: 'L-FX1'})
         UNWIND range(1, 80) AS i
         CREATE (e:Entity:Place {eid: 'L-HID' + i, name: '隐藏点' + i, placeKind: 'other', location: point({longitude: h.location.x + i * 0.00005, latitude: h.location.y}), provenance: '{}', inSources: [$closed]})
         CREATE (r:SourceRecord {rid: 'fx_closed:hid' + i, source: $closed, recordId: 'hid' + i, receivedAt: datetime('2026-10-01T00:00:00Z'), attrs: '{}'})
         CREATE (r)-[:RESOLVED_TO {role: 'place', decision: 'anchor', score: 1.0, at: datetime()}]->(e)`,
        { closed: FX.closed },
      ),
    );
    const after = await ask();
    expect(after.truncatedBy.nearbyPlaces).toBe(before.truncatedBy.nearbyPlaces);
    expect(after.coLocated.map((c) => c.entity.eid)).toEqual(before.coLocated.map((c) => c.entity.eid));
    expect((await as(app, 'province', 'analyst')({ url })).json().truncatedBy.nearbyPlaces).toBe(true); // the places are there, for who may see them
  });
});

describe("a county code only a hidden source's address gives is nobody else's either", () => {
  it('a collision by jurisdiction finds the place, and the facilities layer names its county, only for a viewer who sees that source', async () => {
    expect(await readPlacesInJurisdiction(graph, '620199', [FX.open])).toEqual([]);
    expect(await readPlacesInJurisdiction(graph, '620199', [FX.open, FX.closed])).toEqual(['L-PT2']);
    const county = async (vs: string[]) => (await readFacilities(graph, { vs, bbox: null }, 1000)).find((f) => f.eid === 'L-PT2')?.unitCode;
    expect(await county([FX.open])).toBeNull();
    expect(await county([FX.open, FX.closed])).toBe('620199');
  });
});
