/**
 * Findings of the fifth security review (2026-12-02), each a class: an answer showed, matched or
 * counted what the profile of the same thing masks, or left something out of the trail, or a key
 * outlived its source's owner. Each test failed before its fix.
 * - search matches a home's name and address under the address rule and never its exact position (`searchableOf`);
 * - a value that completes a masked identifier (a birth date) is masked under its record (`maskInRecord`):
 *   review explanations, tickets, quality examples;
 * - a place is a home for every answer alike (`isHome` with `EntityRow.home`, `HOME_FOR_VIEWER`);
 * - warning rules place a home at its cell and need the county's / kind's source visible (`areaSources`);
 * - the audit never drops body items silently (`…+N more`, `bodyHmac`);
 * - identifiers written with separators are masked as search reads them (`maskSeparatedIdentifiers`);
 * - a source key reads batches only while it may deliver (`keyMaySee`);
 * - search `total` counts only checked hits.
 */
import { createHmac } from 'node:crypto';
import { auditDigestKey } from '../../server/src/audit/chain.ts';
import { type Graph, writeTx } from '@onemap/graph-schema/server';
import type { FastifyInstance } from 'fastify';
import { describe, expect, it } from 'vitest';
import { evaluateWarnings } from '@onemap/resolver/derive';
import { Redis } from 'ioredis';
import { testEnv } from '../helpers/env.ts';
import { ADMIN_PURPOSE, as, asSource, sourceKeyFor, useServerApp } from '../helpers/server-app.ts';
import { E, FX } from '../helpers/server-fixtures.ts';

let graph: Graph;
let app: FastifyInstance;

// A household-like source: delivers the birth date itself (grade 3) beside the resident ID (grade 4).
const HH = 'fx_hh';
const ID = '620102199001011234';
const mention = (id: string) => JSON.stringify({ person: { kind: 'Person', identifiers: [{ kind: 'resident_id', value: id }], flags: [] } });
const attrs = (id: string) => JSON.stringify({ person: { name: '沙悟净', nameScript: 'han', family: '沙', given: '悟净', pyFamily: 'sha', pyGiven: 'wujing', birthDate: '1990-01-01', residentId: id } });

useServerApp(
  { RATE_LIMIT_PER_MINUTE: 1_000_000 },
  (s) => {
    ({ app, graph } = s);
  },
  async (g) => {
    const yearAhead = new Date(Date.now() + 365 * 86_400_000).toISOString();
    await writeTx(g, async (tx) => {
      await tx.run(
        `CREATE (:Source {id: $hh, nameZh: '户籍样例', nameEn: 'household-like', ownerUnit: '620000', shareClass: 'conditional', grade: 3,
                          fieldSensitivity: $fs})`,
        { hh: HH, fs: JSON.stringify({ 'person.name': 3, 'person.residentId': 4, 'person.birthDate': 3, 'home.address': 4, 'place.name': 1, 'place.lon': 1, 'place.lat': 1 }) },
      );
      // the county may use it for casework, without the resident ID (fields: [])
      await tx.run(
        `CREATE (n:Grant {id: 'G-00000000-0000-0000-0000-0000000s1201', unitCode: '620102', sourceId: $hh, purposes: ['criminal_case'], fields: [],
                          expiresAt: datetime($exp), revoked: false})`,
        { hh: HH, exp: yearAhead },
      );
      // A: a possible match from the household-like source (resident ID masked for the county, birth date plain);
      // B: its candidate, from the conditional source whose grant unmasks the resident ID for the county.
      await tx.run(
        `CREATE (a:Entity:Person {eid: 'P-S12A', name: '沙悟净', provenance: $pa})
         CREATE (b:Entity:Person {eid: 'P-S12B', name: '沙悟净', provenance: $pb})
         CREATE (ra:SourceRecord {rid: 'fx_hh:s12a', source: $hh, recordId: 's12a', receivedAt: datetime('2026-10-02T00:00:00Z'), attrs: $attrs, mentions: $mention, hash: 's12a'})
         CREATE (rb:SourceRecord {rid: 'fx_cond:s12b', source: $cond, recordId: 's12b', receivedAt: datetime('2026-10-02T00:00:00Z'), attrs: $attrs, mentions: $mention, hash: 's12b'})
         CREATE (ra)-[:RESOLVED_TO {role: 'person', decision: 'possible_match', candidate: 'P-S12B', score: 0.55, at: datetime()}]->(a)
         CREATE (rb)-[:RESOLVED_TO {role: 'person', decision: 'anchor', score: 1.0, at: datetime()}]->(b)`,
        {
          hh: HH,
          cond: FX.cond,
          pa: JSON.stringify({ name: { source: HH, rid: 'fx_hh:s12a' } }),
          pb: JSON.stringify({ name: { source: FX.cond, rid: 'fx_cond:s12b' } }),
          attrs: attrs(ID),
          mention: mention(ID),
        },
      );
      // F4: a place the open source names and places (point), whose county only the non-shared source states;
      // a person of the open source sighted there once.
      await tx.run(
        `CREATE (pl:Entity:Place {eid: 'L-S12J', name: '探针网吧', placeKind: 'internet_cafe', unitCode: '620102', location: point({longitude: 103.86, latitude: 36.05}),
                                 searchText: '探针网吧', provenance: $plprov})
         CREATE (ro:SourceRecord {rid: 'fx_open:place-s12j', source: $open, recordId: 'place-s12j', receivedAt: datetime('2026-10-01T00:00:00Z'),
                                  attrs: '{"place":{"name":"探针网吧","placeKind":"internet_cafe"}}', hash: 'ps12jo'})
         CREATE (rc:SourceRecord {rid: 'fx_closed:place-s12j', source: $closed, recordId: 'place-s12j', receivedAt: datetime('2026-10-01T00:00:00Z'),
                                  attrs: '{"place":{"address":"城关区某路1号","divisionCode":"620102"}}', hash: 'ps12jc'})
         CREATE (ro)-[:RESOLVED_TO {role: 'place', decision: 'anchor', score: 1.0, at: datetime()}]->(pl)
         CREATE (rc)-[:RESOLVED_TO {role: 'place', decision: 'anchor', score: 1.0, at: datetime()}]->(pl)
         CREATE (pp:Entity:Person {eid: 'P-S12P', name: '唐三藏', provenance: $ppprov})
         CREATE (rp:SourceRecord {rid: 'fx_open:s12p', source: $open, recordId: 's12p', receivedAt: datetime('2026-10-01T00:00:00Z'), attrs: '{"person":{"name":"唐三藏"}}', hash: 's12p'})
         CREATE (rp)-[:RESOLVED_TO {role: 'person', decision: 'anchor', score: 1.0, at: datetime()}]->(pp)
         CREATE (pp)-[:VISITED {source: $open, rid: 'fx_open:s12v', at: datetime('2026-11-20T10:00:00Z'), kind: 'internet_login', place: pl.eid}]->(pl)`,
        {
          open: FX.open,
          closed: FX.closed,
          plprov: JSON.stringify({
            name: { source: FX.open, rid: 'fx_open:place-s12j' },
            unitCode: { source: FX.closed, rid: 'fx_closed:place-s12j' },
            lon: { source: FX.open, rid: 'fx_open:place-s12j' },
            lat: { source: FX.open, rid: 'fx_open:place-s12j' },
          }),
          ppprov: JSON.stringify({ name: { source: FX.open, rid: 'fx_open:s12p' } }),
        },
      );
      // F6: a home known as one only by a residence trace (the node's kind says nothing), address grade 4 in its source.
      await tx.run(
        `CREATE (pl:Entity:Place {eid: 'L-S12H', name: '某小区', unitCode: '620102', location: point({longitude: 103.8612, latitude: 36.0437}), searchText: '某小区', provenance: $plprov})
         CREATE (rp:SourceRecord {rid: 'fx_hh:place-s12h', source: $hh, recordId: 'place-s12h', receivedAt: datetime('2026-10-01T00:00:00Z'), attrs: '{"place":{"name":"某小区"}}', hash: 'ps12h'})
         CREATE (rp)-[:RESOLVED_TO {role: 'place', decision: 'anchor', score: 1.0, at: datetime()}]->(pl)
         CREATE (q:Entity:Person {eid: 'P-S12Q', name: '猪悟能', provenance: $qprov})
         CREATE (rq:SourceRecord {rid: 'fx_hh:s12q', source: $hh, recordId: 's12q', receivedAt: datetime('2026-10-01T00:00:00Z'), attrs: '{"person":{"name":"猪悟能"}}', hash: 's12q'})
         CREATE (rq)-[:RESOLVED_TO {role: 'person', decision: 'anchor', score: 1.0, at: datetime()}]->(q)
         CREATE (q)-[:VISITED {source: $hh, rid: 'fx_hh:s12r', at: datetime('2026-11-21T20:00:00Z'), kind: 'residence', place: pl.eid}]->(pl)`,
        {
          hh: HH,
          plprov: JSON.stringify({ name: { source: HH, rid: 'fx_hh:place-s12h' }, lon: { source: HH, rid: 'fx_hh:place-s12h' }, lat: { source: HH, rid: 'fx_hh:place-s12h' } }),
          qprov: JSON.stringify({ name: { source: HH, rid: 'fx_hh:s12q' } }),
        },
      );
      // F7: 45 visible namesakes (open source), and one visible person whose only 白骨精 record is non-shared.
      await tx.run(
        `UNWIND range(1, 45) AS i
         CREATE (e:Entity:Person {eid: 'P-S12N' + right('0' + toString(i), 2), name: '白骨精', searchText: '白骨精',
                                  provenance: '{"name":{"source":"fx_open","rid":"fx_open:s12n' + toString(i) + '"}}'})
         CREATE (r:SourceRecord {rid: 'fx_open:s12n' + toString(i), source: 'fx_open', recordId: 's12n' + toString(i), receivedAt: datetime('2026-10-01T00:00:00Z'),
                                 attrs: '{"person":{"name":"白骨精"}}', hash: 's12n' + toString(i)})
         CREATE (r)-[:RESOLVED_TO {role: 'person', decision: 'anchor', score: 1.0, at: datetime()}]->(e)`,
      );
      await tx.run(
        `CREATE (e:Entity:Person {eid: 'P-S12Z', name: '牛魔王', searchText: $st, provenance: '{"name":{"source":"fx_open","rid":"fx_open:s12z"}}'})
         CREATE (ro:SourceRecord {rid: 'fx_open:s12z', source: 'fx_open', recordId: 's12z', receivedAt: datetime('2026-10-01T00:00:00Z'), attrs: '{"person":{"name":"牛魔王"}}', hash: 's12zo'})
         CREATE (rc:SourceRecord {rid: 'fx_closed:s12z', source: 'fx_closed', recordId: 's12z', receivedAt: datetime('2026-10-01T00:00:00Z'), attrs: '{"person":{"name":"白骨精"}}', hash: 's12zc'})
         CREATE (ro)-[:RESOLVED_TO {role: 'person', decision: 'anchor', score: 1.0, at: datetime()}]->(e)
         CREATE (rc)-[:RESOLVED_TO {role: 'person', decision: 'anchor', score: 1.0, at: datetime()}]->(e)`,
        { st: `牛魔王 白骨精 ${Array.from({ length: 30 }, (_, i) => `填充${i}`).join(' ')}` },
      );
      // F8: a home (node kind and record say so) whose name is its address; addresses of homes are grade 4 in fx_hh.
      await tx.run(
        `CREATE (pl:Entity:Place {eid: 'L-S12K', name: '城关区某街9号2单元302', placeKind: 'home', unitCode: '620102', location: point({longitude: 103.8701, latitude: 36.0501}),
                                 searchText: '城关区某街9号2单元302', provenance: $prov})
         CREATE (r:SourceRecord {rid: 'fx_hh:place-s12k', source: $hh, recordId: 'place-s12k', receivedAt: datetime('2026-10-01T00:00:00Z'),
                                 attrs: '{"place":{"name":"城关区某街9号2单元302","placeKind":"home","lon":"103.8701","lat":"36.0501"}}', hash: 'ps12k'})
         CREATE (r)-[:RESOLVED_TO {role: 'place', decision: 'anchor', score: 1.0, at: datetime()}]->(pl)`,
        { hh: HH, prov: JSON.stringify({ name: { source: HH, rid: 'fx_hh:place-s12k' }, placeKind: { source: HH, rid: 'fx_hh:place-s12k' } }) },
      );
    });
  },
);

describe('F1 review queue: a value that completes a masked identifier is compared', () => {
  it('the birth date of a record whose resident ID is masked is not compared against the plain ID beside it', async () => {
    const county = as(app, 'county', 'analyst');
    const a = (await county({ url: '/api/entities/P-S12A' })).json();
    // the profile: resident ID masked, so the birth date (its hidden middle) is masked too (closeCompletions)
    expect(a.golden.residentId.masked).toBe(true);
    expect(a.golden.birthDate.masked).toBe(true);
    expect((await county({ url: '/api/entities/P-S12B' })).json().golden.residentId).toMatchObject({ value: ID, masked: false });
    const res = await county({ url: '/api/resolution/candidates' });
    expect(res.statusCode, res.body).toBe(200);
    const item = res.json().items.find((i: { rid: string }) => i.rid === 'fx_hh:s12a');
    expect(item, 'the pair is listed').toBeDefined();
    // "birth date: exact" beside B's plain 620102 19900101 1234 fills A's 620102********1234
    expect(JSON.stringify(item.explanation), 'the explanation compares the masked ID’s hidden middle').not.toMatch(/birth/i);
  });
});

describe('F2 audit: a body array past 50 items is never left out silently', () => {
  it('a unit batch of 60: the entry counts the ten past 50 and carries the whole body’s digest', async () => {
    const units = Array.from({ length: 60 }, (_, i) => ({ code: `620104${String(101 + i).padStart(3, '0')}`, name: `探针派出所${i}`, level: 'station', parent: '620104' }));
    const res = await as(app, 'province', 'admin', null)({ method: 'POST', url: '/api/admin/units', payload: { units } });
    expect(res.statusCode, res.body).toBe(200);
    const entries = await as(app, 'province', 'auditor', null)({ url: '/api/audit/entries?user=fx_province_admin&limit=1000' });
    expect(entries.statusCode, entries.body).toBe(200);
    const entry = entries.json().items.find((e: { route: string; method: string }) => e.route === '/api/admin/units' && e.method === 'POST');
    expect(entry, 'the request is audited').toBeDefined();
    expect(entry.paramsJson).toContain('620104101');
    // the ten units past the first 50 are counted, and the whole body is proven by its digest
    const params = JSON.parse(entry.paramsJson);
    expect(params.body.units.at(-1)).toBe('…+10 more');
    // keyed (a reader of the masked entry cannot test guesses against it): the server's audit digest key
    expect(params.bodyHmac, 'the whole body’s digest').toBe(createHmac('sha256', auditDigestKey(app.config.AUDIT_SIGNING_KEY)).update(JSON.stringify({ units })).digest('hex'));
  });
});

describe('F3 audit: an identifier written with separators reaches the auditor in plain', () => {
  it("a station officer's search '620102-19880505-1234' is a full resident-ID search, and the station auditor reads it unmasked", async () => {
    const officer = as(app, 'station', 'officer');
    const s = await officer({ url: `/api/search?q=${encodeURIComponent('620102-19880505-1234')}` });
    expect(s.statusCode, s.body).toBe(200);
    // the search took it as the whole ID (an exact match on P-FX1's resident ID, which the station reads through the county's grant)
    expect(s.json().items.find((i: { eid: string }) => i.eid === 'P-FX1')?.matchedBy).toBeDefined();
    const entries = await as(app, 'station', 'auditor', null)({ url: '/api/audit/entries?user=fx_station_officer&limit=1000' });
    expect(entries.statusCode, entries.body).toBe(200);
    const entry = entries.json().items.find((e: { route: string; paramsJson: string }) => e.route === '/api/search/' || e.route === '/api/search');
    expect(entry, 'the search is audited').toBeDefined();
    // the same search without separators is masked (620102********1234); with them it is not
    expect(entry.paramsJson, 'the audited resident ID is masked').not.toContain('19880505');
  });
});

describe("F4 early warning: a jurisdiction rule places a sighting by a county only a hidden source states", () => {
  it('the station sees no county for the place (facilities), yet its "enter 620102" rule fires on it and lists the hit', async () => {
    const officer = as(app, 'station', 'officer');
    // what the station may know of the place: its point and kind (open source), not its county (the non-shared source's address)
    const fac = await officer({ url: '/api/layers/facilities' });
    expect(fac.statusCode, fac.body).toBe(200);
    const f = fac.json().features.find((x: { properties: { eid: string } }) => x.properties.eid === 'L-S12J');
    expect(f, 'the place is a visible facility').toBeDefined();
    expect(f.properties.unitCode, 'its county is not shown to the station').toBeNull();
    const made = await officer({
      method: 'POST',
      url: '/api/warnings/rules',
      payload: { name: '唐三藏 入城关', kind: 'area', subjects: ['P-S12P'], jurisdiction: '620102', trigger: 'enter', expiresAt: new Date(Date.now() + 7 * 86_400_000).toISOString() },
    });
    expect(made.statusCode, made.body).toBe(201);
    const redis = new Redis(testEnv.REDIS_URL, { maxRetriesPerRequest: 3 });
    try {
      await evaluateWarnings(graph, redis, [{ eid: 'P-S12P', type: 'trace', at: '2026-11-20T10:00:00Z', source: FX.open, rid: 'fx_open:s12v' }], 'sec12-probe-events');
    } finally {
      redis.disconnect();
    }
    const hits = await officer({ url: `/api/warnings/rules/${made.json().id}/hits` });
    expect(hits.statusCode, hits.body).toBe(200);
    // a hit says "P-S12P entered 620102 at L-S12J": the place's county, which only fx_closed states
    expect(hits.json().items, 'no hit placed by a county the station may not see').toEqual([]);
  });
});

describe("F5 ingest: a source key keeps reading a source's batches after the source moved to another owner", () => {
  it("the county's key for its source reads the new owner's batch and rejects once the source belongs to another county", async () => {
    const key = await sourceKeyFor(app, [FX.closed], 'county');
    const batchId = `${FX.closed}.0123456789abcdef0123abcd`;
    await writeTx(graph, (tx) =>
      tx.run("CREATE (:Batch {batchId: $batchId, source: $closed, originalName: '七里河-线索-2026-12.csv', way: 'file', status: 'done', rows: 3, rejected: 0, receivedAt: '2026-12-01T00:00:00Z'})", {
        batchId,
        closed: FX.closed,
      }),
    );
    const moved = await as(app, 'city', 'admin', null)({ method: 'PATCH', url: `/api/admin/sources/${FX.closed}`, payload: { ownerUnit: '620103' } });
    expect(moved.statusCode, moved.body).toBe(200);
    try {
      // the key no longer delivers: its unit (620102) is not the owner (620103) nor above it
      const push = await asSource(app, key)({ method: 'POST', url: `/api/ingest/${FX.closed}`, payload: { records: [{ id: 'x1' }] } });
      expect(push.statusCode, push.body).not.toBe(202);
      const read = await asSource(app, key)({ url: `/api/ingest/jobs/${batchId}` });
      expect(read.statusCode, `a key not issued by the owner reads its batch: ${read.body}`).toBe(404);
    } finally {
      await as(app, 'province', 'admin', null)({ method: 'PATCH', url: `/api/admin/sources/${FX.closed}`, payload: { ownerUnit: '620102' } });
    }
  });
});

describe('F6 early warning: a polygon rule locates a home more finely than its ~1 km cell', () => {
  it('the trajectory shows the home coarsened, yet a 60 m polygon around its exact point fires', async () => {
    const officer = as(app, 'station', 'officer');
    const traj = await officer({ url: '/api/entities/P-S12Q/trajectory?from=2026-11-01T00:00:00Z&to=2026-12-01T00:00:00Z' });
    expect(traj.statusCode, traj.body).toBe(200);
    const pt = traj.json().points.features[0];
    expect(pt.properties.coarsened, 'the home is shown at its ~1 km cell').toBe(true);
    const [cx, cy] = pt.geometry.coordinates as [number, number];
    const d = 0.0003; // ~30 m around the exact point, far from the cell's shown position
    const box = [[103.8612 - d, 36.0437 - d], [103.8612 + d, 36.0437 - d], [103.8612 + d, 36.0437 + d], [103.8612 - d, 36.0437 + d], [103.8612 - d, 36.0437 - d]];
    expect(Math.abs(cx - 103.8612) > d || Math.abs(cy - 36.0437) > d, 'the shown position lies outside the polygon').toBe(true);
    const made = await officer({
      method: 'POST',
      url: '/api/warnings/rules',
      payload: { name: '猪悟能 到家', kind: 'area', subjects: ['P-S12Q'], polygon: { type: 'Polygon', coordinates: [box] }, trigger: 'enter', expiresAt: new Date(Date.now() + 7 * 86_400_000).toISOString() },
    });
    expect(made.statusCode, made.body).toBe(201);
    const redis = new Redis(testEnv.REDIS_URL, { maxRetriesPerRequest: 3 });
    try {
      await evaluateWarnings(graph, redis, [{ eid: 'P-S12Q', type: 'trace', at: '2026-11-21T20:00:00Z', source: HH, rid: 'fx_hh:s12r' }], 'sec12-probe-events');
    } finally {
      redis.disconnect();
    }
    const hits = await officer({ url: `/api/warnings/rules/${made.json().id}/hits` });
    expect(hits.statusCode, hits.body).toBe(200);
    expect(hits.json().items, 'a 60 m polygon must not confirm where the home is').toEqual([]);
  });
});

describe('F1b correction ticket: opening one echoes a value that completes a masked identifier', () => {
  it("the county analyst opens a ticket on the household-like record's birth date and reads it in plain, while its profile masks it", async () => {
    const county = as(app, 'county', 'analyst');
    const a = (await county({ url: '/api/entities/P-S12A' })).json();
    expect(a.golden.residentId.masked).toBe(true);
    expect(a.golden.birthDate.masked).toBe(true);
    const t = await county({ method: 'POST', url: '/api/quality/tickets', payload: { rid: 'fx_hh:s12a', field: 'person.birthDate', reason: '出生日期疑似错误' } });
    expect(t.statusCode, t.body).toBe(201);
    // 620102********1234 + 1990-01-01 = the whole resident ID
    expect(t.json().reportedValue, 'the echoed birth date completes the masked resident ID').not.toContain('1990');
  });
});

describe('F7 search: `total` counts a visible entity that only a hidden record names', () => {
  it("the station's total for 白骨精 moves with a name only the non-shared source states", async () => {
    const station = as(app, 'station', 'officer');
    const all = await station({ url: `/api/search?q=${encodeURIComponent('白骨精')}&pageSize=100` });
    expect(all.statusCode, all.body).toBe(200);
    const visibleHits = all.json().items.length;
    expect(all.json().items.map((i: { eid: string }) => i.eid)).not.toContain('P-S12Z');
    const one = await station({ url: `/api/search?q=${encodeURIComponent('白骨精')}&pageSize=1` });
    expect(one.statusCode, one.body).toBe(200);
    // every hit the station may see is counted; 牛魔王 (called 白骨精 only by fx_closed) must not be
    expect(one.json().total, `total ${one.json().total} vs ${visibleHits} visible hits: ${JSON.stringify({ ...one.json(), items: undefined })}`).toBeLessThanOrEqual(visibleHits);
  });
});

describe("F8 search: a home's address, masked in its profile, is matched in plain by search", () => {
  it('the station sees the home masked, yet searching the exact address finds it (an oracle for the masked address)', async () => {
    const station = as(app, 'station', 'officer');
    const prof = await station({ url: '/api/entities/L-S12K' });
    expect(prof.statusCode, prof.body).toBe(200);
    expect(prof.json().golden.name.masked, 'the home\'s address is masked for the station').toBe(true);
    const hit = await station({ url: `/api/search?q=${encodeURIComponent('城关区某街9号2单元302')}` });
    expect(hit.statusCode, hit.body).toBe(200);
    const found = hit.json().items.find((i: { eid: string }) => i.eid === 'L-S12K');
    expect(found ?? null, `a masked address confirmed by search: ${JSON.stringify(found)}`).toBeNull();
  });
});

describe('F8b search: the masked home address can be read out one character at a time', () => {
  it('a prefix one character past the mask finds the home only when the character is right', async () => {
    const station = as(app, 'station', 'officer');
    const finds = async (q: string) => (await station({ url: `/api/search?q=${encodeURIComponent(q)}` })).json().items.some((i: { eid: string }) => i.eid === 'L-S12K');
    const right = await finds('城关区某街9');
    const wrong = await finds('城关区某街8');
    // the mask shows 城关区某街****: the next character must not be confirmable
    expect({ right, wrong }, 'search tells the hidden 9 from a guessed 8').toEqual({ right: false, wrong: false });
  });
});

describe("F9 profile: a home known by its residence trace keeps its address-name plain outside the trajectory", () => {
  it('the trajectory masks the home name and coarsens it, the place profile shows the same name in plain', async () => {
    const station = as(app, 'station', 'officer');
    const traj = (await station({ url: '/api/entities/P-S12Q/trajectory?from=2026-11-01T00:00:00Z&to=2026-12-01T00:00:00Z' })).json();
    const p = traj.points.features[0].properties;
    expect(p.placeKind).toBe('home');
    expect(p.placeName, 'the trajectory masks the home').not.toBe('某小区');
    const prof = await station({ url: '/api/entities/L-S12H' });
    expect(prof.statusCode, prof.body).toBe(200);
    expect(prof.json().golden.name, `the place profile: ${JSON.stringify(prof.json().golden.name)}, location ${JSON.stringify(prof.json().location)}`).toMatchObject({ masked: true });
  });
});

describe("F8c search: a home's exact coordinates, coarsened in every answer, are read out digit by digit", () => {
  it('the profile places the home at its ~1 km cell; search confirms its exact longitude (and, by prefix, each further digit)', async () => {
    const station = as(app, 'station', 'officer');
    const prof = (await station({ url: '/api/entities/L-S12K' })).json();
    expect(prof.location.lon, 'the profile coarsens the home').not.toBe(103.8701);
    const finds = async (q: string) => (await station({ url: `/api/search?q=${encodeURIComponent(q)}` })).json().items.some((i: { eid: string }) => i.eid === 'L-S12K');
    const right = await finds('城关区某街 103.8701');
    const wrong = await finds('城关区某街 103.8755');
    expect({ right, wrong }, 'search tells the exact longitude 103.8701 from 103.8755').toEqual({ right: false, wrong: false });
  });
});

describe('a watch is ended only by who may list it, or who made it', () => {
  it("a colleague who may not see the watched person gets 404 for the watch's id, the creator ends it", async () => {
    const creator = as(app, 'wrongPurposeCounty', 'officer', ADMIN_PURPOSE);
    const made = await creator({ method: 'POST', url: '/api/watches', payload: { eid: E.P4 } });
    expect(made.statusCode, made.body).toBe(201);
    const colleague = as(app, 'wrongPurposeCounty', 'analyst');
    const listed = (await colleague({ url: '/api/watches' })).json().items.map((w: { id: string }) => w.id);
    expect(listed, 'the colleague may not list it').not.toContain(made.json().id);
    const ended = await colleague({ method: 'DELETE', url: `/api/watches/${made.json().id}` });
    expect(ended.statusCode, ended.body).toBe(404);
    const byCreator = await creator({ method: 'DELETE', url: `/api/watches/${made.json().id}` });
    expect(byCreator.statusCode, byCreator.body).toBe(200);
  });
});

