/**
 * Issue 12, classes 5, 11 and 12 through the real API: every layer is computed from what the
 * viewer's visible sources say (never from node values merged over all sources), homes are never
 * returned, aggregates cover whole days only, published counts are rounded so a one-person
 * difference between overlapping queries does not show, and a suppressed cell is never counted.
 * Own ids: `L-FXA*`, `P-FXA*`.
 */
import type { Graph } from '@onemap/graph-schema/server';
import { writeTx } from '@onemap/graph-schema/server';
import type { FastifyInstance } from 'fastify';
import { describe, expect, it } from 'vitest';
import { as, useServerApp } from '../helpers/server-app.ts';
import { E, FX } from '../helpers/server-fixtures.ts';

const MERGED = 'L-FXA1'; // a hotel the non-shared source calls an incident site
const HOME = 'L-FXA2'; // a home the node calls `other`
const HOME_LON = 103.9133;
const HOME_LAT = 36.1177;

let graph: Graph;
let app: FastifyInstance;

useServerApp(
  { RATE_LIMIT_PER_MINUTE: 1_000_000, LAYER_CACHE_MS: 0 },
  (s) => {
    ({ app, graph } = s);
  },
  async (graph) => {
    await writeTx(graph, async (tx) => {
      await tx.run(
        `CREATE (m:Entity:Place {eid: $merged, name: '城关合并宾馆', placeKind: 'incident_site', unitCode: '620102', location: point({longitude: 103.85, latitude: 36.08}), provenance: '{}'})
         CREATE (a:SourceRecord {rid: 'fx_open:a1', source: $open, recordId: 'a1', receivedAt: datetime('2026-10-01T00:00:00Z'), attrs: '{"place":{"name":"城关合并宾馆","placeKind":"hotel"}}'})
         CREATE (a)-[:RESOLVED_TO {role: 'place', decision: 'anchor', score: 1.0, at: datetime()}]->(m)
         CREATE (b:SourceRecord {rid: 'fx_closed:a1', source: $closed, recordId: 'a1', receivedAt: datetime('2026-10-09T00:00:00Z'), attrs: '{"site":{"name":"城关合并宾馆","placeKind":"incident_site"}}'})
         CREATE (b)-[:RESOLVED_TO {role: 'site', decision: 'match', score: 0.9, at: datetime()}]->(m)
         CREATE (h:Entity:Place {eid: $home, name: '城关区隐秘巷3号', placeKind: 'other', unitCode: '620102', location: point({longitude: $lon, latitude: $lat}), provenance: '{}'})
         CREATE (c:SourceRecord {rid: 'fx_open:a2', source: $open, recordId: 'a2', receivedAt: datetime('2026-10-01T00:00:00Z'), attrs: '{"home":{"name":"城关区隐秘巷3号","placeKind":"home"}}'})
         CREATE (c)-[:RESOLVED_TO {role: 'home', decision: 'anchor', score: 1.0, at: datetime()}]->(h)`,
        { merged: MERGED, home: HOME, open: FX.open, closed: FX.closed, lon: HOME_LON, lat: HOME_LAT },
      );
      // six residents of the home on 2026-11-05 (enough for k), one lone visitor of the hotel at 2026-11-06 14:00
      await tx.run(
        `UNWIND range(1, 6) AS i
         MATCH (h:Place {eid: $home})
         CREATE (p:Entity:Person {eid: 'P-FXA' + i, name: '丙' + i, provenance: '{}'})
         CREATE (r:SourceRecord {rid: 'fx_open:ah' + i, source: $open, recordId: 'ah' + i, receivedAt: datetime('2026-11-05T00:00:00Z'), attrs: '{"person":{"name":"丙"}}'})
         CREATE (r)-[:RESOLVED_TO {role: 'person', decision: 'new', score: 1.0, at: datetime()}]->(p)
         CREATE (p)-[:RESIDES_AT {source: $open, rid: 'fx_open:ah' + i}]->(h)
         CREATE (p)-[:VISITED {at: datetime('2026-11-05T20:00:00Z'), kind: 'residence', source: $open, rid: 'fx_open:ahv' + i, place: h.eid}]->(h)`,
        { home: HOME, open: FX.open },
      );
      await tx.run(
        `MATCH (p:Person {eid: $p}), (h:Place {eid: $hotel})
         CREATE (p)-[:VISITED {at: datetime('2026-11-06T14:00:00Z'), kind: 'hotel_stay', source: $open, rid: 'fx_open:lone', place: h.eid}]->(h)`,
        { p: E.P3, hotel: E.hotel, open: FX.open },
      );
    });
  },
);

const planner = (level: 'otherCity' | 'county' | 'province' = 'otherCity') => as(app, level, 'planner', null);

describe('layers are computed from the viewer’s visible sources, never homes (12.5)', () => {
  it('a hotel another unit’s non-shared source calls an incident site stays a hotel for a unit that cannot see it', async () => {
    const mine = await planner()({ url: '/api/layers/facilities' });
    const f = mine.json().features.find((x: any) => x.properties.eid === MERGED);
    expect(f?.properties.placeKind).toBe('hotel');
    const sites = await planner()({ url: '/api/layers/facilities?kind=incident_site' });
    expect(sites.json().features.map((x: any) => x.properties.eid)).not.toContain(MERGED);
    expect(mine.json().counts.incident_site ?? 0).toBe(0);
    // the owner of the non-shared source reads what it says (its record is the latest)
    const owner = await planner('county')({ url: '/api/layers/facilities' });
    expect(owner.json().features.find((x: any) => x.properties.eid === MERGED)?.properties.placeKind).toBe('incident_site');
  });

  it('a home is never a facility, whatever the node’s kind says', async () => {
    for (const level of ['otherCity', 'county', 'province'] as const) {
      for (const url of ['/api/layers/facilities', '/api/layers/facilities?kind=other']) {
        const res = await planner(level)({ url });
        expect(res.statusCode).toBe(200);
        expect(res.json().features.map((x: any) => x.properties.eid)).not.toContain(HOME);
        expect(res.body).not.toContain(String(HOME_LON));
      }
    }
  });

  it('the heat layer never places a point on a home, even one with k residents', async () => {
    const res = await planner()({ url: '/api/layers/heat?from=2026-11-05T00:00:00Z&to=2026-11-06T00:00:00Z' });
    expect(res.statusCode).toBe(200);
    expect(res.body).not.toContain(String(HOME_LON));
    expect(res.body).not.toContain(String(HOME_LAT));
  });
});

describe('aggregates resist differencing: whole days, rounded counts (12.11)', () => {
  it('two windows that differ by an hour around one sighting give the same answer (whole days)', async () => {
    for (const layer of ['jurisdictions', 'trend', 'hexbin', 'heat']) {
      const a = await planner()({ url: `/api/layers/${layer}?from=2026-11-02T00:00:00Z&to=2026-11-02T08:30:00Z` });
      const b = await planner()({ url: `/api/layers/${layer}?from=2026-11-02T00:00:00Z&to=2026-11-02T09:30:00Z` });
      expect(a.statusCode).toBe(200);
      // the same counts and window; `computedAt` says only when each was computed
      const { computedAt: _a, ...saidA } = a.json();
      const { computedAt: _b, ...saidB } = b.json();
      expect(saidA).toEqual(saidB);
      expect(a.json()).toMatchObject({ from: '2026-11-02T00:00:00.000Z', to: '2026-11-03T00:00:00.000Z' });
    }
  });

  it('published counts are rounded, so one more person does not show', async () => {
    const before = await planner()({ url: '/api/layers/jurisdictions?from=2026-11-02T00:00:00Z&to=2026-11-03T00:00:00Z' });
    const cell = before.json().cells.find((c: any) => c.unitCode === '620102');
    expect(cell.persons % before.json().roundedTo).toBe(0);
    await writeTx(graph, (tx) =>
      tx.run(
        `MATCH (p:Person {eid: $p}), (h:Place {eid: $hotel})
         CREATE (p)-[:VISITED {at: datetime('2026-11-02T15:00:00Z'), kind: 'hotel_stay', source: $open, rid: 'fx_open:extra', place: h.eid}]->(h)`,
        { p: 'P-FXA1', hotel: E.hotel, open: FX.open },
      ),
    );
    const after = await planner()({ url: '/api/layers/jurisdictions?from=2026-11-02T00:00:00Z&to=2026-11-03T00:00:00Z' });
    expect(after.json().cells.find((c: any) => c.unitCode === '620102').persons).toBe(cell.persons);
    for (const url of ['/api/layers/trend?from=2026-11-01T00:00:00Z&to=2026-11-07T00:00:00Z', '/api/layers/hexbin?from=2026-11-01T00:00:00Z&to=2026-11-07T00:00:00Z']) {
      const res = await planner('province')({ url });
      for (const c of res.json().days ?? res.json().cells) expect(c.persons % 5).toBe(0);
    }
  });
});

describe('a suppressed cell is never published (12.12)', () => {
  it('a box around one sighting answers exactly like an empty box: no cell, no suppressed count', async () => {
    const around = `minLon=${103.83 - 0.001}&minLat=${36.06 - 0.001}&maxLon=${103.83 + 0.001}&maxLat=${36.06 + 0.001}`;
    const empty = 'minLon=90.001&minLat=40.001&maxLon=90.002&maxLat=40.002';
    for (const layer of ['hexbin', 'heat']) {
      const one = await planner()({ url: `/api/layers/${layer}?from=2026-11-06T00:00:00Z&to=2026-11-07T00:00:00Z&${around}` });
      const none = await planner()({ url: `/api/layers/${layer}?from=2026-11-06T00:00:00Z&to=2026-11-07T00:00:00Z&${empty}` });
      expect(one.statusCode).toBe(200);
      // what each says, not when it was computed (two computations can straddle a second)
      const { computedAt: _one, ...saidOne } = one.json();
      const { computedAt: _none, ...saidNone } = none.json();
      expect(saidOne).toEqual(saidNone);
      expect(one.body).not.toContain('suppressed');
    }
    for (const layer of ['jurisdictions', 'trend']) {
      const res = await planner()({ url: `/api/layers/${layer}?from=2026-11-06T00:00:00Z&to=2026-11-07T00:00:00Z` });
      expect(res.json()).not.toHaveProperty('suppressed');
      expect(res.json().cells ?? res.json().days).toEqual([]);
    }
  });
});

describe('k counts persons, not persons and vehicles together (12.12)', () => {
  it('a place where one person and five vehicles were seen publishes no cell, point or day', async () => {
    const LON = 104.61;
    const LAT = 37.42;
    await writeTx(graph, (tx) =>
      tx.run(
        `CREATE (q:Entity:Place {eid: 'L-FXA9', name: '远郊检查站', placeKind: 'checkpoint', unitCode: '620102', location: point({longitude: $lon, latitude: $lat}), provenance: '{}'})
         WITH q
         MATCH (p:Person {eid: 'P-FXA1'})
         CREATE (p)-[:VISITED {at: datetime('2025-03-17T10:00:00Z'), kind: 'checkpoint_pass', source: $open, rid: 'fx_open:k1', place: q.eid}]->(q)
         WITH q
         UNWIND range(1, 5) AS i
         CREATE (v:Entity:Vehicle {eid: 'V-FXA' + i, name: '甘A0000' + i, provenance: '{}'})
         CREATE (v)-[:VISITED {at: datetime('2025-03-17T10:0' + i + ':00Z'), kind: 'checkpoint_pass', source: $open, rid: 'fx_open:kv' + i, place: q.eid}]->(q)`,
        { lon: LON, lat: LAT, open: FX.open },
      ),
    );
    const day = 'from=2025-03-17T00:00:00Z&to=2025-03-18T00:00:00Z';
    const box = `minLon=${LON - 0.05}&minLat=${LAT - 0.05}&maxLon=${LON + 0.05}&maxLat=${LAT + 0.05}`;
    for (const url of [`/api/layers/hexbin?${day}&resolution=9&${box}`, `/api/layers/heat?${day}&${box}`, `/api/layers/trend?${day}`, `/api/layers/jurisdictions?${day}`]) {
      const res = await planner('province')({ url });
      expect(res.statusCode, url).toBe(200);
      expect(res.json().cells ?? res.json().points ?? res.json().days, url).toEqual([]);
    }
  });
});
