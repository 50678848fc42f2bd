/**
 * A small graph in exactly the ARCHITECTURE.md shape for the server tests: units at every level,
 * three fixture sources (unconditional, conditional, not shared), users for every role at several
 * levels, grants in every state, persons with SourceRecords from each source, places with points,
 * VISITED edges, relations and a case. Ids are prefixed `FX` so nothing collides with other tests.
 */
import { type Graph, upsertUnits, writeTx } from '@onemap/graph-schema/server';
import bcrypt from 'bcryptjs';

export const FX = {
  open: 'fx_open',
  cond: 'fx_cond',
  closed: 'fx_closed',
} as const;

export const UNITS = [
  { code: '620000', name: '甘肃省', level: 'province' as const, parent: null },
  { code: '620100', name: '兰州市', level: 'city' as const, parent: '620000' },
  { code: '620102', name: '城关区', level: 'county' as const, parent: '620100' },
  { code: '620102001', name: '酒泉路派出所', level: 'station' as const, parent: '620102' },
  { code: '620103', name: '七里河区', level: 'county' as const, parent: '620100' },
  { code: '620103001', name: '西园派出所', level: 'station' as const, parent: '620103' },
  { code: '620104', name: '西固区', level: 'county' as const, parent: '620100' },
  { code: '620200', name: '嘉峪关市', level: 'city' as const, parent: '620000' },
];

/** Unit levels used by the matrix, with what each should see of fx_cond (grant) and fx_closed (owner 620102). */
export const LEVELS = {
  province: '620000',
  city: '620100',
  county: '620102', // owner of fx_closed; active grant on fx_cond (criminal_case, statistics; unmasks residentId)
  station: '620102001', // below the owner: inherits the county's grant, but not the owner's non-shared data
  otherCounty: '620103', // expired grant on fx_cond
  wrongPurposeCounty: '620104', // grant on fx_cond only for administrative_case
  otherCity: '620200', // no grant at all
} as const;
export type LevelName = keyof typeof LEVELS;

export const PASSWORD = 'fixture-password-1';

const FIELD_GRADES = JSON.stringify({
  'person.name': 3,
  'person.residentId': 4,
  'person.phone': 3,
  'person.address': 3,
  'person.sex': 1,
  'guest.residentId': 4,
  'guest.birthDate': 3, // as hotel.json grades a guest's: plain to officers, though it is a resident ID's middle
  'place.name': 1,
  'place.address': 1,
  'venue.name': 4, // a place's name as a venue states it is masked (place facts: a role decides)
  'home.address': 3,
  'org.name': 1,
  'case.caseNumber': 2,
  'vehicle.plate': 2,
});

const ROLES = ['officer', 'analyst', 'planner', 'admin', 'auditor'] as const;

export function username(level: LevelName, role: string): string {
  return `fx_${level}_${role}`;
}

const P1 = 'P-FX1';
const P2 = 'P-FX2'; // only in the non-shared source
const P3 = 'P-FX3';
const P4 = 'P-FX4'; // only in the conditional source
export const E = { P1, P2, P3, P4, phone: 'T-FX1', org: 'O-FX1', case: 'C-FX1', hotel: 'L-FX1', cafe: 'L-FX2', far: 'L-FX3', home: 'L-FX4', vehicle: 'V-FX1' };

/** Record attrs by role, as the pipeline writes them. */
function attrs(role: string, a: Record<string, unknown>): string {
  return JSON.stringify({ [role]: a });
}

export async function seedServerFixture(graph: Graph): Promise<void> {
  await upsertUnits(
    graph,
    UNITS.map((u) => ({ code: u.code, name: u.name, level: u.level, parent: u.parent })),
  );
  const hash = bcrypt.hashSync(PASSWORD, 4);
  const users: Record<string, unknown>[] = [];
  for (const [level, unit] of Object.entries(LEVELS)) {
    for (const role of ROLES) users.push({ username: username(level as LevelName, role), displayName: `${level} ${role}`, unitCode: unit, roles: [role], passwordHash: hash });
  }
  const yearAhead = new Date(Date.now() + 365 * 86_400_000).toISOString();
  const yesterday = new Date(Date.now() - 86_400_000).toISOString();
  await writeTx(graph, async (tx) => {
    await tx.run(
      `UNWIND $users AS u MERGE (n:User {username: u.username}) SET n += u, n.disabled = false`,
      { users },
    );
    await tx.run(
      `UNWIND $sources AS s MERGE (n:Source {id: s.id}) SET n += s`,
      {
        sources: [
          { id: FX.open, nameZh: '开放测试源', nameEn: 'fixture open', ownerUnit: '620000', shareClass: 'unconditional', grade: 2, fieldSensitivity: FIELD_GRADES },
          { id: FX.cond, nameZh: '有条件测试源', nameEn: 'fixture conditional', ownerUnit: '620000', shareClass: 'conditional', grade: 3, fieldSensitivity: FIELD_GRADES },
          { id: FX.closed, nameZh: '不共享测试源', nameEn: 'fixture not shared', ownerUnit: '620102', shareClass: 'none', grade: 4, fieldSensitivity: FIELD_GRADES },
        ],
      },
    );
    await tx.run(
      `UNWIND $grants AS g CREATE (n:Grant) SET n = g, n.expiresAt = datetime(g.expiresAt), n.revoked = false`,
      {
        grants: [
          { id: 'G-00000000-0000-0000-0000-00000000fx01', unitCode: '620102', sourceId: FX.cond, purposes: ['criminal_case', 'statistics'], expiresAt: yearAhead, fields: ['residentId'] },
          { id: 'G-00000000-0000-0000-0000-00000000fx02', unitCode: '620103', sourceId: FX.cond, purposes: ['criminal_case', 'statistics'], expiresAt: yesterday, fields: [] },
          { id: 'G-00000000-0000-0000-0000-00000000fx03', unitCode: '620104', sourceId: FX.cond, purposes: ['administrative_case'], expiresAt: yearAhead, fields: [] },
        ],
      },
    );
    // Entities (golden values on the node come from every source, as the pipeline writes them).
    const entities: { kind: string; props: Record<string, unknown> }[] = [
      { kind: 'Person', props: { eid: P1, name: '张伟', namePinyin: 'zhang wei', residentId: '620102198805051234', searchText: '620102198805051234 +8613800000001 +8613900000009', unitCode: '620102', provenance: JSON.stringify({ name: { source: FX.open, rid: 'fx_open:1' }, residentId: { source: FX.cond, rid: 'fx_cond:1' } }) } },
      { kind: 'Person', props: { eid: P2, name: '李娜', namePinyin: 'li na', residentId: '620102199202021111', searchText: '620102199202021111', unitCode: '620102', provenance: JSON.stringify({ name: { source: FX.closed, rid: 'fx_closed:2' } }) } },
      { kind: 'Person', props: { eid: P3, name: '王芳', namePinyin: 'wang fang', searchText: '+8613800000003', unitCode: '620102', provenance: JSON.stringify({ name: { source: FX.open, rid: 'fx_open:3' } }) } },
      { kind: 'Person', props: { eid: P4, name: '赵敏', namePinyin: 'zhao min', residentId: '620103199303033333', searchText: '620103199303033333', unitCode: '620103', provenance: JSON.stringify({ name: { source: FX.cond, rid: 'fx_cond:4' } }) } },
      { kind: 'Phone', props: { eid: E.phone, name: '+8613800000001', number: '+8613800000001', searchText: '+8613800000001 13800000001', provenance: JSON.stringify({ name: { source: FX.open, rid: 'fx_open:1' } }) } },
      { kind: 'Organization', props: { eid: E.org, name: '兰州示例贸易有限公司', searchText: '91620102MA00000000', provenance: JSON.stringify({ name: { source: FX.cond, rid: 'fx_cond:1' } }) } },
      { kind: 'Case', props: { eid: E.case, name: 'A6201022026110001', caseNumber: 'A6201022026110001', searchText: 'A6201022026110001', unitCode: '620102', provenance: JSON.stringify({ name: { source: FX.closed, rid: 'fx_closed:1' } }) } },
      { kind: 'Vehicle', props: { eid: E.vehicle, name: '甘A12345', plate: '甘A12345', searchText: '甘A12345', provenance: JSON.stringify({ name: { source: FX.open, rid: 'fx_open:7' } }) } },
    ];
    for (const kind of ['Person', 'Phone', 'Organization', 'Case', 'Vehicle']) {
      await tx.run(`UNWIND $rows AS r CREATE (e:Entity:${kind}) SET e = r`, { rows: entities.filter((x) => x.kind === kind).map((x) => x.props) });
    }
    const places = [
      { eid: E.hotel, name: '兰州测试宾馆', placeKind: 'hotel', unitCode: '620102', lon: 103.83, lat: 36.06, source: FX.open },
      { eid: E.cafe, name: '城关测试网吧', placeKind: 'internet_cafe', unitCode: '620102', lon: 103.84, lat: 36.07, source: FX.open },
      { eid: E.far, name: '七里河测试宾馆', placeKind: 'hotel', unitCode: '620103', lon: 103.75, lat: 36.05, source: FX.closed },
      { eid: E.home, name: '城关区张苏滩路88号3单元501', placeKind: 'home', unitCode: '620102', lon: 103.8612, lat: 36.0437, source: FX.cond },
    ];
    await tx.run(
      `UNWIND $places AS p
       CREATE (e:Entity:Place {eid: p.eid, name: p.name, placeKind: p.placeKind, unitCode: p.unitCode, location: point({longitude: p.lon, latitude: p.lat}),
                               searchText: p.name, provenance: '{}'})
       CREATE (r:SourceRecord {rid: p.source + ':place-' + p.eid, source: p.source, recordId: 'place-' + p.eid, receivedAt: datetime('2026-10-01T00:00:00Z'),
                               attrs: '{"place":{"name":"' + p.name + '","placeKind":"' + p.placeKind + '"}}'})
       CREATE (r)-[:RESOLVED_TO {role: 'place', decision: 'anchor', score: 1.0, at: datetime()}]->(e)`,
      { places },
    );
    const records = [
      { rid: 'fx_open:1', source: FX.open, eid: P1, role: 'person', at: '2026-10-02T00:00:00Z', attrs: attrs('person', { name: '张伟', phone: '+8613800000001', sex: '男' }) },
      { rid: 'fx_cond:1', source: FX.cond, eid: P1, role: 'person', at: '2026-10-03T00:00:00Z', attrs: attrs('person', { name: '张伟', residentId: '620102198805051234', address: '城关区张苏滩路88号3单元501' }) },
      { rid: 'fx_closed:1', source: FX.closed, eid: P1, role: 'person', at: '2026-10-04T00:00:00Z', attrs: attrs('person', { name: '张伟', phone: '+8613900000009', address: '七里河区秘密路1号' }) },
      { rid: 'fx_closed:2', source: FX.closed, eid: P2, role: 'person', at: '2026-10-04T00:00:00Z', attrs: attrs('person', { name: '李娜', residentId: '620102199202021111' }) },
      { rid: 'fx_open:3', source: FX.open, eid: P3, role: 'person', at: '2026-10-02T00:00:00Z', attrs: attrs('person', { name: '王芳', phone: '+8613800000003' }) },
      { rid: 'fx_open:3b', source: FX.open, eid: P3, role: 'person', at: '2026-10-05T00:00:00Z', attrs: attrs('person', { name: '王芳', sex: '女' }) },
      { rid: 'fx_cond:4', source: FX.cond, eid: P4, role: 'person', at: '2026-10-02T00:00:00Z', attrs: attrs('person', { name: '赵敏', residentId: '620103199303033333' }) },
      { rid: 'fx_open:1p', source: FX.open, eid: E.phone, role: 'phone', at: '2026-10-02T00:00:00Z', attrs: attrs('phone', { phone: '+8613800000001' }) },
      { rid: 'fx_cond:1o', source: FX.cond, eid: E.org, role: 'org', at: '2026-10-02T00:00:00Z', attrs: attrs('org', { name: '兰州示例贸易有限公司' }) },
      { rid: 'fx_closed:1c', source: FX.closed, eid: E.case, role: 'case', at: '2026-10-02T00:00:00Z', attrs: attrs('case', { caseNumber: 'A6201022026110001' }) },
      { rid: 'fx_open:7', source: FX.open, eid: E.vehicle, role: 'vehicle', at: '2026-10-02T00:00:00Z', attrs: attrs('vehicle', { plate: '甘A12345' }) },
    ];
    await tx.run(
      `UNWIND $records AS x
       MATCH (e:Entity {eid: x.eid})
       CREATE (r:SourceRecord {rid: x.rid, source: x.source, recordId: split(x.rid, ':')[1], receivedAt: datetime(x.at), attrs: x.attrs, hash: x.rid})
       CREATE (r)-[:RESOLVED_TO {role: x.role, decision: 'anchor', score: 1.0, at: datetime()}]->(e)`,
      { records },
    );
    await tx.run(
      `UNWIND $ids AS x
       MATCH (e:Entity {eid: x.eid})
       MERGE (i:Identifier {kind: x.kind, value: x.value}) ON CREATE SET i.valueReversed = reverse(i.value)
       CREATE (e)-[:HAS_IDENTIFIER {source: x.source, rid: x.rid}]->(i)`,
      {
        ids: [
          { eid: P1, kind: 'resident_id', value: '620102198805051234', source: FX.cond, rid: 'fx_cond:1' },
          { eid: P1, kind: 'phone', value: '+8613800000001', source: FX.open, rid: 'fx_open:1' },
          { eid: P1, kind: 'phone', value: '+8613900000009', source: FX.closed, rid: 'fx_closed:1' },
          // the phone entity's own anchor, as the pipeline writes it (ANCHOR_KINDS.Phone)
          { eid: E.phone, kind: 'phone', value: '+8613800000001', source: FX.open, rid: 'fx_open:1p' },
          { eid: P2, kind: 'resident_id', value: '620102199202021111', source: FX.closed, rid: 'fx_closed:2' },
        ],
      },
    );
    const rels = [
      { from: P1, to: E.phone, type: 'HAS_PHONE', source: FX.open, rid: 'fx_open:1' },
      { from: P3, to: E.phone, type: 'HAS_PHONE', source: FX.open, rid: 'fx_open:3' },
      { from: P1, to: E.org, type: 'WORKS_FOR', source: FX.cond, rid: 'fx_cond:1' },
      { from: P1, to: E.case, type: 'INVOLVED_IN', source: FX.closed, rid: 'fx_closed:1' },
      { from: P2, to: E.case, type: 'INVOLVED_IN', source: FX.closed, rid: 'fx_closed:2' },
      { from: P1, to: P4, type: 'WORKS_FOR', source: FX.closed, rid: 'fx_closed:1' },
      { from: P1, to: E.vehicle, type: 'OWNS', source: FX.open, rid: 'fx_open:7' },
      { from: P1, to: E.home, type: 'RESIDES_AT', source: FX.cond, rid: 'fx_cond:1' },
    ];
    for (const type of new Set(rels.map((r) => r.type))) {
      await tx.run(
        `UNWIND $rows AS x MATCH (a:Entity {eid: x.from}), (b:Entity {eid: x.to}) CREATE (a)-[:${type} {source: x.source, rid: x.rid, role: 'suspect'}]->(b)`,
        { rows: rels.filter((r) => r.type === type) },
      );
    }
    const visits = [
      { eid: P1, place: E.hotel, at: '2026-11-01T08:00:00Z', until: null, kind: 'hotel_stay', source: FX.open, rid: 'fx_open:v1' },
      { eid: P1, place: E.hotel, at: '2026-11-01T08:10:00Z', until: null, kind: 'hotel_stay', source: FX.open, rid: 'fx_open:v2' },
      { eid: P1, place: E.cafe, at: '2026-11-01T10:00:00Z', until: '2026-11-01T11:00:00Z', kind: 'internet_login', source: FX.cond, rid: 'fx_cond:v3' },
      { eid: P1, place: E.far, at: '2026-11-01T12:00:00Z', until: null, kind: 'hotel_stay', source: FX.closed, rid: 'fx_closed:v4' },
      { eid: P1, place: E.home, at: '2026-11-01T20:00:00Z', until: null, kind: 'residence', source: FX.cond, rid: 'fx_cond:v5' },
      { eid: P3, place: E.hotel, at: '2026-11-01T08:05:00Z', until: null, kind: 'hotel_stay', source: FX.open, rid: 'fx_open:v6' },
      { eid: P3, place: E.cafe, at: '2026-11-01T10:05:00Z', until: null, kind: 'internet_login', source: FX.open, rid: 'fx_open:v7' },
      { eid: P2, place: E.hotel, at: '2026-11-01T08:02:00Z', until: null, kind: 'hotel_stay', source: FX.closed, rid: 'fx_closed:v8' },
      { eid: P2, place: E.cafe, at: '2026-11-01T10:02:00Z', until: null, kind: 'internet_login', source: FX.closed, rid: 'fx_closed:v9' },
    ];
    // A crowd for the aggregates: 6 persons at the hotel (open source), 6 at the far hotel (non-shared source).
    const crowd: { eid: string; name: string; source: string; place: string; rid: string }[] = [];
    for (let i = 1; i <= 6; i++) {
      crowd.push({ eid: `P-FXC${i}`, name: `甲${i}`, source: FX.open, place: E.hotel, rid: `fx_open:c${i}` });
      crowd.push({ eid: `P-FXD${i}`, name: `乙${i}`, source: FX.closed, place: E.far, rid: `fx_closed:d${i}` });
    }
    await tx.run(
      `UNWIND $crowd AS c
       CREATE (e:Entity:Person {eid: c.eid, name: c.name, searchText: c.eid, provenance: '{}'})
       CREATE (r:SourceRecord {rid: c.rid, source: c.source, recordId: c.rid, receivedAt: datetime('2026-11-02T00:00:00Z'), attrs: '{"person":{"name":"' + c.name + '"}}'})
       CREATE (r)-[:RESOLVED_TO {role: 'person', decision: 'new', score: 1.0, at: datetime()}]->(e)
       WITH e, c MATCH (p:Place {eid: c.place})
       CREATE (e)-[:VISITED {at: datetime('2026-11-02T09:00:00Z'), kind: 'hotel_stay', source: c.source, rid: c.rid + 'v', place: p.eid}]->(p)`,
      { crowd },
    );
    await tx.run(
      `UNWIND $visits AS v
       MATCH (e:Entity {eid: v.eid}), (p:Place {eid: v.place})
       CREATE (e)-[:VISITED {at: datetime(v.at), until: CASE WHEN v.until IS NULL THEN null ELSE datetime(v.until) END, kind: v.kind, source: v.source, rid: v.rid, place: p.eid}]->(p)`,
      { visits },
    );
  });
}
