/**
 * Findings of the sixth security review (sec13), each kept as the test that failed before its fix:
 * - S1 the audit entries' hashes let an auditor test guesses of the identifiers their answer masks
 *   (digests are keyed now: `auditDigestKey`);
 * - S5 the watch stream pushed the alerts of a colleague's rule the caller may not list
 *   (`hitVisibleTo`, one test for the hits list and the stream);
 * - S6 the layers' extent published one sighting's exact time (whole UTC days now: `extentInWholeDays`);
 * - S2 a ticket echoed a birth date completing a resident ID the viewer sees masked on another
 *   record of the same person (`recordMasker`: the entity's identifiers, as a profile lists them);
 * - S3 / S3b an area rule's sighting before, and a co-travel rule's known companions, were read over
 *   every source: a hidden sighting or edge decided whether the unit was alerted (rules are now
 *   evaluated in their creator's view, `viewSources`);
 * - S7 relation, path and hit summaries named a person by the node's name, chosen over every
 *   source's records (a hidden vote): a node is summarized from itself only when `SEEN_WHOLE`.
 */

import http from 'node:http';
import { type Graph, writeTx } from '@onemap/graph-schema/server';
import { evaluateCoTravelWarnings, evaluateWarnings } from '@onemap/resolver/derive';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { unkeyedEntryHash } from '../../server/src/audit/chain.ts';
import { testEnv } from '../helpers/env.ts';
import { ADMIN_PURPOSE, as, useServerApp } from '../helpers/server-app.ts';
import { E, FX } from '../helpers/server-fixtures.ts';

const CHANNEL = `onemap:events:sec13-${process.pid}`;

let graph: Graph;
let app: FastifyInstance;

const HH = 'fx_hh13';
const ID = '620102199001011234';

useServerApp(
  { RATE_LIMIT_PER_MINUTE: 1_000_000, EVENTS_CHANNEL: CHANNEL },
  (s) => {
    ({ app, graph } = s);
  },
  async (g) => {
    const yearAhead = new Date(Date.now() + 365 * 86_400_000).toISOString();
    await writeTx(g, async (tx) => {
      // S2: a household-like conditional source; the county may use it for casework without the resident ID.
      await tx.run(
        `CREATE (:Source {id: $hh, nameZh: '户籍样例13', nameEn: 'household-like 13', ownerUnit: '620000', shareClass: 'conditional', grade: 3,
                          fieldSensitivity: $fs})`,
        { hh: HH, fs: JSON.stringify({ 'person.name': 3, 'person.residentId': 4, 'person.birthDate': 3 }) },
      );
      await tx.run(
        `CREATE (n:Grant {id: 'G-00000000-0000-0000-0000-0000000s1301', unitCode: '620102', sourceId: $hh, purposes: ['criminal_case'], fields: [],
                          expiresAt: datetime($exp), revoked: false})`,
        { hh: HH, exp: yearAhead },
      );
      // S2: person with the resident ID from fx_hh13 (masked for the county) and a birth date from the county's own fx_closed.
      await tx.run(
        `CREATE (a:Entity:Person {eid: 'P-S13A', name: '孙悟空', residentId: $id, provenance: $prov})
         CREATE (ra:SourceRecord {rid: 'fx_hh13:s13a', source: $hh, recordId: 's13a', receivedAt: datetime('2026-10-02T00:00:00Z'),
                                  attrs: $attrsA, mentions: $mention, hash: 's13a'})
         CREATE (rb:SourceRecord {rid: 'fx_closed:s13a', source: $closed, recordId: 's13a', receivedAt: datetime('2026-10-03T00:00:00Z'),
                                  attrs: $attrsB, hash: 's13b'})
         CREATE (ra)-[:RESOLVED_TO {role: 'person', decision: 'anchor', score: 1.0, at: datetime()}]->(a)
         CREATE (rb)-[:RESOLVED_TO {role: 'person', decision: 'anchor', score: 1.0, at: datetime()}]->(a)`,
        {
          hh: HH,
          closed: FX.closed,
          id: ID,
          prov: JSON.stringify({
            name: { source: HH, rid: 'fx_hh13:s13a' },
            residentId: { source: HH, rid: 'fx_hh13:s13a' },
          }),
          attrsA: JSON.stringify({ person: { name: '孙悟空', residentId: ID } }),
          attrsB: JSON.stringify({ person: { name: '孙悟空', birthDate: '1990-01-01' } }),
          mention: JSON.stringify({
            person: { kind: 'Person', identifiers: [{ kind: 'resident_id', value: ID }], flags: [] },
          }),
        },
      );
      // S3: two open-source places far apart; two persons of the open source.
      await tx.run(
        `CREATE (o:Entity:Place {eid: 'L-S13OUT', name: '探针宾馆甲', placeKind: 'hotel', location: point({longitude: 103.50, latitude: 36.50}), provenance: $po})
         CREATE (i:Entity:Place {eid: 'L-S13IN', name: '探针宾馆乙', placeKind: 'hotel', location: point({longitude: 103.90, latitude: 36.10}), provenance: $pi})
         CREATE (ro:SourceRecord {rid: 'fx_open:place-s13out', source: $open, recordId: 'place-s13out', receivedAt: datetime('2026-10-01T00:00:00Z'),
                                  attrs: '{"place":{"name":"探针宾馆甲","placeKind":"hotel","lon":"103.50","lat":"36.50"}}', hash: 'ps13o'})
         CREATE (ri:SourceRecord {rid: 'fx_open:place-s13in', source: $open, recordId: 'place-s13in', receivedAt: datetime('2026-10-01T00:00:00Z'),
                                  attrs: '{"place":{"name":"探针宾馆乙","placeKind":"hotel","lon":"103.90","lat":"36.10"}}', hash: 'ps13i'})
         CREATE (ro)-[:RESOLVED_TO {role: 'place', decision: 'anchor', score: 1.0, at: datetime()}]->(o)
         CREATE (ri)-[:RESOLVED_TO {role: 'place', decision: 'anchor', score: 1.0, at: datetime()}]->(i)
         WITH o, i
         UNWIND [['P-S13W', '探针甲'], ['P-S13X', '探针乙']] AS px
         CREATE (p:Entity:Person {eid: px[0], name: px[1], provenance: '{"name":{"source":"fx_open","rid":"fx_open:' + px[0] + '"}}'})
         CREATE (r:SourceRecord {rid: 'fx_open:' + px[0], source: 'fx_open', recordId: px[0], receivedAt: datetime('2026-10-01T00:00:00Z'),
                                 attrs: '{"person":{"name":"' + px[1] + '"}}', hash: px[0]})
         CREATE (r)-[:RESOLVED_TO {role: 'person', decision: 'anchor', score: 1.0, at: datetime()}]->(p)
         CREATE (p)-[:VISITED {source: 'fx_open', rid: 'fx_open:v1-' + px[0], at: datetime('2026-11-10T10:00:00Z'), kind: 'hotel_checkin', place: o.eid}]->(o)
         CREATE (p)-[:VISITED {source: 'fx_open', rid: 'fx_open:v2-' + px[0], at: datetime('2026-11-10T14:00:00Z'), kind: 'hotel_checkin', place: i.eid}]->(i)`,
        {
          open: FX.open,
          po: JSON.stringify({
            name: { source: FX.open, rid: 'fx_open:place-s13out' },
            lon: { source: FX.open, rid: 'fx_open:place-s13out' },
            lat: { source: FX.open, rid: 'fx_open:place-s13out' },
            placeKind: { source: FX.open, rid: 'fx_open:place-s13out' },
          }),
          pi: JSON.stringify({
            name: { source: FX.open, rid: 'fx_open:place-s13in' },
            lon: { source: FX.open, rid: 'fx_open:place-s13in' },
            lat: { source: FX.open, rid: 'fx_open:place-s13in' },
            placeKind: { source: FX.open, rid: 'fx_open:place-s13in' },
          }),
        },
      );
      // S3: only for P-S13W, a sighting of the non-shared source at the inside place between the two visible ones.
      await tx.run(
        `MATCH (p:Person {eid: 'P-S13W'}), (i:Place {eid: 'L-S13IN'})
         CREATE (p)-[:VISITED {source: $closed, rid: 'fx_closed:vh-s13w', at: datetime('2026-11-10T12:00:00Z'), kind: 'internet_login', place: i.eid}]->(i)`,
        { closed: FX.closed },
      );
      // S7: a person the open source names twice (李雷 older, 李蕾 newer) and the non-shared source twice more as 李雷:
      // the node's name (chosen over every source by frequency) is 李雷, from the open record.
      await tx.run(
        `CREATE (:Source {id: 'fx_open13', nameZh: '开放样例13', nameEn: 'open 13', ownerUnit: '620000', shareClass: 'unconditional', grade: 2, fieldSensitivity: '{"person.name":3,"case.name":1}'})`,
      );
      await tx.run(
        `CREATE (p:Entity:Person {eid: 'P-S13L', name: '李雷', provenance: '{"name":{"source":"fx_open13","rid":"fx_open13:s13l1"}}'})
         CREATE (c:Entity:Case {eid: 'C-S13', name: '探针案', caseNumber: 'A620102202611S13', provenance: '{"name":{"source":"fx_open13","rid":"fx_open13:s13c"}}'})
         CREATE (rc:SourceRecord {rid: 'fx_open13:s13c', source: 'fx_open13', recordId: 's13c', receivedAt: datetime('2026-10-01T00:00:00Z'), attrs: '{"case":{"name":"探针案"}}', hash: 's13c'})
         CREATE (rc)-[:RESOLVED_TO {role: 'case', decision: 'anchor', score: 1.0, at: datetime()}]->(c)
         CREATE (p)-[:INVOLVED_IN {source: 'fx_open13', rid: 'fx_open13:s13l1', role: 'witness'}]->(c)
         WITH p
         UNWIND [['fx_open13:s13l1', 'fx_open13', '李雷', '2026-10-01T00:00:00Z'], ['fx_open13:s13l2', 'fx_open13', '李蕾', '2026-10-05T00:00:00Z'],
                 ['fx_closed:s13l3', 'fx_closed', '李雷', '2026-10-02T00:00:00Z'], ['fx_closed:s13l4', 'fx_closed', '李雷', '2026-10-03T00:00:00Z']] AS x
         CREATE (r:SourceRecord {rid: x[0], source: x[1], recordId: x[0], receivedAt: datetime(x[3]), attrs: '{"person":{"name":"' + x[2] + '"}}', hash: x[0]})
         CREATE (r)-[:RESOLVED_TO {role: 'person', decision: 'anchor', score: 1.0, at: datetime()}]->(p)`,
      );
      // S3b: two more persons of the open source (红孩儿); P-S13Y1 also has a record of the non-shared source.
      await tx.run(
        `UNWIND [['P-S13Y1', $long], ['P-S13Y2', '红孩儿']] AS py
         CREATE (p:Entity:Person {eid: py[0], name: '红孩儿', searchText: py[1], provenance: '{"name":{"source":"fx_open","rid":"fx_open:' + py[0] + '"}}'})
         CREATE (r:SourceRecord {rid: 'fx_open:' + py[0], source: 'fx_open', recordId: py[0], receivedAt: datetime('2026-10-01T00:00:00Z'),
                                 attrs: '{"person":{"name":"红孩儿"}}', hash: py[0]})
         CREATE (r)-[:RESOLVED_TO {role: 'person', decision: 'anchor', score: 1.0, at: datetime()}]->(p)`,
        { long: `红孩儿 ${Array.from({ length: 20 }, (_, i) => `隐藏${i}`).join(' ')}` },
      );
      await tx.run(
        `MATCH (p:Person {eid: 'P-S13Y1'})
         CREATE (r:SourceRecord {rid: 'fx_closed:s13y1', source: 'fx_closed', recordId: 's13y1', receivedAt: datetime('2026-10-01T00:00:00Z'),
                                 attrs: '{"person":{"name":"红孩儿","address":"火云洞"}}', hash: 's13y1'})
         CREATE (r)-[:RESOLVED_TO {role: 'person', decision: 'anchor', score: 1.0, at: datetime()}]->(p)`,
      );
    });
  },
);

describe('S1 audit: the entry hash lets an auditor recover the identifiers the answer masks', () => {
  it("the station auditor reads a masked resident ID in an officer's search and recovers its hidden digits from hash and prevHash", async () => {
    const officer = as(app, 'station', 'officer');
    const s = await officer({ url: '/api/search?q=620102198805051234' });
    expect(s.statusCode, s.body).toBe(200);
    const entries = await as(
      app,
      'station',
      'auditor',
      null,
    )({ url: '/api/audit/entries?user=fx_station_officer&limit=1000' });
    expect(entries.statusCode, entries.body).toBe(200);
    const entry = entries
      .json()
      .items.find(
        (e: { paramsJson: string; route: string }) =>
          e.route.startsWith('/api/search') && e.paramsJson.includes('620102*'),
      );
    expect(entry, 'the search is audited, its ID masked').toBeDefined();
    const masked = entry.paramsJson as string;
    expect(masked).toContain('620102********1234');
    // offline: try every birth date 1950..2009 as the hidden middle (without the server's key: all a reader has)
    let recovered: string | null = null;
    let tried = 0;
    for (let d = Date.UTC(1950, 0, 1); d < Date.UTC(2010, 0, 1) && !recovered; d += 86_400_000) {
      const mid = new Date(d).toISOString().slice(0, 10).replaceAll('-', '');
      tried++;
      const paramsJson = masked.replace('620102********1234', `620102${mid}1234`);
      const { hash, ...rest } = entry;
      if (unkeyedEntryHash({ ...rest, paramsJson }) === hash) recovered = `620102${mid}1234`;
    }
    expect(recovered, `after ${tried} guesses the auditor recovered ${recovered} from the masked entry`).toBeNull();
  });
});

describe("S5 watch stream: a colleague's rule the caller may not list still streams its hits to the caller", () => {
  it('the rule names a person the colleague may not see: not listed, hits 404, yet its alert arrives on the colleague’s stream', async () => {
    const creator = as(app, 'wrongPurposeCounty', 'officer', ADMIN_PURPOSE);
    const d = 0.01;
    const box = [
      [103.9 - d, 36.1 - d],
      [103.9 + d, 36.1 - d],
      [103.9 + d, 36.1 + d],
      [103.9 - d, 36.1 + d],
      [103.9 - d, 36.1 - d],
    ];
    const made = await creator({
      method: 'POST',
      url: '/api/warnings/rules',
      payload: {
        name: '赵敏 同伙 入区',
        kind: 'area',
        subjects: ['P-S13X', E.P4],
        polygon: { type: 'Polygon', coordinates: [box] },
        trigger: 'enter',
        expiresAt: new Date(Date.now() + 7 * 86_400_000).toISOString(),
      },
    });
    expect(made.statusCode, made.body).toBe(201);
    const ruleId = made.json().id as string;
    const colleague = as(app, 'wrongPurposeCounty', 'analyst');
    expect((await colleague({ url: `/api/entities/${E.P4}` })).statusCode, 'the colleague may not see 赵敏').toBe(404);
    expect(
      (await colleague({ url: '/api/warnings/rules' })).json().items.map((r: { id: string }) => r.id),
      'not listed',
    ).not.toContain(ruleId);
    expect((await colleague({ url: `/api/warnings/rules/${ruleId}/hits` })).statusCode, 'its hits are a 404').toBe(404);

    await app.listen({ host: '127.0.0.1', port: 0 });
    const port = (app.server.address() as { port: number }).port;
    const t = await colleague({ method: 'POST', url: '/api/watches/stream-ticket' });
    expect(t.statusCode, t.body).toBe(201);
    const chunks: string[] = [];
    const req = http.get({ host: '127.0.0.1', port, path: `/api/watches/stream?ticket=${t.json().ticket}` });
    const res = await new Promise<http.IncomingMessage>((resolve, reject) => {
      req.on('response', resolve);
      req.on('error', reject);
    });
    expect(res.statusCode).toBe(200);
    res.setEncoding('utf8');
    res.on('data', (c: string) => chunks.push(c));
    const waitFor = async (pred: () => boolean, ms: number) => {
      const t0 = Date.now();
      while (!pred() && Date.now() - t0 < ms) await new Promise((r) => setTimeout(r, 50));
      return pred();
    };
    await waitFor(() => chunks.join('').includes('event: ready'), 5000);
    // the pipeline evaluates P-S13X's open-source sighting inside the area; the hit is published on the bus
    const redis = new Redis(testEnv.REDIS_URL, { maxRetriesPerRequest: 3 });
    try {
      await evaluateWarnings(
        graph,
        redis,
        [{ eid: 'P-S13X', type: 'trace', at: '2026-11-10T14:00:00Z', source: FX.open, rid: 'fx_open:v2-P-S13X' }],
        CHANNEL,
      );
      await waitFor(() => chunks.join('').includes(ruleId), 5000);
    } finally {
      redis.disconnect();
      req.destroy();
    }
    const text = chunks.join('');
    expect(text.includes(ruleId), `the colleague's stream: ${text.slice(0, 600)}`).toBe(false);
  });
});

describe('S6 layers: the extent gives a planner the exact time of one sighting', () => {
  it('the last trace time is published to the second, not widened to the whole day every other layer answers in', async () => {
    const planner = as(app, 'otherCity', 'planner', null);
    const res = await planner({ url: '/api/layers/extent' });
    expect(res.statusCode, res.body).toBe(200);
    const { from, to } = res.json() as { from: string; to: string };
    // whole UTC days, as every other layer answers (alignedDays): the last trace is one person's sighting (P-S13X, 2026-11-10T14:00:00Z)
    const offDay = (t: string) => Date.parse(t) % 86_400_000;
    expect({ from: offDay(from), to: offDay(to) }, `extent ${from} … ${to}`).toEqual({ from: 0, to: 0 });
  });
});

describe('S2 tickets: a value completing a masked identifier is echoed plain when it comes from another record of the entity', () => {
  it("the county analyst's profile masks the birth date (its resident ID is masked), a ticket on the birth date of the entity's other record echoes it plain", async () => {
    const county = as(app, 'county', 'analyst');
    const prof = await county({ url: '/api/entities/P-S13A' });
    expect(prof.statusCode, prof.body).toBe(200);
    expect(prof.json().golden.residentId, JSON.stringify(prof.json().golden)).toMatchObject({ masked: true });
    expect(prof.json().golden.birthDate, JSON.stringify(prof.json().golden)).toMatchObject({ masked: true });
    const t = await county({
      method: 'POST',
      url: '/api/quality/tickets',
      payload: { rid: 'fx_closed:s13a', field: 'person.birthDate', reason: '出生日期疑似错误' },
    });
    expect(t.statusCode, t.body).toBe(201);
    // 620102********1234 (profile) + 1990-01-01 (ticket) = the whole resident ID
    expect(t.json().reportedValue, 'the echoed birth date completes the masked resident ID').not.toContain('1990');
  });
});

describe("S3 warnings: an area rule's previous sighting is read over every source", () => {
  it('an enter the station can see (outside, then inside, both visible) does not fire when a hidden sighting inside lies between', async () => {
    const officer = as(app, 'station', 'officer');
    const d = 0.01;
    const box = [
      [103.9 - d, 36.1 - d],
      [103.9 + d, 36.1 - d],
      [103.9 + d, 36.1 + d],
      [103.9 - d, 36.1 + d],
      [103.9 - d, 36.1 - d],
    ];
    const made = await officer({
      method: 'POST',
      url: '/api/warnings/rules',
      payload: {
        name: '探针 入区',
        kind: 'area',
        subjects: ['P-S13W', 'P-S13X'],
        polygon: { type: 'Polygon', coordinates: [box] },
        trigger: 'enter',
        expiresAt: new Date(Date.now() + 7 * 86_400_000).toISOString(),
      },
    });
    expect(made.statusCode, made.body).toBe(201);
    // what the station sees of both: the outside place, then the inside place
    for (const eid of ['P-S13W', 'P-S13X']) {
      const traj = await officer({
        url: `/api/entities/${eid}/trajectory?from=2026-11-01T00:00:00Z&to=2026-12-01T00:00:00Z`,
      });
      expect(traj.statusCode, traj.body).toBe(200);
      expect(
        traj.json().points.features.map((f: { properties: { placeEid: string } }) => f.properties.placeEid),
        eid,
      ).toEqual(['L-S13OUT', 'L-S13IN']);
    }
    const redis = new Redis(testEnv.REDIS_URL, { maxRetriesPerRequest: 3 });
    try {
      await evaluateWarnings(
        graph,
        redis,
        ['P-S13W', 'P-S13X'].map((eid) => ({
          eid,
          type: 'trace' as const,
          at: '2026-11-10T14:00:00Z',
          source: FX.open,
          rid: `fx_open:v2-${eid}`,
        })),
        'sec13-probe-events',
      );
    } finally {
      redis.disconnect();
    }
    const hits = await officer({ url: `/api/warnings/rules/${made.json().id}/hits` });
    expect(hits.statusCode, hits.body).toBe(200);
    const who = hits
      .json()
      .items.flatMap((h: { eids: string[] }) => h.eids)
      .sort();
    // the same visible story must give the same answer: both entered
    expect(who, `hits: ${JSON.stringify(hits.json().items)}`).toEqual(['P-S13W', 'P-S13X']);
  });
});

describe("S3b warnings: a co-travel rule's known companions are read over every source", () => {
  it('a companion known only by a hidden co-travel edge when the rule was made never fires once the station sees the co-travel', async () => {
    const officer = as(app, 'station', 'officer');
    // before the rule: P-S13W and P-S13X co-travelled according to the non-shared source only
    await writeTx(graph, (tx) =>
      tx.run(`MATCH (a:Person {eid: 'P-S13W'}), (b:Person {eid: 'P-S13X'})
              CREATE (a)-[:CO_TRAVELED {count: 2, first: datetime('2026-11-01T00:00:00Z'), last: datetime('2026-11-02T00:00:00Z'), sources: ['fx_closed'], score: 3.0}]->(b)`),
    );
    const made = await officer({
      method: 'POST',
      url: '/api/warnings/rules',
      payload: {
        name: '探针 新同行',
        kind: 'cotravel',
        subjects: ['P-S13W'],
        expiresAt: new Date(Date.now() + 7 * 86_400_000).toISOString(),
      },
    });
    expect(made.statusCode, made.body).toBe(201);
    // later both companions co-travel with P-S13W according to the open source (the edge recomputed from visible traces)
    await writeTx(graph, async (tx) => {
      await tx.run(
        `MATCH (:Person {eid: 'P-S13W'})-[c:CO_TRAVELED]-(:Person {eid: 'P-S13X'}) SET c.sources = ['fx_open'], c.last = datetime('2026-11-20T00:00:00Z')`,
      );
      await tx.run(`MATCH (a:Person {eid: 'P-S13W'}), (b:Person {eid: 'P-S13Y2'})
                    CREATE (a)-[:CO_TRAVELED {count: 2, first: datetime('2026-11-19T00:00:00Z'), last: datetime('2026-11-20T00:00:00Z'), sources: ['fx_open'], score: 3.0}]->(b)`);
    });
    const redis = new Redis(testEnv.REDIS_URL, { maxRetriesPerRequest: 3 });
    try {
      await evaluateCoTravelWarnings(graph, redis, ['P-S13W'], 'sec13-probe-events');
    } finally {
      redis.disconnect();
    }
    const hits = await officer({ url: `/api/warnings/rules/${made.json().id}/hits` });
    expect(hits.statusCode, hits.body).toBe(200);
    const others = hits
      .json()
      .items.map((h: { eids: string[] }) => h.eids.find((e) => e !== 'P-S13W'))
      .sort();
    // both are new companions as far as the station can know
    expect(
      others,
      `hits: ${JSON.stringify(hits.json().items.map((h: { eids: string[]; sources: string[] }) => [h.eids, h.sources]))}`,
    ).toEqual(['P-S13X', 'P-S13Y2']);
  });
});

describe('S7 summaries: which visible name a person is shown by is decided by the votes of hidden records', () => {
  it('the profile names him by what the station sees (李蕾, the newer of two), the relation graph by the node chosen over every source (李雷)', async () => {
    const analyst = as(app, 'station', 'analyst');
    const prof = await analyst({ url: '/api/entities/P-S13L' });
    expect(prof.statusCode, prof.body).toBe(200);
    const shown = prof.json().golden.name.value as string;
    const rel = await analyst({ url: '/api/entities/C-S13/relations' });
    expect(rel.statusCode, rel.body).toBe(200);
    const node = rel.json().nodes.find((n: { eid: string }) => n.eid === 'P-S13L');
    expect(node, rel.body).toBeDefined();
    expect(
      { profile: shown, relations: node.name },
      'the same person, the same visible records: the same name',
    ).toEqual({ profile: shown, relations: shown });
  });
});
