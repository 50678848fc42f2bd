/**
 * Findings of the ninth security review (s9rev), each kept as the probe that failed before its
 * fix: two entities the caller sees alike — or one asked before and after a fact the caller may
 * not learn — must answer alike.
 * - N1 identifiers: an identifier edge (`HAS_IDENTIFIER`, one per entity and identifier) is stamped
 *   with the source of the FIRST record that stated it; its later records are only in `rids`. Every
 *   read took the edge as visible by that stamp alone, so a hidden source stating a phone first
 *   took it out of the profile, the last-digits search and the masking of completing values for a
 *   viewer whose own record states it: the missing identifier said "a hidden source (another
 *   unit's non-shared one) knew this phone before you". An edge is now seen through any of its
 *   records of a visible source (`IDENTIFIER_SEEN` in repositories/cypher.ts).
 * - N2 hexbin: "a box only chooses which whole hexagons come back, so moving its edges changes no
 *   count" held for every place but homes. A home is counted in the hexagon of its ~1 km cell, but
 *   the box (widened by about one hexagon) was tested on its EXACT point first: a box around that
 *   hexagon counted the home or not by whether its edge, a few hundred metres away, passed the
 *   home's front door — a planner moving an edge located the home more finely than any answer
 *   shows it. The box is now tested on the point the layer counts (the cell, for a home).
 * - N3 series: "near the scene" (a sighting within 5 km of a case's scene) compared a home's exact
 *   point with the radius, where every other radius compares the ~1 km cell the answers show
 *   (`placesWithin`): moving a home's door within its cell put its resident near a scene or not —
 *   a series link named him as near both scenes. `readSceneSubjects` now finds places through
 *   `placesWithin` too.
 * - N4 quality: the period report's graph rules are decided over every source — `authority_conflict`
 *   compares a record with its person's golden value of another source and names that source's
 *   record in its detail, `owner_exists` looks for an owner in any source — and their examples,
 *   scores and the tickets they open went to every reader of the checked source: a station analyst
 *   reading the open source's report learnt that a non-shared source knows the person, by which
 *   record, and that its value differs. They now go only to a reader of every source.
 */
import { type Graph, writeTx } from '@onemap/graph-schema/server';
import { openTicket, writeQualityReport } from '@onemap/resolver/quality';
import type { FastifyInstance } from 'fastify';
import { cellToLatLng, latLngToCell } from 'h3-js';
import { describe, expect, it } from 'vitest';
import { as, useServerApp } from '../helpers/server-app.ts';
import { FX } from '../helpers/server-fixtures.ts';

let app: FastifyInstance;
let graph: Graph;

/** Two persons the station officer sees alike: a fx_open record states each one's phone. */
const N1 = {
  /** the phone was stated first by the station's own (open) source */
  openFirst: { eid: 'P-R9I1', phone: '+8613700009901', tail: '9901' },
  /** the phone was stated first by fx_closed (620102's, not shared: the station does not see it) */
  hiddenFirst: { eid: 'P-R9I2', phone: '+8613700009902', tail: '9902' },
};

async function seedN1(g: Graph) {
  await writeTx(g, async (tx) => {
    const person = (eid: string, name: string, phone: string, first: string, second: string | null) => ({
      eid,
      name,
      phone,
      inSources: [first, ...(second ? [second] : [])].sort(),
      records: [
        { rid: `${first}:${eid}`, source: first, at: '2026-10-01T00:00:00Z' },
        ...(second ? [{ rid: `${second}:${eid}`, source: second, at: '2026-10-05T00:00:00Z' }] : []),
      ],
    });
    const people = [
      person(N1.openFirst.eid, '孙九甲', N1.openFirst.phone, FX.open, null),
      person(N1.hiddenFirst.eid, '孙九乙', N1.hiddenFirst.phone, FX.closed, FX.open),
    ];
    await tx.run(
      `UNWIND $people AS p
       CREATE (e:Entity:Person {eid: p.eid, name: p.name, searchText: p.name + ' ' + p.phone, inSources: p.inSources,
                                provenance: '{"name":{"source":"' + $open + '","rid":"' + $open + ':' + p.eid + '"}}'})
       MERGE (i:Identifier {kind: 'phone', value: p.phone}) ON CREATE SET i.valueReversed = reverse(i.value)
       // one edge per entity and identifier, stamped by the first record that stated it (the chunk writer's shape)
       CREATE (e)-[:HAS_IDENTIFIER {source: p.records[0].source, rid: p.records[0].rid, rids: [r IN p.records | r.rid]}]->(i)
       WITH e, p
       UNWIND p.records AS x
       CREATE (r:SourceRecord {rid: x.rid, source: x.source, recordId: p.eid, receivedAt: datetime(x.at),
                               attrs: '{"person":{"name":"' + p.name + '","phone":"' + p.phone + '"}}'})
       CREATE (r)-[:RESOLVED_TO {role: 'person', decision: 'anchor', score: 1.0, at: datetime()}]->(e)`,
      { people, open: FX.open },
    );
  });
}

/**
 * A home far from every other fixture place, on the grid point (104.60, 35.60) its ~1 km cell is
 * shown at, its door 0.0049° away from that point in both axes — on the side away from the centre
 * of the resolution-9 hexagon the cell point falls in — and five persons registered there one day.
 */
const N2 = (() => {
  const cell = { lon: 104.6, lat: 35.6 };
  const h3 = latLngToCell(cell.lat, cell.lon, 9);
  const [cLat, cLon] = cellToLatLng(h3);
  const away = (c: number, g: number) => (c > g ? -1 : 1) * 0.0049;
  return {
    eid: 'L-R9H',
    h3,
    centre: { lon: cLon, lat: cLat },
    door: { lon: cell.lon + away(cLon, cell.lon), lat: cell.lat + away(cLat, cell.lat) },
    day: 'from=2025-03-03T00:00:00Z&to=2025-03-04T00:00:00Z',
  };
})();

async function seedN2(g: Graph) {
  await writeTx(g, async (tx) => {
    await tx.run(
      `CREATE (h:Entity:Place {eid: $eid, name: '城关区测试路9号', placeKind: 'home', unitCode: '620102', location: point({longitude: $lon, latitude: $lat}),
                               searchText: '城关区测试路9号', provenance: '{}', inSources: [$open]})
       WITH h
       UNWIND range(1, 5) AS i
       CREATE (e:Entity:Person {eid: 'P-R9H' + i, name: '居民' + i, searchText: 'P-R9H' + i, provenance: '{}', inSources: [$open]})
       CREATE (r:SourceRecord {rid: $open + ':r9h' + i, source: $open, recordId: 'r9h' + i, receivedAt: datetime('2025-03-03T00:00:00Z'), attrs: '{"person":{"name":"居民' + i + '"}}'})
       CREATE (r)-[:RESOLVED_TO {role: 'person', decision: 'new', score: 1.0, at: datetime()}]->(e)
       CREATE (e)-[:VISITED {at: datetime('2025-03-03T10:00:00Z'), kind: 'residence', source: $open, rid: $open + ':r9h' + i}]->(h)`,
      { eid: N2.eid, lon: N2.door.lon, lat: N2.door.lat, open: FX.open },
    );
  });
}

/**
 * Two burglaries at one scene two nights apart, and a resident registered at his home on both
 * nights. The home's ~1 km cell (105.06, 35.06) lies 5.4 km from the scene, beyond the 5 km of
 * "near the scene"; its door can be put 4.7 km (inside) or 6.1 km (outside) away, in that cell.
 */
const N3 = {
  cases: ['C-R9S1', 'C-R9S2'],
  scene: { lon: 105.018, lat: 35.026 },
  home: 'L-R9S',
  resident: 'P-R9S',
  doors: { near: { lon: 105.0551, lat: 35.0551 }, far: { lon: 105.0649, lat: 35.0649 } },
};

async function seedN3(g: Graph) {
  await writeTx(g, async (tx) => {
    const description = '凌晨嫌疑人用锡纸撬开住户防盗门锁芯，入室盗走金项链、手镯';
    const cases = [
      { eid: N3.cases[0], occurredAt: '2025-05-01T02:00:00', visit: '2025-04-30T18:30:00Z' },
      { eid: N3.cases[1], occurredAt: '2025-05-03T02:00:00', visit: '2025-05-02T18:30:00Z' },
    ].map((c) => ({
      ...c,
      attrs: JSON.stringify({
        case: { caseNumber: c.eid, caseType: '入室盗窃', occurredAt: c.occurredAt, description, ...N3.scene },
      }),
    }));
    await tx.run(
      `UNWIND $cases AS c
       CREATE (e:Entity:Case {eid: c.eid, name: c.eid, caseNumber: c.eid, caseType: '入室盗窃', occurredAt: c.occurredAt, description: $description,
                              location: point({longitude: $scene.lon, latitude: $scene.lat}), searchText: c.eid, provenance: '{}', inSources: [$open]})
       CREATE (r:SourceRecord {rid: $open + ':' + c.eid, source: $open, recordId: c.eid, receivedAt: datetime('2025-05-04T00:00:00Z'), attrs: c.attrs})
       CREATE (r)-[:RESOLVED_TO {role: 'case', decision: 'anchor', score: 1.0, at: datetime()}]->(e)`,
      { cases, description, scene: N3.scene, open: FX.open },
    );
    await tx.run(
      `CREATE (h:Entity:Place {eid: $home, name: '东岗测试路7号', placeKind: 'home', unitCode: '620102', location: point({longitude: $door.lon, latitude: $door.lat}),
                               searchText: '东岗测试路7号', provenance: '{}', inSources: [$open]})
       CREATE (p:Entity:Person {eid: $resident, name: '住户甲', searchText: '住户甲', provenance: '{}', inSources: [$open]})
       CREATE (r:SourceRecord {rid: $open + ':' + $resident, source: $open, recordId: $resident, receivedAt: datetime('2025-04-01T00:00:00Z'), attrs: '{"person":{"name":"住户甲"}}'})
       CREATE (r)-[:RESOLVED_TO {role: 'person', decision: 'anchor', score: 1.0, at: datetime()}]->(p)
       WITH h, p
       UNWIND $visits AS at
       CREATE (p)-[:VISITED {at: datetime(at), kind: 'residence', source: $open, rid: $open + ':r9s-' + at}]->(h)`,
      { home: N3.home, resident: N3.resident, door: N3.doors.near, visits: cases.map((c) => c.visit), open: FX.open },
    );
  });
}

useServerApp(
  { RATE_LIMIT_PER_MINUTE: 1_000_000, LAYER_CACHE_MS: 0 },
  (s) => {
    ({ app, graph } = s);
  },
  async (g) => {
    await seedN1(g);
    await seedN2(g);
    await seedN3(g);
  },
);

const stationOfficer = () => as(app, 'station', 'officer');

describe('N1: an identifier a visible record states is seen, whichever source stated it first', () => {
  const profileIdentifiers = async (eid: string) => {
    const res = await stationOfficer()({ url: `/api/entities/${eid}` });
    expect(res.statusCode).toBe(200);
    return (res.json() as { identifiers: { kind: string; value: string; masked: boolean; source: string }[] })
      .identifiers;
  };
  const searchEids = async (q: string) => {
    const res = await stationOfficer()({ url: `/api/search?q=${encodeURIComponent(q)}` });
    expect(res.statusCode).toBe(200);
    return (res.json() as { items: { eid: string }[] }).items.map((h) => h.eid);
  };

  it('the profile lists the phone its visible record states, through that record, for both persons', async () => {
    for (const p of [N1.openFirst, N1.hiddenFirst]) {
      const ids = await profileIdentifiers(p.eid);
      expect(ids).toEqual([
        { kind: 'phone', value: `${p.phone.slice(0, 6)}****${p.tail}`, masked: true, source: FX.open },
      ]);
    }
  });

  it('the last digits the mask shows find both persons', async () => {
    expect(await searchEids(N1.openFirst.tail)).toEqual([N1.openFirst.eid]);
    expect(await searchEids(N1.hiddenFirst.tail)).toEqual([N1.hiddenFirst.eid]);
  });
});

describe('N2: a box counts a home by the cell it is shown at, not by its door', () => {
  const hexagon = async (box: { minLon: number; minLat: number; maxLon: number; maxLat: number }) => {
    const q = Object.entries(box)
      .map(([k, v]) => `${k}=${v.toFixed(6)}`)
      .join('&');
    const res = await as(app, 'city', 'planner', null)({ url: `/api/layers/hexbin?${N2.day}&resolution=9&${q}` });
    expect(res.statusCode).toBe(200);
    return (
      (res.json() as { cells: { h3: string; persons: number; traces: number }[] }).cells.find((c) => c.h3 === N2.h3) ??
      null
    );
  };

  it('a box around the home’s hexagon counts the home whether or not its edge passes the door', async () => {
    const { centre, door } = N2;
    const tight = {
      minLon: centre.lon - 0.0001,
      minLat: centre.lat - 0.0001,
      maxLon: centre.lon + 0.0001,
      maxLat: centre.lat + 0.0001,
    };
    const overDoor = {
      minLon: Math.min(centre.lon, door.lon) - 0.0001,
      minLat: Math.min(centre.lat, door.lat) - 0.0001,
      maxLon: Math.max(centre.lon, door.lon) + 0.0001,
      maxLat: Math.max(centre.lat, door.lat) + 0.0001,
    };
    const seen = await hexagon(overDoor);
    expect(seen).toEqual({ h3: N2.h3, lon: expect.any(Number), lat: expect.any(Number), persons: 5, traces: 5 });
    expect(await hexagon(tight)).toEqual(seen);
  });
});

describe('N3: who was near a scene does not follow a home’s door inside its cell', () => {
  type Pair = { a: string; b: string; features: { feature: string; value: unknown }[] };
  const nearBoth = async () => {
    const res = await as(app, 'county', 'analyst')({ url: `/api/analysis/series?eid=${N3.cases[0]}` });
    expect(res.statusCode).toBe(200);
    const b = res.json() as { links: Pair[]; nearMisses: Pair[] };
    const pair = [...b.links, ...b.nearMisses].find((p) => [p.a, p.b].sort().join() === [...N3.cases].sort().join());
    expect(pair, 'the two burglaries are compared').toBeDefined();
    return pair?.features.find((f) => f.feature === 'trajectory')?.value;
  };
  const moveDoor = (door: { lon: number; lat: number }) =>
    writeTx(graph, (tx) =>
      tx.run('MATCH (h:Place {eid: $eid}) SET h.location = point({longitude: $lon, latitude: $lat})', {
        eid: N3.home,
        ...door,
      }),
    );

  it('the resident is near both scenes or not by the cell his home is shown at, wherever its door', async () => {
    await moveDoor(N3.doors.near);
    const withNearDoor = await nearBoth();
    await moveDoor(N3.doors.far);
    const withFarDoor = await nearBoth();
    expect(withNearDoor).toEqual(withFarDoor);
    // the cell lies beyond the 5 km of "near the scene"
    expect(withFarDoor).toEqual([]);
  });
});

describe('N4: findings of graph rules decided over every source go only to readers of every source', () => {
  const CONFLICT = {
    rid: `${FX.open}:r9q1`,
    detail: `person.address differs from ${FX.closed} (authority, ${FX.closed}:r9q1)`,
  };
  let ticketId = '';

  const seedN4 = async () => {
    await writeQualityReport(graph, {
      kind: 'period',
      source: FX.open,
      ownerUnit: '620000',
      batchId: null,
      at: new Date().toISOString(),
      overall: 0,
      scores: [
        { rule: 'authority_conflict', dimension: 'authority', checked: 1, failed: 1, score: 0 },
        { rule: 'required_present', dimension: 'completeness', checked: 1, failed: 1, score: 0 },
      ],
      examples: [
        {
          rule: 'authority_conflict',
          source: FX.open,
          rid: CONFLICT.rid,
          field: 'person.address',
          severity: 'warning',
          detail: CONFLICT.detail,
          value: '城关区测试路1号',
          attribute: 'address',
        },
        {
          rule: 'required_present',
          source: FX.open,
          rid: `${FX.open}:r9q2`,
          field: 'person.name',
          severity: 'error',
          detail: 'name is empty',
        },
      ],
    });
    const { ticket } = await openTicket(graph, {
      source: FX.open,
      ownerUnit: '620102001',
      rid: CONFLICT.rid,
      field: 'person.address',
      attribute: 'address',
      reportedValue: '城关区测试路1号',
      reason: CONFLICT.detail,
      openedBy: 'rule:authority_conflict',
      openedUnit: '620102001',
      rule: 'authority_conflict',
    });
    ticketId = ticket.id;
  };

  const read = async (level: 'station' | 'province') => {
    const ask = as(app, level, 'analyst', null);
    const reports = (await ask({ url: `/api/quality/reports?source=${FX.open}` })).json() as {
      items: { scores: { rule: string }[]; examples: { rule: string; detail: string }[] }[];
    };
    const tickets = (await ask({ url: '/api/quality/tickets' })).json() as { items: { id: string }[] };
    const one = await ask({ url: `/api/quality/tickets/${ticketId}` });
    const report = reports.items[0];
    return {
      scores: report?.scores.map((x) => x.rule).sort(),
      examples: report?.examples.map((x) => x.rule).sort(),
      listed: tickets.items.some((t) => t.id === ticketId),
      opened: one.statusCode,
    };
  };

  it('a station analyst who may not read the non-shared source gets none of them; the province analyst gets them all', async () => {
    await seedN4();
    expect(await read('station')).toEqual({
      scores: ['required_present'],
      examples: ['required_present'],
      listed: false,
      opened: 404,
    });
    expect(await read('province')).toEqual({
      scores: ['authority_conflict', 'required_present'],
      examples: ['authority_conflict', 'required_present'],
      listed: true,
      opened: 200,
    });
  });
});
