/**
 * Findings of the eighth security review (s15rev) of the analysis answers, each kept as the probe
 * that failed before its fix: the same request, asked before and after one more fact is written,
 * must answer the same where that fact is one the caller may not learn.
 * - R1 search: whether a search said `totalIsEstimate`, and its `total`, followed how many visible
 *   candidates the full-text index found — text of sources the viewer may not see included — past
 *   the checked chunk: one candidate matched only by a hidden record's name turned an exact
 *   `total: 30` into an estimate. A viewer who does not see every source now gets, once its hits
 *   reach the end of the page asked for, `total` = that end and `totalIsEstimate`, whatever the
 *   unchecked candidates are (`reportedTotal`).
 * - R2 layers: a county cell under k was left out of the county layer but counted in its city's
 *   cell and in the trend (province or city), so the city (or the day) minus the published counties
 *   gave the suppressed count back. A coarser cell now counts only the county cells that are kept
 *   (`KEPT_COUNTY_CELLS` in repositories/layers.ts).
 * - R3 trajectories (and every place summary): a place not seen whole was placed at its node's
 *   point whenever that point's source was visible, else nowhere. A hidden record stating the same
 *   point as a visible one, received last, became the point's provenance and took the place off
 *   the trajectory; a hidden record voting for one of two visible points moved it there. Now a
 *   place not seen whole is placed where its visible records choose (`viewerPosition`), as cases
 *   are. (Spatial filters still read the node's point: docs/security.md, known channels.)
 */
import { type Graph, writeTx } from '@onemap/graph-schema/server';
import type { FastifyInstance } from 'fastify';
import { describe, expect, it } from 'vitest';
import { as, useServerApp } from '../helpers/server-app.ts';
import { FX } from '../helpers/server-fixtures.ts';

let graph: Graph;
let app: FastifyInstance;

useServerApp({ RATE_LIMIT_PER_MINUTE: 1_000_000, LAYER_CACHE_MS: 0 }, (s) => {
  ({ app, graph } = s);
});

const stationOfficer = () => as(app, 'station', 'officer');

describe('R1: search flags do not follow candidates matched only by a hidden record', () => {
  const NAME = '钱探八';
  const VISIBLE = 30;
  /** A person the station sees (a fx_open record names him 钱其他) whose node name 钱探八 is fx_closed's. */
  const HIDDEN_MATCH = 'P-R8SZ';

  async function seedNamesakes(g: Graph) {
    await writeTx(g, async (tx) => {
      const rows = Array.from({ length: VISIBLE }, (_, i) => ({
        eid: `P-R8S${String(i + 1).padStart(2, '0')}`,
        rid: `${FX.open}:r8s${i + 1}`,
      }));
      await tx.run(
        `UNWIND $rows AS x
         CREATE (e:Entity:Person {eid: x.eid, name: $name, searchText: $name, inSources: [$open],
                                  provenance: '{"name":{"source":"' + $open + '","rid":"' + x.rid + '"}}'})
         CREATE (r:SourceRecord {rid: x.rid, source: $open, recordId: x.rid, receivedAt: datetime('2026-10-01T00:00:00Z'), attrs: '{"person":{"name":"' + $name + '"}}'})
         CREATE (r)-[:RESOLVED_TO {role: 'person', decision: 'new', score: 1.0, at: datetime()}]->(e)`,
        { rows, name: NAME, open: FX.open },
      );
    });
  }

  async function addHiddenMatch(g: Graph) {
    await writeTx(g, async (tx) => {
      await tx.run(
        `CREATE (e:Entity:Person {eid: $eid, name: $name, searchText: $name + ' 钱其他', inSources: [$closed, $open],
                                  provenance: '{"name":{"source":"' + $closed + '","rid":"' + $closed + ':r8h"}}'})
         CREATE (a:SourceRecord {rid: $open + ':r8h', source: $open, recordId: 'r8h', receivedAt: datetime('2026-10-01T00:00:00Z'), attrs: '{"person":{"name":"钱其他"}}'})
         CREATE (b:SourceRecord {rid: $closed + ':r8h', source: $closed, recordId: 'r8h', receivedAt: datetime('2026-10-02T00:00:00Z'), attrs: '{"person":{"name":"' + $name + '"}}'})
         CREATE (a)-[:RESOLVED_TO {role: 'person', decision: 'new', score: 1.0, at: datetime()}]->(e)
         CREATE (b)-[:RESOLVED_TO {role: 'person', decision: 'anchor', score: 1.0, at: datetime()}]->(e)`,
        { eid: HIDDEN_MATCH, name: NAME, open: FX.open, closed: FX.closed },
      );
    });
  }

  const ask = async (page: number, pageSize: number) => {
    const res = await stationOfficer()({
      url: `/api/search?q=${encodeURIComponent(NAME)}&page=${page}&pageSize=${pageSize}`,
    });
    expect(res.statusCode).toBe(200);
    const body = res.json() as {
      total: number;
      totalIsEstimate?: boolean;
      truncated?: boolean;
      items: { eid: string }[];
    };
    return {
      total: body.total,
      totalIsEstimate: body.totalIsEstimate ?? false,
      truncated: body.truncated ?? false,
      items: body.items.map((i) => i.eid),
    };
  };
  const PAGES: [number, number][] = [
    [1, 20],
    [2, 20],
    [1, 30],
    [1, 50],
  ];

  it('a station officer gets the same pages, totals and flags before and after a hidden record names a visible person like the namesakes', async () => {
    await seedNamesakes(graph);
    const before = [];
    for (const [page, size] of PAGES) before.push(await ask(page, size));
    // the probe is real: the station finds every namesake, and not the hidden match
    expect(before[0]?.items).toHaveLength(20);
    expect(new Set([...(before[0]?.items ?? []), ...(before[1]?.items ?? [])]).size).toBe(VISIBLE);
    await addHiddenMatch(graph);
    const after = [];
    for (const [page, size] of PAGES) after.push(await ask(page, size));
    expect(after).toEqual(before);
    expect(after.flatMap((a) => a.items)).not.toContain(HIDDEN_MATCH);
    // a page past every hit still tells the exact total
    const last = await ask(1, 50);
    expect(last).toMatchObject({ total: VISIBLE, totalIsEstimate: false });
    // the province sees every source: its answers keep the exact total where the scan read every candidate
    const prov = await as(app, 'province', 'officer')({ url: `/api/search?q=${encodeURIComponent(NAME)}&pageSize=50` });
    expect(prov.json()).toMatchObject({ total: VISIBLE + 1 });
    expect(prov.json().totalIsEstimate).toBeUndefined();
  });
});

describe('R2: a county cell under k is counted in no coarser cell', () => {
  /** A day no fixture trace falls on. */
  const WINDOW = 'from=2026-09-10T00:00:00Z&to=2026-09-11T00:00:00Z';
  const KEPT_PLACE = { eid: 'L-R8A', unitCode: '620102', lon: 103.83, lat: 36.03 };
  const SMALL_PLACE = { eid: 'L-R8B', unitCode: '620104', lon: 103.6, lat: 36.1 };

  async function visitors(g: Graph, place: typeof KEPT_PLACE, prefix: string, n: number) {
    await writeTx(g, async (tx) => {
      await tx.run(
        `MERGE (p:Entity:Place {eid: $place.eid})
           ON CREATE SET p.name = $place.eid, p.placeKind = 'hotel', p.unitCode = $place.unitCode, p.provenance = '{}', p.inSources = [$open],
                         p.location = point({longitude: $place.lon, latitude: $place.lat})
         WITH p
         UNWIND range(1, $n) AS i
         CREATE (e:Entity:Person {eid: $prefix + i, name: $prefix + i, provenance: '{}', inSources: [$open]})
         CREATE (e)-[:VISITED {at: datetime('2026-09-10T09:00:00Z'), kind: 'hotel_stay', source: $open, rid: $open + ':' + $prefix + i, place: p.eid}]->(p)`,
        { place, prefix, n, open: FX.open },
      );
    });
  }

  const planner = (level: 'city' | 'province') => as(app, level, 'planner', null);
  const layers = async () => {
    const out: Record<string, unknown> = {};
    for (const [who, url] of [
      ['city', `/api/layers/jurisdictions?level=city&${WINDOW}`],
      ['city', `/api/layers/trend?unitCode=620100&${WINDOW}`],
      ['province', `/api/layers/trend?${WINDOW}`],
      ['province', `/api/layers/jurisdictions?level=county&${WINDOW}`],
    ] as const) {
      const res = await planner(who)({ url });
      expect(res.statusCode, url).toBe(200);
      // what the layer says, not when it was computed (`computedAt` differs between two computations)
      const { computedAt: _, ...said } = res.json();
      out[`${who} ${url}`] = said;
    }
    return out;
  };

  it('three persons in a small county leave the city cell and the trends as they were', async () => {
    await visitors(graph, KEPT_PLACE, 'P-R8K', 6);
    const before = await layers();
    // the probe is real: the kept county is published, once in each answer
    expect(JSON.stringify(before)).toContain('"unitCode":"620102"');
    await visitors(graph, SMALL_PLACE, 'P-R8T', 3);
    const after = await layers();
    expect(after).toEqual(before);
    expect(JSON.stringify(after)).not.toContain('620104');
  });
});

describe('R3: a hidden record neither removes nor moves a place on a trajectory', () => {
  const WINDOW = 'from=2026-09-12T00:00:00Z&to=2026-09-13T00:00:00Z';
  const SUBJECT = 'P-R8V';
  const X = [103.9, 36.2];
  const Y = [103.95, 36.25];
  /** SAME: one open record states X. VOTED: an open record states X, a later one Y (so Y wins among them). */
  const SAME = 'L-R8P';
  const VOTED = 'L-R8Q';
  const prov = (rid: string) =>
    JSON.stringify({ lon: { source: rid.split(':')[0], rid }, lat: { source: rid.split(':')[0], rid } });
  const attrs = (p: number[]) =>
    JSON.stringify({ place: { name: '探针宾馆', placeKind: 'hotel', lon: p[0], lat: p[1] } });

  async function seedPlaces(g: Graph) {
    await writeTx(g, async (tx) => {
      const records = [
        { place: SAME, rid: `${FX.open}:r8p`, at: '2026-09-01T00:00:00Z', p: X },
        { place: VOTED, rid: `${FX.open}:r8q1`, at: '2026-09-02T00:00:00Z', p: X },
        { place: VOTED, rid: `${FX.open}:r8q2`, at: '2026-09-03T00:00:00Z', p: Y },
      ];
      // the node as the writers leave it: SAME at X from its record, VOTED at Y (a tie, the latest wins)
      for (const [eid, p, rid] of [
        [SAME, X, `${FX.open}:r8p`],
        [VOTED, Y, `${FX.open}:r8q2`],
      ] as const) {
        await tx.run(
          `CREATE (:Entity:Place {eid: $eid, name: '探针宾馆', placeKind: 'hotel', unitCode: '620102', inSources: [$open],
                                 location: point({longitude: $p[0], latitude: $p[1]}), provenance: $prov})`,
          { eid, p, prov: prov(rid), open: FX.open },
        );
      }
      await tx.run(
        `UNWIND $records AS x MATCH (p:Place {eid: x.place})
         CREATE (r:SourceRecord {rid: x.rid, source: $open, recordId: x.rid, receivedAt: datetime(x.at), attrs: x.attrs})
         CREATE (r)-[:RESOLVED_TO {role: 'place', decision: 'new', score: 1.0, at: datetime()}]->(p)`,
        { records: records.map((r) => ({ ...r, attrs: attrs(r.p) })), open: FX.open },
      );
      await tx.run(
        `CREATE (e:Entity:Person {eid: $subject, name: '探针人', inSources: [$open], provenance: '{}'})
         WITH e MATCH (a:Place {eid: $same}), (b:Place {eid: $voted})
         CREATE (e)-[:VISITED {at: datetime('2026-09-12T09:00:00Z'), kind: 'hotel_stay', source: $open, rid: $open + ':r8v1', place: a.eid}]->(a)
         CREATE (e)-[:VISITED {at: datetime('2026-09-12T12:00:00Z'), kind: 'hotel_stay', source: $open, rid: $open + ':r8v2', place: b.eid}]->(b)`,
        { subject: SUBJECT, same: SAME, voted: VOTED, open: FX.open },
      );
    });
  }

  /** fx_closed states X of both: last for SAME (the point's provenance moves to it), earliest for VOTED (X now wins, traced to the open record). */
  async function addHiddenRecords(g: Graph) {
    await writeTx(g, async (tx) => {
      for (const [eid, rid, at, nodeProv] of [
        [SAME, `${FX.closed}:r8p`, '2026-09-05T00:00:00Z', `${FX.closed}:r8p`],
        [VOTED, `${FX.closed}:r8q`, '2026-08-01T00:00:00Z', `${FX.open}:r8q1`],
      ] as const) {
        await tx.run(
          `MATCH (p:Place {eid: $eid})
           SET p.inSources = [$closed, $open], p.provenance = $prov, p.location = point({longitude: $x[0], latitude: $x[1]})
           CREATE (r:SourceRecord {rid: $rid, source: $closed, recordId: $rid, receivedAt: datetime($at), attrs: $attrs})
           CREATE (r)-[:RESOLVED_TO {role: 'place', decision: 'anchor', score: 1.0, at: datetime()}]->(p)`,
          { eid, rid, at, prov: prov(nodeProv), x: X, attrs: attrs(X), closed: FX.closed, open: FX.open },
        );
      }
    });
  }

  const trajectory = async () => {
    const res = await as(app, 'station', 'analyst')({ url: `/api/entities/${SUBJECT}/trajectory?${WINDOW}` });
    expect(res.statusCode).toBe(200);
    const body = res.json() as {
      points: { features: { geometry: { coordinates: number[] }; properties: { placeEid: string } }[] };
      stayPoints: unknown;
    };
    return {
      points: body.points.features.map((f) => [f.properties.placeEid, f.geometry.coordinates]),
      stayPoints: body.stayPoints,
    };
  };

  it('a hidden record stating a visible point last, or voting for one of two, leaves the station its own points', async () => {
    await seedPlaces(graph);
    const before = await trajectory();
    // the probe is real: both sightings are placed, VOTED where its latest visible record says
    expect(before.points).toEqual([
      [SAME, X],
      [VOTED, Y],
    ]);
    await addHiddenRecords(graph);
    expect(await trajectory()).toEqual(before);
    // the province sees every source: the node's point, X for both
    const prov = await as(app, 'province', 'analyst')({ url: `/api/entities/${SUBJECT}/trajectory?${WINDOW}` });
    expect(
      prov.json().points.features.map((f: { geometry: { coordinates: number[] } }) => f.geometry.coordinates),
    ).toEqual([X, X]);
  });
});
