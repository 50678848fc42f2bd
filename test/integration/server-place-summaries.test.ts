/**
 * Place views come from the place node's golden values when their provenance is visible and the
 * place is surely no home (`placeFromNode`), else from the viewer's records. Each test place has a
 * twin with the same records but no provenance, which always takes the record path: the node path
 * must never show a viewer more than the record path does (a golden name from a source the viewer
 * may not see, a home's street or exact point).
 */
import { writeTx } from '@onemap/graph-schema/server';
import type { FastifyInstance } from 'fastify';
import { describe, expect, it } from 'vitest';
import { as, useServerApp } from '../helpers/server-app.ts';
import { E, FX, LEVELS, type LevelName } from '../helpers/server-fixtures.ts';

const WINDOW = 'from=2026-11-05T00:00:00Z&to=2026-11-07T00:00:00Z';
const P = E.P1;

/** name/placeKind of the node, the source its provenance names, and the records behind it. */
const PLACES = [
  {
    // a hotel whose golden name comes from the closed source; the open source calls it otherwise
    eid: 'L-FXN1',
    name: '秘密宾馆',
    placeKind: 'hotel',
    lon: 103.8123,
    lat: 36.0511,
    provSource: FX.closed,
    records: [
      {
        source: FX.closed,
        at: '2026-10-03T00:00:00Z',
        attrs: { name: '秘密宾馆', placeKind: 'hotel', lon: 103.8123, lat: 36.0511 },
      },
      {
        source: FX.open,
        at: '2026-10-02T00:00:00Z',
        attrs: { name: '公开宾馆', placeKind: 'hotel', lon: 103.8101, lat: 36.0502 },
      },
    ],
  },
  {
    // a home by one of its records, though the node's golden kind (from a newer record) says hotel
    eid: 'L-FXN2',
    name: '城关区示例路5号2单元301',
    placeKind: 'hotel',
    lon: 103.8456,
    lat: 36.0622,
    provSource: FX.open,
    records: [
      { source: FX.open, at: '2026-10-01T00:00:00Z', attrs: { name: '城关区示例路5号2单元301', placeKind: 'home' } },
      { source: FX.open, at: '2026-10-03T00:00:00Z', attrs: { name: '城关区示例路5号2单元301', placeKind: 'hotel' } },
    ],
  },
  {
    // a plain facility every viewer may see: the node path answers alone
    eid: 'L-FXN3',
    name: '城关示例网吧',
    placeKind: 'internet_cafe',
    lon: 103.8789,
    lat: 36.0733,
    provSource: FX.open,
    records: [
      { source: FX.open, at: '2026-10-01T00:00:00Z', attrs: { name: '城关示例网吧', placeKind: 'internet_cafe' } },
    ],
  },
];

let app: FastifyInstance;
useServerApp(
  { RATE_LIMIT_PER_MINUTE: 1_000_000 },
  (s) => {
    ({ app } = s);
  },
  async (graph) => {
    const rows = PLACES.flatMap((p, i) =>
      [p.eid, `${p.eid}T`].map((eid, twin) => ({
        eid,
        name: p.name,
        placeKind: p.placeKind,
        lon: p.lon,
        lat: p.lat,
        inSources: [...new Set(p.records.map((r) => r.source))],
        provenance: twin
          ? '{}'
          : JSON.stringify({
              name: { source: p.provSource, rid: 'x' },
              placeKind: { source: p.provSource, rid: 'x' },
              lon: { source: p.provSource, rid: 'x' },
              lat: { source: p.provSource, rid: 'x' },
            }),
        records: p.records.map((r, j) => ({
          rid: `${r.source}:pl-${eid}-${j}`,
          source: r.source,
          at: r.at,
          attrs: JSON.stringify({ place: r.attrs }),
        })),
        visitAt: `2026-11-06T0${i}:${twin ? '30' : '00'}:00Z`,
      })),
    );
    await writeTx(graph, (tx) =>
      tx.run(
        `UNWIND $rows AS p
         CREATE (e:Entity:Place {eid: p.eid, name: p.name, placeKind: p.placeKind, location: point({longitude: p.lon, latitude: p.lat}),
                                 searchText: p.name, provenance: p.provenance, inSources: p.inSources})
         WITH e, p
         MATCH (person:Entity {eid: $person})
         CREATE (person)-[:VISITED {at: datetime(p.visitAt), kind: 'hotel_stay', source: $open, rid: 'fx_open:v-' + p.eid, place: e.eid}]->(e)
         WITH e, p
         UNWIND p.records AS x
         CREATE (r:SourceRecord {rid: x.rid, source: x.source, recordId: x.rid, receivedAt: datetime(x.at), attrs: x.attrs, hash: x.rid})
         CREATE (r)-[:RESOLVED_TO {role: 'place', decision: 'anchor', score: 1.0, at: datetime()}]->(e)`,
        { rows, person: P, open: FX.open },
      ),
    );
  },
);

interface Feature {
  geometry: { coordinates: [number, number] };
  properties: { placeEid: string; placeName: string | null; placeKind: string | null; coarsened: boolean };
}

async function views(level: LevelName) {
  const res = await as(app, level, 'analyst')({ url: `/api/entities/${P}/trajectory?${WINDOW}` });
  expect(res.statusCode, res.body).toBe(200);
  const out = new Map<
    string,
    { name: string | null; placeKind: string | null; coordinates: [number, number]; coarsened: boolean }
  >();
  for (const f of (res.json() as { points: { features: Feature[] } }).points.features) {
    out.set(f.properties.placeEid, {
      name: f.properties.placeName,
      placeKind: f.properties.placeKind,
      coordinates: f.geometry.coordinates,
      coarsened: f.properties.coarsened,
    });
  }
  return out;
}

describe('place views from golden values', () => {
  for (const level of Object.keys(LEVELS) as LevelName[]) {
    it(`${level}: a place seen through its node shows no more than its records show`, async () => {
      const v = await views(level);
      for (const p of PLACES) {
        const node = v.get(p.eid);
        const twin = v.get(`${p.eid}T`);
        expect(twin, `${p.eid}T`).toBeDefined();
        // the same name (or none), kind, point and coarsening, or less on the node path
        if (node?.name !== twin?.name) expect(node?.name ?? null, p.eid).toBeNull();
        if (node?.placeKind !== twin?.placeKind) expect(node?.placeKind ?? null, p.eid).toBeNull();
        if (node && twin) expect(node.coarsened || !twin.coarsened, p.eid).toBe(true);
      }
      // a home by any record is a home on both paths, never shown as the hotel its node says
      expect(v.get('L-FXN2')?.placeKind).toBe('home');
      expect(v.get('L-FXN2T')?.placeKind).toBe('home');
    });
  }

  it('a golden name or point from a source the viewer may not see is never shown; the viewer gets its own', async () => {
    const res = await as(app, 'otherCity', 'analyst')({ url: `/api/entities/${P}` });
    expect(res.statusCode, res.body).toBe(200);
    const traces = (
      res.json() as {
        recentTraces: { place: { eid: string; name: string | null; lon: number | null; lat: number | null } }[];
      }
    ).recentTraces;
    const place = traces.find((t) => t.place.eid === 'L-FXN1')?.place;
    expect(place?.name).toBe('公开宾馆');
    expect(place?.lon).not.toBe(103.8123);
    expect(place?.lat).not.toBe(36.0511);
    const other = await views('otherCity');
    expect(other.get('L-FXN1')?.coordinates ?? null).not.toEqual([103.8123, 36.0511]);
    const county = await views('county');
    expect(county.get('L-FXN1')?.name).toBe('秘密宾馆');
  });

  it('a plain facility comes from its node with its exact point', async () => {
    const v = await views('otherCity');
    expect(v.get('L-FXN3')).toEqual({
      name: '城关示例网吧',
      placeKind: 'internet_cafe',
      coordinates: [103.8789, 36.0733],
      coarsened: false,
    });
  });
});
