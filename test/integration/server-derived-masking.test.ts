/**
 * Issue 12, classes 4, 7 and 14 through the real API: masking follows the derivation declared in
 * graph-schema (a birth date, birth county, address key, Pinyin or a home's coordinates never
 * leak what the resident ID, address or location masking hides), a masked identifier is never
 * completed from another visible field, internal keys never leave, quality examples and tickets
 * are masked by role AND unit, and search never confirms a value the viewer sees masked.
 * Own ids: `P-FXM*`, `L-FXM*`, sources `fx_derived` and `fx_birth`.
 */
import { type Graph, writeTx } from '@onemap/graph-schema/server';
import { writeQualityReport } from '@onemap/resolver/quality';
import type { FastifyInstance } from 'fastify';
import { describe, expect, it } from 'vitest';
import { search } from '../../server/src/services/search.ts';
import { expectGuessesAlike } from '../helpers/search-guesses.ts';
import { as, useServerApp, viewerFor } from '../helpers/server-app.ts';
import { E } from '../helpers/server-fixtures.ts';

const RID = '620102199003071234';
const BIRTH = ['19900307', '1990-03-07'];
const STREET = '秘密街9号';
const HOME_LON = '103.8711';
const HOME_LAT = '36.0522';
const INTERNAL = ['addressKey', 'nameKey', 'pyFamily', 'pyGiven', 'nameScript', 'searchText'];
const P = 'P-FXM1';
/** A person's role in a case (the incident source's `record.role`, graded 3): plain for an officer, masked for an admin. */
const ROLE_IN_CASE = '嫌疑人';
const HOME = 'L-FXM1';
const WINDOW = 'from=2026-11-01T00:00:00Z&to=2026-11-03T00:00:00Z';

let app: FastifyInstance;
let graph: Graph;

useServerApp(
  { RATE_LIMIT_PER_MINUTE: 1_000_000 },
  (s) => {
    ({ app, graph } = s);
  },
  async (graph) => {
    await writeTx(graph, async (tx) => {
      await tx.run(`UNWIND $sources AS s MERGE (n:Source {id: s.id}) SET n += s`, {
        sources: [
          // the catalog grades what each source delivers; birthDate, birthCounty, addressKey … are derived by the standardizer
          { id: 'fx_derived', nameZh: '派生测试源', nameEn: 'fixture derived', ownerUnit: '620000', shareClass: 'unconditional', grade: 3, fieldSensitivity: JSON.stringify({ 'person.name': 3, 'person.residentId': 4, 'person.address': 3, 'person.sex': 1, 'home.name': 3, 'home.address': 3, 'home.lon': 1, 'home.lat': 1 }) },
          // a source that states the birth date itself, graded low
          { id: 'fx_birth', nameZh: '出生日期测试源', nameEn: 'fixture birth date', ownerUnit: '620000', shareClass: 'unconditional', grade: 2, fieldSensitivity: JSON.stringify({ 'person.name': 3, 'person.birthDate': 2 }) },
        ],
      });
      const person = {
        name: '钱多多', residentId: RID, birthDate: '1990-03-07', sex: 'M', birthCounty: '620102', address: `甘肃省兰州市城关区${STREET}`,
        addressKey: STREET, divisionCode: '620102', nameScript: 'han', family: '钱', given: '多多', pyFamily: 'qian', pyGiven: 'duo duo', nameKey: 'QIANDUODUO',
      };
      await tx.run(
        `CREATE (e:Entity:Person {eid: $p, name: '钱多多', namePinyin: 'qian duo duo', residentId: $rid, birthDate: '1990-03-07', searchText: $rid + ' 钱多多 qian duoduo', unitCode: '620102',
                                  provenance: '{"name":{"source":"fx_derived","rid":"fx_derived:m1"},"residentId":{"source":"fx_derived","rid":"fx_derived:m1"}}'})
         CREATE (:SourceRecord {rid: 'incident:FXM-I1', source: 'incident', recordId: 'FXM-I1', receivedAt: datetime('2026-10-02T00:00:00Z'), attrs: '{}', raw: $rawIncident})
         CREATE (r1:SourceRecord {rid: 'fx_derived:m1', source: 'fx_derived', recordId: 'm1', receivedAt: datetime('2026-10-02T00:00:00Z'), attrs: $a1, raw: $raw1})
         CREATE (r1)-[:RESOLVED_TO {role: 'person', decision: 'anchor', score: 1.0, at: datetime()}]->(e)
         CREATE (r2:SourceRecord {rid: 'fx_birth:m1', source: 'fx_birth', recordId: 'm1', receivedAt: datetime('2026-10-05T00:00:00Z'), attrs: $a2})
         CREATE (r2)-[:RESOLVED_TO {role: 'person', decision: 'match', score: 0.9, at: datetime()}]->(e)
         MERGE (i:Identifier {kind: 'resident_id', value: $rid}) ON CREATE SET i.valueReversed = reverse(i.value)
         CREATE (e)-[:HAS_IDENTIFIER {source: 'fx_derived', rid: 'fx_derived:m1'}]->(i)
         CREATE (h:Entity:Place {eid: $home, name: $homeName, placeKind: 'hotel', unitCode: '620102', location: point({longitude: toFloat($lon), latitude: toFloat($lat)}),
                                 searchText: $homeName, provenance: '{"name":{"source":"fx_derived","rid":"fx_derived:m1h"},"lon":{"source":"fx_derived","rid":"fx_derived:m1h"}}'})
         CREATE (r3:SourceRecord {rid: 'fx_derived:m1h', source: 'fx_derived', recordId: 'm1h', receivedAt: datetime('2026-10-02T00:00:00Z'), attrs: $a3})
         CREATE (r3)-[:RESOLVED_TO {role: 'home', decision: 'anchor', score: 1.0, at: datetime()}]->(h)
         CREATE (e)-[:RESIDES_AT {source: 'fx_derived', rid: 'fx_derived:m1'}]->(h)
         CREATE (e)-[:VISITED {at: datetime('2026-11-01T21:00:00Z'), kind: 'residence', source: 'fx_derived', rid: 'fx_derived:m1v', place: h.eid}]->(h)
         CREATE (e)-[:VISITED {at: datetime('2026-11-02T09:00:00Z'), kind: 'hotel_stay', source: 'fx_derived', rid: 'fx_derived:m1w', place: h.eid}]->(h)`,
        {
          p: P,
          rid: RID,
          home: HOME,
          homeName: `甘肃省兰州市城关区${STREET}`,
          lon: HOME_LON,
          lat: HOME_LAT,
          a1: JSON.stringify({ person }),
          raw1: JSON.stringify({ id_number: RID, name: '钱多多' }),
          rawIncident: JSON.stringify({ incident_no: 'FXM-I1', person_role: ROLE_IN_CASE }),
          a2: JSON.stringify({ person: { name: '钱多多', birthDate: '1990-03-07' } }),
          a3: JSON.stringify({ home: { name: `甘肃省兰州市城关区${STREET}`, placeKind: 'home', address: `甘肃省兰州市城关区${STREET}`, addressKey: STREET, lon: HOME_LON, lat: HOME_LAT } }),
        },
      );
    });
    await writeQualityReport(graph, {
      kind: 'batch',
      source: 'fx_derived',
      ownerUnit: '620000',
      batchId: `fx-derived-${Date.now()}`,
      at: new Date().toISOString(),
      overall: 0.5,
      scores: [{ rule: 'id_check_digit', dimension: 'validity', checked: 2, failed: 1, score: 0.5 }],
      examples: [{ rule: 'id_check_digit', source: 'fx_derived', rid: 'fx_derived:m1', field: 'person.residentId', severity: 'error', detail: `check digit of ${RID} is wrong`, value: RID, attribute: 'residentId' }],
    });
    // A shop ~143 m from the exact home (~400 m from its cell's centre), where someone else was seen
    // while the resident was home: what co-location must not use to range the home.
    await writeTx(graph, (tx) =>
      tx.run(
        `CREATE (q:Entity:Place {eid: $shop, name: '测试商店', placeKind: 'shop', unitCode: '620102', location: point({longitude: toFloat($lon) + 0.001, latitude: toFloat($lat) + 0.001})})
         CREATE (o:Entity:Person {eid: $other, name: '孙某', unitCode: '620102'})
         CREATE (o)-[:VISITED {at: datetime('2026-11-01T21:05:00Z'), kind: 'visit', source: 'fx_derived', rid: 'fx_derived:o1', place: q.eid}]->(q)
         CREATE (o)-[:VISITED {at: datetime('2026-11-02T09:05:00Z'), kind: 'visit', source: 'fx_derived', rid: 'fx_derived:o2', place: q.eid}]->(q)`,
        { shop: SHOP, other: OTHER, lon: HOME_LON, lat: HOME_LAT },
      ),
    );
    // A place with its place facts on the node: a home only for `fx_hidden` (not shared, owned by
    // the county), a shop for `fx_derived`, which everyone sees; and a shop ~143 m from it.
    await writeTx(graph, async (tx) => {
      await tx.run(`MERGE (n:Source {id: 'fx_hidden'}) SET n += $s`, {
        s: { nameZh: '隐藏住址测试源', nameEn: 'fixture hidden homes', ownerUnit: '620102', shareClass: 'none', grade: 4, fieldSensitivity: JSON.stringify({ 'home.address': 4 }) },
      });
      await tx.run(
        `CREATE (h:Entity:Place {eid: $place, name: '测试杂货店', placeKind: 'shop', unitCode: '620102', location: point({longitude: $lon, latitude: $lat}),
                                 inSources: ['fx_derived', 'fx_hidden'], recordRoles: ['fx_derived:place', 'fx_hidden:home'], homeSources: ['fx_hidden'],
                                 provenance: '{"name":{"source":"fx_derived","rid":"fx_derived:hp1"},"placeKind":{"source":"fx_derived","rid":"fx_derived:hp1"},"lon":{"source":"fx_derived","rid":"fx_derived:hp1"}}'})
         CREATE (r1:SourceRecord {rid: 'fx_derived:hp1', source: 'fx_derived', recordId: 'hp1', receivedAt: datetime('2026-10-02T00:00:00Z'), attrs: $a1})
         CREATE (r1)-[:RESOLVED_TO {role: 'place', decision: 'anchor', score: 1.0, at: datetime()}]->(h)
         CREATE (r2:SourceRecord {rid: 'fx_hidden:hh1', source: 'fx_hidden', recordId: 'hh1', receivedAt: datetime('2026-10-03T00:00:00Z'), attrs: $a2})
         CREATE (r2)-[:RESOLVED_TO {role: 'home', decision: 'anchor', score: 1.0, at: datetime()}]->(h)
         CREATE (s:Entity:Person {eid: $subject, name: '周某', unitCode: '620102', inSources: ['fx_derived']})
         CREATE (s)-[:VISITED {at: datetime('2026-11-01T10:00:00Z'), kind: 'visit', source: 'fx_derived', rid: 'fx_derived:hv1', place: h.eid}]->(h)
         CREATE (q:Entity:Place {eid: $shop, name: '测试小卖部', placeKind: 'shop', unitCode: '620102', location: point({longitude: $lon + 0.001, latitude: $lat + 0.001})})
         CREATE (o:Entity:Person {eid: $other, name: '吴某', unitCode: '620102', inSources: ['fx_derived']})
         CREATE (o)-[:VISITED {at: datetime('2026-11-01T10:05:00Z'), kind: 'visit', source: 'fx_derived', rid: 'fx_derived:hv2', place: q.eid}]->(q)`,
        {
          place: HIDDEN_HOME, subject: HIDDEN_SUBJECT, shop: HIDDEN_SHOP, other: HIDDEN_OTHER, lon: 103.9311, lat: 36.0822,
          a1: JSON.stringify({ place: { name: '测试杂货店', placeKind: 'shop', lon: '103.9311', lat: '36.0822' } }),
          a2: JSON.stringify({ home: { name: '城关区隐藏路7号', placeKind: 'home', address: '城关区隐藏路7号', lon: '103.9311', lat: '36.0822' } }),
        },
      );
    });
  },
);
const HIDDEN_HOME = 'L-FXM3';
const HIDDEN_SHOP = 'L-FXM4';
const HIDDEN_SUBJECT = 'P-FXM3';
const HIDDEN_OTHER = 'P-FXM4';
const SHOP = 'L-FXM2';
const OTHER = 'P-FXM2';

/** Nothing in the answer rebuilds what masking hid. */
function noDerivedLeak(body: string) {
  expect(body).not.toContain(RID);
  for (const b of BIRTH) expect(body).not.toContain(b);
  expect(body).not.toContain(STREET);
  expect(body).not.toContain('QIANDUODUO');
  expect(body).not.toContain(HOME_LON);
  expect(body).not.toContain(HOME_LAT);
}

describe('derived attributes are masked like what they derive from (12.4)', () => {
  it('a masked resident ID comes with no birth date, birth county or address key that would rebuild it', async () => {
    const res = await as(app, 'otherCity', 'officer')({ url: `/api/entities/${P}` });
    expect(res.statusCode).toBe(200);
    const g = res.json().golden;
    expect(g.residentId).toMatchObject({ value: '620102********1234', masked: true });
    // birth date stated in plain by another source still completes the masked ID: masked with it
    expect(g.birthDate.masked).toBe(true);
    expect(g.birthCounty?.masked ?? true).toBe(true);
    expect(g.address.masked).toBe(true);
    expect(g.divisionCode?.masked ?? true).toBe(true);
    noDerivedLeak(res.body);
  });

  it('internal keys (*Key, py*, nameScript) are never part of an answer', async () => {
    for (const [level, role] of [['otherCity', 'officer'], ['province', 'officer'], ['province', 'analyst']] as const) {
      const res = await as(app, level, role)({ url: `/api/entities/${P}` });
      for (const k of INTERNAL) expect(Object.keys(res.json().golden)).not.toContain(k);
      expect(res.body).not.toContain('QIANDUODUO');
      expect(res.body).not.toContain('"duo duo"');
    }
  });

  it('the owner unit still reads the resident ID and birth date in plain', async () => {
    const res = await as(app, 'province', 'officer')({ url: `/api/entities/${P}` });
    const g = res.json().golden;
    expect(g.residentId).toMatchObject({ value: RID, masked: false });
    expect(g.birthDate).toMatchObject({ value: '1990-03-07', masked: false });
  });

  it("a home's exact position and street never leak through its lon/lat, name or address key", async () => {
    const viewer = as(app, 'otherCity', 'officer');
    const home = await viewer({ url: `/api/entities/${HOME}` });
    expect(home.statusCode).toBe(200);
    noDerivedLeak(home.body);
    const traj = await viewer({ url: `/api/entities/${P}/trajectory?${WINDOW}` });
    expect(traj.statusCode).toBe(200);
    noDerivedLeak(traj.body);
    // the node says hotel (merged from elsewhere); the record the viewer sees says home
    for (const f of traj.json().points.features) expect(f.properties.coarsened).toBe(true);
  });

  it('relation and path node summaries and search hits carry no derived value either', async () => {
    const rel = await as(app, 'otherCity', 'analyst')({ url: `/api/entities/${P}/relations?depth=2` });
    expect(rel.statusCode).toBe(200);
    expect(rel.json().nodes.map((n: { eid: string }) => n.eid)).toContain(HOME);
    noDerivedLeak(rel.body);
    const hits = await as(app, 'otherCity', 'officer')({ url: `/api/search?q=${encodeURIComponent('钱多多')}` });
    expect(hits.json().items.map((i: { eid: string }) => i.eid)).toContain(P);
    noDerivedLeak(hits.body);
  });
});

describe('no spatial filter locates a home more finely than its trajectory point (~1 km cell)', () => {
  const FROM = { from: '2026-11-01T00:00:00Z', to: '2026-11-03T00:00:00Z' };
  const WIDE = { lon: 103.87, lat: 36.05, radiusM: 5000, ...FROM };
  const collide = (windows: object[]) => as(app, 'otherCity', 'analyst')({ method: 'POST', url: '/api/analysis/collision', payload: { windows } });
  const found = async (windows: object[]) => {
    const res = await collide(windows);
    expect(res.statusCode, res.body).toBe(200);
    noDerivedLeak(res.body);
    return res.json().matches.some((m: { entity: { eid: string } }) => m.entity.eid === P);
  };
  const square = (lon: number, lat: number, d: number) => ({
    type: 'Polygon',
    coordinates: [[[lon - d, lat - d], [lon + d, lat - d], [lon + d, lat + d], [lon - d, lat + d], [lon - d, lat - d]]],
  });

  it('a 1 m circle on the exact home finds no one; on the cell the trajectory shows it finds the resident', async () => {
    expect(await found([{ lon: Number(HOME_LON), lat: Number(HOME_LAT), radiusM: 1, ...FROM }, WIDE])).toBe(false);
    expect(await found([{ lon: 103.87, lat: 36.05, radiusM: 1, ...FROM }, WIDE])).toBe(true);
    // a circle that holds the exact home but not its cell: nothing either
    expect(await found([{ lon: Number(HOME_LON) + 0.001, lat: Number(HOME_LAT) + 0.001, radiusM: 300, ...FROM }, WIDE])).toBe(false);
  });

  it('a drawn polygon around the exact home finds no one; around the cell it does', async () => {
    expect(await found([{ polygon: square(Number(HOME_LON), Number(HOME_LAT), 0.0005), ...FROM }, WIDE])).toBe(false);
    expect(await found([{ polygon: square(103.87, 36.05, 0.0005), ...FROM }, WIDE])).toBe(true);
  });
});

describe('co-location ranges a home only from its cell', () => {
  const near = async (radiusM: number) => {
    const res = await as(app, 'otherCity', 'analyst')({ url: `/api/analysis/co-location?eid=${P}&${WINDOW}&windowMinutes=30&minCount=1&radiusM=${radiusM}` });
    expect(res.statusCode, res.body).toBe(200);
    noDerivedLeak(res.body);
    return res.json().coLocated.some((c: { entity: { eid: string } }) => c.entity.eid === OTHER);
  };

  it('a radius that holds the shop from the exact home but not from the cell finds no one; one from the cell does', async () => {
    expect(await near(200)).toBe(false); // 143 m from the home itself, ~400 m from its cell's centre
    expect(await near(450)).toBe(true);
  });
});

describe('co-location places a home as the viewer knows it (place facts, homeSources)', () => {
  const near = async (level: 'otherCity' | 'province', radiusM: number) => {
    const res = await as(app, level, 'analyst')({ url: `/api/analysis/co-location?eid=${HIDDEN_SUBJECT}&${WINDOW}&windowMinutes=30&minCount=1&radiusM=${radiusM}` });
    expect(res.statusCode, res.body).toBe(200);
    return res.json().coLocated.some((c: { entity: { eid: string } }) => c.entity.eid === HIDDEN_OTHER);
  };

  it('a home known only from a source the viewer cannot see is the shop the viewer sees: ranged from its position', async () => {
    // the viewer's trajectory shows the place where it is, not at a cell
    const traj = await as(app, 'otherCity', 'analyst')({ url: `/api/entities/${HIDDEN_SUBJECT}/trajectory?${WINDOW}` });
    expect(traj.statusCode, traj.body).toBe(200);
    const pt = traj.json().points.features[0];
    expect(pt.properties.coarsened).toBe(false);
    expect(pt.geometry.coordinates).toEqual([103.9311, 36.0822]);
    expect(await near('otherCity', 200)).toBe(true); // 143 m from the place's position
  });

  it('a viewer who sees the source that calls it a home ranges it only from its cell', async () => {
    expect(await near('province', 200)).toBe(false); // ~400 m from the cell's centre
    expect(await near('province', 450)).toBe(true);
  });
});

describe('search is no oracle for masked values (12.14)', () => {
  it('a full resident ID the viewer sees only masked finds nothing, the same as an unknown one', async () => {
    const viewer = as(app, 'otherCity', 'officer');
    const known = await viewer({ url: `/api/search?q=${RID}` });
    const unknown = await viewer({ url: '/api/search?q=620102199003079999' });
    expect(known.statusCode).toBe(200);
    expect(known.json()).toEqual(unknown.json());
    expect(known.json().total).toBe(0);
    // with a visible name it still confirms nothing
    expect((await viewer({ url: `/api/search?q=${encodeURIComponent(`钱多多 ${RID}`)}` })).json().total).toBe(0);
    // nor does a guess of the hidden middle alone
    for (const b of BIRTH) expect((await viewer({ url: `/api/search?q=${b}` })).json().total).toBe(0);
  });

  it('the birth date (the masked ID\'s hidden middle) next to the visible name confirms nothing, whole or digit by digit', async () => {
    const viewer = as(app, 'otherCity', 'officer');
    const name = await viewer({ url: `/api/search?q=${encodeURIComponent('钱多多')}` });
    expect(name.json().total).toBe(1);
    // every guess, true or wrong, whole or a prefix, finds nothing: no answer tells them apart
    const guesses = ['1990', '199003', '19900307', '1990-03-07', '19900308', '1991'];
    const answers = [];
    for (const g of guesses) answers.push((await viewer({ url: `/api/search?q=${encodeURIComponent(`钱多多 ${g}`)}` })).json());
    for (const [i, a] of answers.entries()) expect(a.total, guesses[i]).toBe(0);
  });

  it('a mobile number shown as +86138****0001 cannot be confirmed by searching candidates', async () => {
    const viewer = as(app, 'otherCity', 'officer');
    const profile = await viewer({ url: `/api/entities/${E.P1}` });
    expect(profile.json().golden.phone).toMatchObject({ value: '+86138****0001', masked: true });
    for (const guess of ['13800000001', '+8613800000001', '13800000002']) {
      expect((await viewer({ url: `/api/search?q=${encodeURIComponent(guess)}` })).json().total).toBe(0);
    }
    // nor by the time it takes: a right guess of the hidden digits (whole, or the head the full-text
    // prefix `1380000*` reads) finds no candidate and reads no node, as a wrong one
    const otherCity = await viewerFor(app, 'otherCity', 'officer');
    await expectGuessesAlike(
      graph,
      otherCity,
      [
        ['13800000001', '13811110001'],
        ['+8613800000001', '+8613811110001'],
        ['1380000', '1381111'],
        ['1380', '1389'],
        ['86138000', '86138111'],
        ['张伟 13800000001', '张伟 13811110001'],
      ],
      (q) => q.startsWith('张'),
    );
    // the person is still found by what the viewer may see
    const byName = await viewer({ url: `/api/search?q=${encodeURIComponent('张伟')}` });
    expect(byName.json().items.map((i: { eid: string }) => i.eid)).toContain(E.P1);
  });

  it("a home's masked name (its address) cannot be confirmed by a guess that holds a digit", async () => {
    // the otherCity officer reads this home's address masked; a term holding a digit passes the
    // candidate guard by a name only when the viewer reads that name in plain
    const otherCity = await viewerFor(app, 'otherCity', 'officer');
    await expectGuessesAlike(graph, otherCity, [
      [STREET, STREET.replace('9', '8')],
      ['街9号', '街8号'],
    ]);
    // the owner unit reads the address in plain and finds the home by it
    const province = await viewerFor(app, 'province', 'officer');
    expect((await search(graph, province, STREET, null, 1, 20)).items.map((i) => i.eid)).toContain(HOME);
  });

  it('a viewer who may read the identifier in plain still finds by it', async () => {
    const res = await as(app, 'province', 'officer')({ url: `/api/search?q=${RID}` });
    expect(res.json().items.map((i: { eid: string }) => i.eid)).toEqual([P]);
    for (const q of ['13800000001', '+8613800000001', '张伟 13800000001']) {
      const phone = await as(app, 'province', 'officer')({ url: `/api/search?q=${encodeURIComponent(q)}` });
      expect(phone.json().items.map((i: { eid: string }) => i.eid), q).toContain(E.P1);
    }
  });
});

describe('quality examples and tickets follow the same masking (12.7)', () => {
  it('a planner of the owner unit reads quality examples masked; an analyst of the owner unit in plain', async () => {
    const planner = await as(app, 'province', 'planner', null)({ url: '/api/quality/reports?source=fx_derived' });
    expect(planner.statusCode).toBe(200);
    expect(planner.body).not.toContain(RID);
    const ex = planner.json().items[0].examples[0];
    expect(ex).toMatchObject({ value: '620102********1234', masked: true });
    expect(ex.detail).not.toContain(RID);
    const analyst = await as(app, 'province', 'analyst')({ url: '/api/quality/reports?source=fx_derived' });
    expect(analyst.json().items[0].examples[0]).toMatchObject({ value: RID, masked: false });
    // a request that states no purpose is no individual-level work: the owner's analyst too reads the ID masked
    const unstated = await as(app, 'province', 'analyst', null)({ url: '/api/quality/reports?source=fx_derived' });
    expect(unstated.json().items[0].examples[0]).toMatchObject({ value: '620102********1234', masked: true });
    const admin = await as(app, 'province', 'admin', null)({ url: '/api/quality/reports?source=fx_derived' });
    expect(admin.body).not.toContain(RID);
  });

  it('opening a ticket on a column the caller sees masked does not echo its raw value, nor does listing it', async () => {
    const officer = as(app, 'otherCity', 'officer');
    for (const field of ['person.residentId', 'id_number', 'person.birthDate']) {
      const res = await officer({ method: 'POST', url: '/api/quality/tickets', payload: { rid: 'fx_derived:m1', field, reason: '证件号有误' } });
      expect(res.statusCode).toBe(201);
      expect(res.body).not.toContain(RID);
      for (const b of BIRTH) expect(res.body).not.toContain(b);
      const one = await officer({ url: `/api/quality/tickets/${res.json().id}` });
      expect(one.statusCode).toBe(200);
      expect(one.body).not.toContain(RID);
    }
    // a home's coordinates are graded 1 by the source (as the household registry grades them), yet they are its address to the metre
    for (const field of ['home.lon', 'home.lat']) {
      const res = await officer({ method: 'POST', url: '/api/quality/tickets', payload: { rid: 'fx_derived:m1h', field, reason: '坐标有误' } });
      expect(res.statusCode).toBe(201);
      expect(res.json().reportedValue).toBe('***');
      expect(res.body).not.toContain(HOME_LON);
      expect(res.body).not.toContain(HOME_LAT);
    }
    const list = await officer({ url: '/api/quality/tickets' });
    expect(list.json().items.length).toBeGreaterThanOrEqual(5);
    expect(list.body).not.toContain(HOME_LON);
    expect(list.body).not.toContain(RID);
    // the owner unit's officer, who may read it, sees what was reported
    const owner = await as(app, 'province', 'officer')({ url: '/api/quality/tickets?source=fx_derived' });
    expect(owner.json().items.some((t: { reportedValue: string }) => t.reportedValue === RID)).toBe(true);
    const unstated = await as(app, 'province', 'officer', null)({ url: '/api/quality/tickets?source=fx_derived' });
    expect(unstated.body).not.toContain(RID);
  });

  it("a record's own column keeps its catalog grade in a ticket: a person's role in a case is masked for an admin", async () => {
    const opened = await as(app, 'province', 'officer')({ method: 'POST', url: '/api/quality/tickets', payload: { rid: 'incident:FXM-I1', field: 'person_role', reason: '角色有误' } });
    expect(opened.statusCode).toBe(201);
    expect(opened.json().reportedValue).toBe(ROLE_IN_CASE);
    const admin = await as(app, 'province', 'admin', null)({ url: `/api/quality/tickets/${opened.json().id}` });
    expect(admin.statusCode).toBe(200);
    expect(admin.json().reportedValue).toBe('***');
    expect(admin.body).not.toContain(ROLE_IN_CASE);
  });
});
