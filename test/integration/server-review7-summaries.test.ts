/**
 * Findings of the seventh security review (s15) in entity summaries, each kept as the test that
 * failed before its fix:
 * - P8 a summary's name (a neighbour in a profile or the relation graph) was shown in plain for
 *   every kind but persons and phones, whatever the rule of the attribute it stands for: a
 *   vehicle's name is its plate, a case's its case number, an organization's its name. Now a
 *   summary's name is made of its kind's naming attributes (graph-schema `NAMING_ATTRIBUTES`) and
 *   each is masked by its own attribute's rule, no kind exempt.
 * - P10 `SEEN_WHOLE` answered null for places, so a place's node values (name, kind) were shown to
 *   a viewer who does not see every source it is known from: which visible name or kind wins was
 *   the vote of a hidden source's records. Now a place not seen whole is summarized from the
 *   viewer's visible records.
 * - P10b a node kind `home` chosen from a hidden source's record made the place a home for every
 *   viewer (coarsened and kinded `home` in their trajectory and profile): the kind counts only when
 *   its source is visible (`HOME_FOR_VIEWER`, `isHome`).
 */

import { writeTx } from '@onemap/graph-schema/server';
import type { FastifyInstance } from 'fastify';
import { describe, expect, it } from 'vitest';
import { as, useServerApp } from '../helpers/server-app.ts';
import { FX } from '../helpers/server-fixtures.ts';

let app: FastifyInstance;

/** A source shared with everyone, owned by the county, whose rules mask plates, case numbers and company names for other units. */
const SRC = 'fx_s15';
const PERSON = 'P-S15';
const VEHICLE = { eid: 'V-S15', plate: '甘A54321' };
const CASE = { eid: 'C-S15', caseType: '盗窃', caseNumber: 'A620102202612S15' };
const ORG = { eid: 'O-S15', name: '兰州探针商贸有限公司' };
/** A place the shared source names twice (old name first, new name last) and the county's non-shared source twice by its old name. */
const RENAMED = { eid: 'L-S15A', oldName: '旧名酒店', newName: '新名网吧' };
/** A place the shared source names and places; only the non-shared source says it is a home (the node's kind chosen from that record). */
const HOME = { eid: 'L-S15H', name: '幸福小区五栋', lon: 103.95, lat: 36.12 };
const WINDOW = 'from=2026-10-01T00:00:00Z&to=2026-12-01T00:00:00Z';

const prov = (props: Record<string, string>) =>
  JSON.stringify(Object.fromEntries(Object.entries(props).map(([p, rid]) => [p, { source: rid.split(':')[0], rid }])));

useServerApp(
  { RATE_LIMIT_PER_MINUTE: 1_000_000 },
  (s) => {
    ({ app } = s);
  },
  async (g) => {
    await writeTx(g, async (tx) => {
      await tx.run(
        `CREATE (:Source {id: $src, nameZh: '摸排样例15', nameEn: 'shared 15', ownerUnit: '620102', shareClass: 'unconditional', grade: 2, fieldSensitivity: $fs})`,
        {
          src: SRC,
          fs: JSON.stringify({
            'person.name': 1,
            'vehicle.plate': 4,
            'case.caseNumber': 4,
            'org.name': 4,
            'place.name': 1,
            'place.placeKind': 1,
          }),
        },
      );
      // P8: a person of the shared source with a vehicle, a case and a company, each named by a masked attribute
      const entities = [
        {
          label: 'Person',
          props: { eid: PERSON, name: '测试甲', provenance: prov({ name: `${SRC}:p` }) },
          attrs: { person: { name: '测试甲' } },
          role: 'person',
          rid: `${SRC}:p`,
        },
        {
          label: 'Vehicle',
          props: {
            eid: VEHICLE.eid,
            name: VEHICLE.plate,
            plate: VEHICLE.plate,
            provenance: prov({ name: `${SRC}:v`, plate: `${SRC}:v` }),
          },
          attrs: { vehicle: { plate: VEHICLE.plate } },
          role: 'vehicle',
          rid: `${SRC}:v`,
        },
        {
          label: 'Case',
          props: {
            eid: CASE.eid,
            name: `${CASE.caseType} ${CASE.caseNumber}`,
            caseType: CASE.caseType,
            caseNumber: CASE.caseNumber,
            provenance: prov({ name: `${SRC}:c`, caseType: `${SRC}:c`, caseNumber: `${SRC}:c` }),
          },
          attrs: { case: { caseType: CASE.caseType, caseNumber: CASE.caseNumber } },
          role: 'case',
          rid: `${SRC}:c`,
        },
        {
          label: 'Organization',
          props: { eid: ORG.eid, name: ORG.name, provenance: prov({ name: `${SRC}:o` }) },
          attrs: { org: { name: ORG.name } },
          role: 'org',
          rid: `${SRC}:o`,
        },
      ];
      for (const e of entities) {
        await tx.run(
          `CREATE (n:Entity:${e.label}) SET n = $props, n.searchText = $props.name, n.inSources = [$src]
           CREATE (r:SourceRecord {rid: $rid, source: $src, recordId: $rid, receivedAt: datetime('2026-10-01T00:00:00Z'), attrs: $attrs, hash: $rid})
           CREATE (r)-[:RESOLVED_TO {role: $role, decision: 'anchor', score: 1.0, at: datetime()}]->(n)`,
          { props: e.props, src: SRC, rid: e.rid, attrs: JSON.stringify(e.attrs), role: e.role },
        );
      }
      await tx.run(
        `MATCH (p:Person {eid: $person})
         UNWIND [['OWNS', $vehicle], ['INVOLVED_IN', $case], ['WORKS_FOR', $org]] AS x
         MATCH (o:Entity {eid: x[1]})
         CALL (p, o, x) {
           WITH p, o, x WHERE x[0] = 'OWNS' CREATE (p)-[:OWNS {source: $src, rid: $src + ':p'}]->(o)
           UNION
           WITH p, o, x WHERE x[0] = 'INVOLVED_IN' CREATE (p)-[:INVOLVED_IN {source: $src, rid: $src + ':p', role: 'witness'}]->(o)
           UNION
           WITH p, o, x WHERE x[0] = 'WORKS_FOR' CREATE (p)-[:WORKS_FOR {source: $src, rid: $src + ':p'}]->(o)
         }`,
        { person: PERSON, vehicle: VEHICLE.eid, case: CASE.eid, org: ORG.eid, src: SRC },
      );
      // P10: the renamed place; the node's name and kind are the old ones (chosen by frequency over every source, from the shared source's older record)
      await tx.run(
        `CREATE (l:Entity:Place {eid: $eid, name: $old, placeKind: 'hotel', location: point({longitude: 103.9, latitude: 36.1}), provenance: $prov,
                                 inSources: [$closed, $src], recordRoles: [$closed + ':place', $src + ':place'], searchText: $old})
         WITH l
         UNWIND [[$src + ':a1', $src, $old, 'hotel', '2026-10-01T00:00:00Z'], [$src + ':a2', $src, $new, 'internet_cafe', '2026-10-05T00:00:00Z'],
                 [$closed + ':a3', $closed, $old, 'hotel', '2026-10-02T00:00:00Z'], [$closed + ':a4', $closed, $old, 'hotel', '2026-10-03T00:00:00Z']] AS x
         CREATE (r:SourceRecord {rid: x[0], source: x[1], recordId: x[0], receivedAt: datetime(x[4]), hash: x[0],
                                 attrs: '{"place":{"name":"' + x[2] + '","placeKind":"' + x[3] + '","lon":103.9,"lat":36.1}}'})
         CREATE (r)-[:RESOLVED_TO {role: 'place', decision: 'match', score: 1.0, at: datetime()}]->(l)`,
        {
          eid: RENAMED.eid,
          old: RENAMED.oldName,
          new: RENAMED.newName,
          src: SRC,
          closed: FX.closed,
          prov: prov({ name: `${SRC}:a1`, placeKind: `${SRC}:a1`, lon: `${SRC}:a1` }),
        },
      );
      // P10b: the place only the non-shared source calls a home
      await tx.run(
        `CREATE (l:Entity:Place {eid: $eid, name: $name, placeKind: 'home', location: point({longitude: $lon, latitude: $lat}), provenance: $prov,
                                 inSources: [$closed, $src], recordRoles: [$closed + ':place', $src + ':place'], homeSources: [$closed], searchText: $name})
         CREATE (r1:SourceRecord {rid: $src + ':h1', source: $src, recordId: 'h1', receivedAt: datetime('2026-10-01T00:00:00Z'), hash: 'h1', attrs: $a1})
         CREATE (r2:SourceRecord {rid: $closed + ':h2', source: $closed, recordId: 'h2', receivedAt: datetime('2026-10-02T00:00:00Z'), hash: 'h2', attrs: $a2})
         CREATE (r1)-[:RESOLVED_TO {role: 'place', decision: 'anchor', score: 1.0, at: datetime()}]->(l)
         CREATE (r2)-[:RESOLVED_TO {role: 'place', decision: 'match', score: 1.0, at: datetime()}]->(l)`,
        {
          ...HOME,
          src: SRC,
          closed: FX.closed,
          prov: prov({ name: `${SRC}:h1`, placeKind: `${FX.closed}:h2`, lon: `${SRC}:h1` }),
          a1: JSON.stringify({ place: { name: HOME.name, lon: HOME.lon, lat: HOME.lat } }),
          a2: JSON.stringify({ place: { placeKind: 'home', address: '城关区幸福路5号' } }),
        },
      );
      await tx.run(
        `MATCH (p:Person {eid: $person})
         UNWIND [[$renamed, '2026-11-03T08:00:00Z'], [$home, '2026-11-04T08:00:00Z']] AS x
         MATCH (l:Place {eid: x[0]})
         CREATE (p)-[:VISITED {at: datetime(x[1]), kind: 'hotel_stay', source: $src, rid: $src + ':v-' + x[0], place: l.eid}]->(l)`,
        { person: PERSON, renamed: RENAMED.eid, home: HOME.eid, src: SRC },
      );
    });
  },
);

type Summary = { eid: string; name: string | null; nameMasked: boolean };

/** The names a viewer's profile of the person and its relation graph give the vehicle, the case and the company. */
async function neighbourNames(level: 'county' | 'otherCity') {
  const viewer = as(app, level, 'analyst');
  const prof = await viewer({ url: `/api/entities/${PERSON}` });
  expect(prof.statusCode, prof.body).toBe(200);
  const rel = await viewer({ url: `/api/entities/${PERSON}/relations` });
  expect(rel.statusCode, rel.body).toBe(200);
  const others = new Map((prof.json().relations as { other: Summary }[]).map((r) => [r.other.eid, r.other]));
  const nodes = new Map((rel.json().nodes as Summary[]).map((n) => [n.eid, n]));
  return [VEHICLE.eid, CASE.eid, ORG.eid].map((eid) => ({ eid, profile: others.get(eid), relations: nodes.get(eid) }));
}

describe('P8 a summary names a vehicle, case or company by attributes whose rule masks them', () => {
  it('another city sees the plate, the case number and the company name masked in the profile and the relation graph; the owner county in plain', async () => {
    const secrets: Record<string, string> = {
      [VEHICLE.eid]: '54321',
      [CASE.eid]: CASE.caseNumber,
      [ORG.eid]: '探针商贸',
    };
    for (const n of await neighbourNames('otherCity')) {
      for (const s of [n.profile, n.relations]) {
        expect(s, n.eid).toBeDefined();
        expect(s?.nameMasked, `${n.eid}: ${s?.name}`).toBe(true);
        expect(s?.name ?? '', n.eid).not.toContain(secrets[n.eid]);
      }
    }
    const plain: Record<string, string> = {
      [VEHICLE.eid]: VEHICLE.plate,
      [CASE.eid]: `${CASE.caseType} ${CASE.caseNumber}`,
      [ORG.eid]: ORG.name,
    };
    for (const n of await neighbourNames('county')) {
      for (const s of [n.profile, n.relations])
        expect({ name: s?.name, nameMasked: s?.nameMasked }, n.eid).toEqual({ name: plain[n.eid], nameMasked: false });
    }
  });
});

/** A viewer's trajectory point at a place, and the place's own profile. */
async function placeAsSeen(level: 'county' | 'otherCity', eid: string) {
  const viewer = as(app, level, 'analyst');
  const traj = await viewer({ url: `/api/entities/${PERSON}/trajectory?${WINDOW}` });
  expect(traj.statusCode, traj.body).toBe(200);
  const point = (
    traj.json().points.features as {
      geometry: { coordinates: number[] };
      properties: { placeEid: string; placeName: string | null; placeKind: string | null; coarsened: boolean };
    }[]
  ).find((f) => f.properties.placeEid === eid);
  const profile = await viewer({ url: `/api/entities/${PERSON}` });
  const trace = (
    profile.json().recentTraces as {
      place: { eid: string; name: string | null; lon: number | null; lat: number | null };
    }[]
  ).find((t) => t.place.eid === eid);
  const place = await viewer({ url: `/api/entities/${eid}` });
  expect(place.statusCode, place.body).toBe(200);
  return { point, trace: trace?.place, place: place.json() };
}

describe("P10 a place known from a hidden source is summarized from the viewer's records", () => {
  it("another city sees the renamed place by the name and kind its own records give (the newer), as the place's profile does, not by the hidden vote", async () => {
    const seen = await placeAsSeen('otherCity', RENAMED.eid);
    expect(seen.place.golden.name.value).toBe(RENAMED.newName);
    expect({ trajectory: seen.point?.properties.placeName, profile: seen.trace?.name }).toEqual({
      trajectory: RENAMED.newName,
      profile: RENAMED.newName,
    });
    expect(seen.point?.properties.placeKind).toBe('internet_cafe');
    // the county sees every source: the node's values are what its records say (the old name, by frequency)
    const whole = await placeAsSeen('county', RENAMED.eid);
    expect(whole.place.golden.name.value).toBe(RENAMED.oldName);
    expect({ trajectory: whole.point?.properties.placeName, profile: whole.trace?.name }).toEqual({
      trajectory: RENAMED.oldName,
      profile: RENAMED.oldName,
    });
  });

  it('P10b a node kind "home" only a hidden source voted neither coarsens nor kinds the place for another city', async () => {
    const seen = await placeAsSeen('otherCity', HOME.eid);
    expect(seen.point, 'the trajectory point').toBeDefined();
    expect(seen.point?.properties).toMatchObject({ placeName: HOME.name, coarsened: false });
    expect(seen.point?.properties.placeKind).not.toBe('home');
    expect(seen.point?.geometry.coordinates).toEqual([HOME.lon, HOME.lat]);
    expect(seen.trace).toMatchObject({ name: HOME.name, lon: HOME.lon, lat: HOME.lat });
    expect(seen.place.location).toEqual({ lon: HOME.lon, lat: HOME.lat });
    expect(seen.place.golden.name).toMatchObject({ value: HOME.name, masked: false });
    // the county sees the source that calls it a home: a home for the county
    const county = await placeAsSeen('county', HOME.eid);
    expect(county.point?.properties.placeKind).toBe('home');
  });
});
