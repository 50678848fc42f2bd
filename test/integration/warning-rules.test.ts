/**
 * Early warning (预警) end to end on the real Neo4j and Redis: records pushed through the ingest
 * API are written by the embedded worker, the rules are evaluated after the write commits, and
 * hits arrive on the rule's unit's watch stream (`event: warning`) — only for viewers who may see
 * every record that fired them; the rules are listed with their visible hits and can be ended.
 */
import http from 'node:http';
import type { Graph } from '@onemap/graph-schema/server';
import { evaluateCoTravelWarnings } from '@onemap/resolver/derive';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEnv } from '../helpers/env.ts';
import { clearGraph, openTestGraph } from '../helpers/graph.ts';
import { AROUND_HOTEL_41, hotelRecord } from '../helpers/hotel-records.ts';
import { as, asSource, buildTestApp, sourceKeyFor } from '../helpers/server-app.ts';
import { type LevelName, seedServerFixture } from '../helpers/server-fixtures.ts';

const CHANNEL = `onemap:events:warning-test-${process.pid}`;
let graph: Graph;
let app: FastifyInstance;
let hotel: ReturnType<typeof asSource>;
let checkpoint: ReturnType<typeof asSource>;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const inAYear = () => new Date(Date.now() + 30 * 86_400_000).toISOString();

beforeAll(async () => {
  graph = openTestGraph();
  await clearGraph(graph);
  await seedServerFixture(graph);
  // The hotel source is conditional here, granted to two counties; the checkpoint source open to all.
  await graph.driver.executeQuery(
    `MERGE (h:Source {id: 'hotel'}) SET h.nameZh = '旅馆', h.nameEn = 'hotel', h.ownerUnit = '620000', h.shareClass = 'conditional', h.grade = 2, h.fieldSensitivity = '{}'
     MERGE (c:Source {id: 'checkpoint'}) SET c.nameZh = '卡口', c.nameEn = 'checkpoint', c.ownerUnit = '620000', c.shareClass = 'unconditional', c.grade = 2, c.fieldSensitivity = '{}'
     WITH 1 AS one UNWIND ['620102', '620103'] AS unit
     CREATE (:Grant {id: 'G-00000000-0000-0000-0000-0000000wh' + right(unit, 3), unitCode: unit, sourceId: 'hotel', purposes: ['criminal_case'], expiresAt: datetime() + duration('P30D'), revoked: false, fields: []})`,
    {},
    { database: graph.database },
  );
  app = await buildTestApp({ INGEST_WORKER: 'embedded', EVENTS_CHANNEL: CHANNEL, RATE_LIMIT_PER_MINUTE: 1_000_000 });
  await app.listen({ host: '127.0.0.1', port: 0 });
  hotel = asSource(app, await sourceKeyFor(app, ['hotel']));
  checkpoint = asSource(app, await sourceKeyFor(app, ['checkpoint']));
});
afterAll(async () => {
  await app?.close();
  await graph?.driver.close();
});

/** Pushes records and waits until the batch is written. */
async function push(system: ReturnType<typeof asSource>, source: string, records: Record<string, unknown>[]) {
  const res = await system({ method: 'POST', url: `/api/ingest/${source}`, payload: { records } });
  expect(res.statusCode, res.body).toBe(202);
  const admin = as(app, 'province', 'admin', null);
  for (let i = 0; i < 600; i++) {
    const r = await admin({ url: `/api/ingest/jobs/${res.json().batchId}` });
    // A push is visible once `done`; its after-commit work (quality, warnings) starts right after (`checkedAt`).
    if (r.statusCode === 200 && (r.json().checkedAt || ['rejected', 'failed'].includes(r.json().status))) {
      expect(r.json().status).toBe('done');
      return;
    }
    await sleep(100);
  }
  throw new Error('batch did not finish');
}

async function eidOfRecord(rid: string): Promise<string> {
  const r = await graph.driver.executeQuery(
    'MATCH (:SourceRecord {rid: $rid})-[x:RESOLVED_TO]->(e:Entity) WHERE x.role IN ["guest", "person", "vehicle"] OR e:Person OR e:Vehicle RETURN e.eid AS eid LIMIT 1',
    { rid },
    { database: graph.database },
  );
  return r.records[0]?.get('eid') as string;
}

/** Opens the watch stream (where alerts arrive) as a fixture user, collecting what arrives. */
async function openStream(level: LevelName, role = 'officer') {
  const t = await as(app, level, role)({ method: 'POST', url: '/api/watches/stream-ticket' });
  expect(t.statusCode, t.body).toBe(201);
  const port = (app.server.address() as { port: number }).port;
  const chunks: string[] = [];
  const req = http.get({ host: '127.0.0.1', port, path: `/api/watches/stream?ticket=${t.json().ticket}` });
  const res = await new Promise<http.IncomingMessage>((resolve, reject) => {
    req.on('response', resolve);
    req.on('error', reject);
  });
  expect(res.statusCode).toBe(200);
  res.setEncoding('utf8');
  res.on('data', (c: string) => chunks.push(c));
  const text = () => chunks.join('');
  const waitFor = async (pred: () => boolean, ms = 15_000) => {
    const t0 = Date.now();
    while (!pred() && Date.now() - t0 < ms) await sleep(50);
    return pred();
  };
  await waitFor(() => text().includes('event: ready'));
  const alerts = () =>
    text()
      .split('\n\n')
      .filter((b) => b.startsWith('event: warning'))
      .map(
        (b) =>
          JSON.parse(b.slice(b.indexOf('data: ') + 6)) as {
            ruleId: string;
            kind: string;
            eids: string[];
            sources: string[];
          },
      );
  return { text, waitFor, alerts, close: () => req.destroy() };
}

const guest = (i: number, who: number, over: Record<string, string | number> = {}) => {
  const p = hotelRecord(who);
  return hotelRecord(i, {
    id_number: p.id_number as string,
    guest_name: p.guest_name as string,
    birth_date: p.birth_date as string,
    sex: p.sex as string,
    address: p.address as string,
    ...over,
  });
};

describe('early-warning rules through the API', () => {
  let x = '';
  let y = '';
  let z = '';
  beforeAll(async () => {
    // Three persons, first seen at other hotels (outside the polygon).
    await push(hotel, 'hotel', [guest(1, 1), guest(2, 2), guest(3, 3)]);
    [x = '', y = '', z = ''] = await Promise.all(
      ['hotel:T-HOTEL-000001', 'hotel:T-HOTEL-000002', 'hotel:T-HOTEL-000003'].map(eidOfRecord),
    );
    expect(x && y && z).toBeTruthy();
  });

  it('listing rules is individual-level: it needs a purpose (hits are counted under it)', async () => {
    expect((await as(app, 'county', 'officer', null)({ url: '/api/warnings/rules' })).statusCode).toBe(428);
    expect((await as(app, 'county', 'officer')({ url: '/api/warnings/rules' })).statusCode).toBe(200);
  });

  it('a colleague lists a rule of the unit with its case, not the purpose text its creator wrote, and identifiers in its name masked', async () => {
    // its name too is what its creator wrote: identifiers in it are masked for the others
    const payload = { name: '目的测试 620102199001011234', kind: 'area', subjects: [x], polygon: AROUND_HOTEL_41, trigger: 'enter', expiresAt: inAYear() };
    const made = await as(app, 'county', 'officer')({ method: 'POST', url: '/api/warnings/rules', payload });
    expect(made.statusCode).toBe(201);
    const id = made.json().id as string;
    const ruleOf = async (role: string) =>
      (await as(app, 'county', role)({ url: '/api/warnings/rules' })).json().items.find((r: { id: string }) => r.id === id);
    const purpose = JSON.parse(made.json().purposeJson);
    expect(JSON.parse((await ruleOf('officer')).purposeJson)).toEqual(purpose);
    const seen = await ruleOf('analyst');
    expect(JSON.parse(seen.purposeJson)).toEqual({ kind: purpose.kind, caseNumber: purpose.caseNumber });
    expect(seen.purposeJson).not.toContain(purpose.text);
    expect((await ruleOf('officer')).name).toBe(payload.name);
    expect(seen.name).toMatch(/^目的测试 /);
    expect(seen.name).not.toContain('199001011234');
    expect((await as(app, 'county', 'officer')({ method: 'DELETE', url: `/api/warnings/rules/${id}` })).statusCode).toBe(200);
  });

  it('refuses rules without purpose, for other roles, on invisible subjects, and of the wrong shape', async () => {
    const body = { name: '进入测试区', kind: 'area', subjects: [x], polygon: AROUND_HOTEL_41, expiresAt: inAYear() };
    expect(
      (await as(app, 'county', 'officer', null)({ method: 'POST', url: '/api/warnings/rules', payload: body }))
        .statusCode,
    ).toBe(428);
    expect(
      (await as(app, 'county', 'planner')({ method: 'POST', url: '/api/warnings/rules', payload: body })).statusCode,
    ).toBe(403);
    // Another city has no grant on the hotel source: the subject does not exist for it.
    expect(
      (await as(app, 'otherCity', 'officer')({ method: 'POST', url: '/api/warnings/rules', payload: body })).statusCode,
    ).toBe(404);
    const bad = async (payload: object, code: string, re: RegExp) => {
      const r = await as(app, 'county', 'officer')({ method: 'POST', url: '/api/warnings/rules', payload });
      expect(r.statusCode, r.body).toBe(400);
      expect(r.json().code).toBe(code);
      expect(r.json().message).toMatch(re);
    };
    await bad({ ...body, polygon: undefined }, 'ONEMAP_ERR_BAD_WARNING_RULE', /exactly one of polygon or jurisdiction/);
    await bad({ ...body, kind: 'meet' }, 'ONEMAP_ERR_BAD_WARNING_RULE', /at least 2 subjects/);
    await bad({ ...body, kind: 'checkpoint', polygon: undefined }, 'ONEMAP_ERR_BAD_WARNING_RULE', /watches Vehicle/);
    await bad(
      { ...body, kind: 'gather', subjects: [x, y], minCount: 3, polygon: undefined },
      'ONEMAP_ERR_BAD_WARNING_RULE',
      /gathering of 3/,
    );
    await bad({ ...body, polygon: undefined, jurisdiction: '620103' }, 'ONEMAP_ERR_UNKNOWN_JURISDICTION', /620103/);
    await bad({ ...body, expiresAt: '2020-01-01T00:00:00Z' }, 'ONEMAP_ERR_VALIDATION', /future/);
    await bad(
      { ...body, expiresAt: new Date(Date.now() + 200 * 86_400_000).toISOString() },
      'ONEMAP_ERR_BAD_WARNING_RULE',
      /within 90 days/,
    );
    await bad(
      {
        ...body,
        polygon: {
          type: 'Polygon',
          coordinates: [
            [
              [103.8, 36],
              [103.9, 36],
              [103.9, 36.1],
              [103.8, 36.1],
            ],
          ],
        },
      },
      'ONEMAP_ERR_VALIDATION',
      /not closed/,
    );
  });

  it('enter, meet and gather fire once each and reach the unit’s stream; a unit that lost the source gets nothing', async () => {
    const county = as(app, 'county', 'officer');
    const other = as(app, 'otherCounty', 'officer');
    const enter = (
      await county({
        method: 'POST',
        url: '/api/warnings/rules',
        payload: {
          name: '进入测试区',
          kind: 'area',
          subjects: [x],
          polygon: AROUND_HOTEL_41,
          trigger: 'enter',
          expiresAt: inAYear(),
        },
      })
    ).json();
    expect(enter).toMatchObject({ kind: 'area', unitCode: '620102', active: true, trigger: 'enter', hits: 0 });
    const meet = (
      await county({
        method: 'POST',
        url: '/api/warnings/rules',
        payload: { name: '甲乙碰面', kind: 'meet', subjects: [x, y], windowMinutes: 30, expiresAt: inAYear() },
      })
    ).json();
    const gather = (
      await county({
        method: 'POST',
        url: '/api/warnings/rules',
        payload: {
          name: '三人聚集',
          kind: 'gather',
          subjects: [x, y, z],
          minCount: 3,
          windowMinutes: 60,
          expiresAt: inAYear(),
        },
      })
    ).json();
    // The other county makes the same area rule while it may still see the hotel records ...
    const theirs = await other({
      method: 'POST',
      url: '/api/warnings/rules',
      payload: { name: '进入测试区', kind: 'area', subjects: [x], polygon: AROUND_HOTEL_41, expiresAt: inAYear() },
    });
    expect(theirs.statusCode, theirs.body).toBe(201);
    // ... and then loses its grant on the hotel source.
    await graph.driver.executeQuery(
      "MATCH (g:Grant {unitCode: '620103', sourceId: 'hotel'}) SET g.revoked = true",
      {},
      { database: graph.database },
    );

    const ours = await openStream('county');
    const theirStream = await openStream('otherCounty');
    // x, then y, then z check in at hotel 41 on one evening: x enters; x and y meet; the three gather.
    await push(hotel, 'hotel', [guest(41, 1, { check_in: '2026-04-14 20:00:00' })]);
    await push(hotel, 'hotel', [guest(91, 2, { check_in: '2026-04-14 20:10:00' })]);
    await push(hotel, 'hotel', [guest(141, 3, { check_in: '2026-04-14 20:20:00' })]);
    expect(await ours.waitFor(() => new Set(ours.alerts().map((a) => a.kind)).size >= 3)).toBe(true);
    await sleep(500);
    const got = ours.alerts();
    expect(got.filter((a) => a.ruleId === enter.id)).toHaveLength(1);
    expect(got.find((a) => a.ruleId === enter.id)).toMatchObject({ kind: 'area', eids: [x], sources: ['hotel'] });
    expect(got.filter((a) => a.ruleId === meet.id).map((a) => a.eids)).toEqual([[x, y].sort()]);
    expect(got.filter((a) => a.ruleId === gather.id).map((a) => a.eids)).toEqual([[x, y, z].sort()]);
    // The other county's rule fired too, but its unit may no longer see the record: nothing reaches it;
    // and as it may no longer see the rule's subject, the rule is not listed and its hits are a 404
    // (as a watch on that person would be), while the hit stays in the graph.
    expect(theirStream.alerts()).toEqual([]);
    expect(theirStream.text()).not.toContain(x);
    const theirList = (await other({ url: '/api/warnings/rules' })).json().items as { id: string }[];
    expect(theirList.map((r) => r.id)).not.toContain(theirs.json().id);
    expect((await other({ url: `/api/warnings/rules/${theirs.json().id}/hits` })).statusCode).toBe(404);
    ours.close();
    theirStream.close();

    // Listed with their hits; a hit names its entities as the viewer may see them.
    const list = (await county({ url: '/api/warnings/rules' })).json().items as { id: string; hits: number }[];
    expect(list.find((r) => r.id === enter.id)?.hits).toBe(1);
    expect(list.find((r) => r.id === meet.id)?.hits).toBe(1);
    const hits = (await county({ url: `/api/warnings/rules/${enter.id}/hits` })).json();
    expect(hits.items[0]).toMatchObject({ kind: 'area', detail: 'enter', eids: [x] });
    expect(hits.items[0].entities[0].eid).toBe(x);
    // Another unit cannot read or end this unit's rule: it does not exist for them.
    expect((await as(app, 'otherCity', 'officer')({ url: `/api/warnings/rules/${enter.id}/hits` })).statusCode).toBe(
      404,
    );
    expect(
      (await as(app, 'otherCity', 'officer')({ method: 'DELETE', url: `/api/warnings/rules/${enter.id}` }))
        .statusCode,
    ).toBe(404);
  });

  it('leave fires when the subject is next seen outside; an ended rule fires no more', async () => {
    const county = as(app, 'county', 'officer');
    const leave = (
      await county({
        method: 'POST',
        url: '/api/warnings/rules',
        payload: {
          name: '离开测试区',
          kind: 'area',
          subjects: [x],
          polygon: AROUND_HOTEL_41,
          trigger: 'leave',
          expiresAt: inAYear(),
        },
      })
    ).json();
    await push(hotel, 'hotel', [guest(5, 1, { check_in: '2026-04-20 20:00:00' })]);
    const waitHits = async (id: string, n: number) => {
      for (let i = 0; i < 150; i++) {
        const items = (await county({ url: `/api/warnings/rules/${id}/hits` })).json().items;
        if (items.length >= n) return items;
        await sleep(100);
      }
      return (await county({ url: `/api/warnings/rules/${id}/hits` })).json().items;
    };
    const hits = await waitHits(leave.id, 1);
    expect(hits).toHaveLength(1);
    expect(hits[0].detail).toBe('leave');
    expect(
      (await as(app, 'county', 'officer')({ method: 'DELETE', url: `/api/warnings/rules/${leave.id}` })).json(),
    ).toEqual({ id: leave.id, active: false });
    // Back in, out again: the ended rule stays at one hit.
    await push(hotel, 'hotel', [guest(191, 1, { check_in: '2026-04-22 20:00:00' })]);
    await push(hotel, 'hotel', [guest(6, 1, { check_in: '2026-04-23 20:00:00' })]);
    await sleep(2000);
    expect((await county({ url: `/api/warnings/rules/${leave.id}/hits` })).json().items).toHaveLength(1);
    const listed = (await county({ url: '/api/warnings/rules' }))
      .json()
      .items.find((r: { id: string }) => r.id === leave.id);
    expect(listed.active).toBe(false);
  });

  it('a watched vehicle passing a checkpoint fires, at the named checkpoint only', async () => {
    const pass = (i: number, code: string, at: string) => ({
      record_id: `T-CP-${i}`,
      plate: '甘A7W123',
      plate_color: '蓝',
      checkpoint_code: code,
      checkpoint_name: `测试卡口${code}`,
      checkpoint_address: '城关区测试路',
      direction: '东向西',
      speed_kmh: 40,
      checkpoint_lon: 103.85,
      checkpoint_lat: 36.06,
      division_code: '620102',
      pass_time: at,
    });
    await push(checkpoint, 'checkpoint', [pass(1, 'KK0001', '2026-04-10 08:00:00')]);
    const v = await eidOfRecord('checkpoint:T-CP-1');
    const place = (
      await graph.driver.executeQuery(
        "MATCH (:SourceRecord {rid: 'checkpoint:T-CP-1'})-[:RESOLVED_TO]->(p:Place) RETURN p.eid AS eid",
        {},
        { database: graph.database },
      )
    ).records[0]?.get('eid') as string;
    expect(v).toMatch(/^V-/);
    const county = as(app, 'county', 'analyst');
    const rule = await county({
      method: 'POST',
      url: '/api/warnings/rules',
      payload: { name: '过卡预警', kind: 'checkpoint', subjects: [v], placeEids: [place], expiresAt: inAYear() },
    });
    expect(rule.statusCode, rule.body).toBe(201);
    const s = await openStream('county', 'analyst');
    await push(checkpoint, 'checkpoint', [pass(2, 'KK0002', '2026-04-10 09:00:00')]);
    await push(checkpoint, 'checkpoint', [pass(3, 'KK0001', '2026-04-10 10:00:00')]);
    expect(await s.waitFor(() => s.alerts().some((a) => a.ruleId === rule.json().id))).toBe(true);
    await sleep(500);
    expect(s.alerts().filter((a) => a.ruleId === rule.json().id)).toHaveLength(1);
    s.close();
  });

  it('co-travel with someone new fires once, after the derivation writes the edge; a companion known when the rule was made does not', async () => {
    const edge = (a: string, b: string) =>
      graph.driver.executeQuery(
        `MATCH (a:Person {eid: $a}), (b:Person {eid: $b}) MERGE (a)-[c:CO_TRAVELED]->(b)
         SET c.count = 2, c.first = datetime('2026-04-14T12:00:00Z'), c.last = datetime('2026-04-15T12:00:00Z'), c.sources = ['hotel'], c.score = 9.0, c.reasons = '{}'`,
        { a: a < b ? a : b, b: a < b ? b : a },
        { database: graph.database },
      );
    await edge(y, z); // z is already y's companion when the rule is made
    const county = as(app, 'county', 'officer');
    const rule = (
      await county({
        method: 'POST',
        url: '/api/warnings/rules',
        payload: { name: '新同行人', kind: 'cotravel', subjects: [y], expiresAt: inAYear() },
      })
    ).json();
    expect(rule.kind).toBe('cotravel');
    const s = await openStream('county');
    const redis = new Redis(testEnv.REDIS_URL);
    try {
      // What the derive job does after it wrote the edges of the persons it recomputed.
      await edge(x, y);
      expect(await evaluateCoTravelWarnings(graph, redis, [y], CHANNEL)).toBe(1);
      expect(await evaluateCoTravelWarnings(graph, redis, [y], CHANNEL)).toBe(0);
      expect(await s.waitFor(() => s.alerts().some((a) => a.ruleId === rule.id))).toBe(true);
      expect(
        s
          .alerts()
          .filter((a) => a.ruleId === rule.id)
          .map((a) => a.eids),
      ).toEqual([[y, x]]);
    } finally {
      redis.disconnect();
      s.close();
    }
  });
});
