/**
 * Correction tickets through the API against the real Neo4j and Redis: found → addressed to the
 * owner unit → fixed at the source → verified by the next delivery → confirmed by the reporter;
 * and a "fix" that never arrives, so the ticket stays open. Also the quality reports, masking of
 * their examples, the summary and its CSV. Own ids: records `Q-HOTEL-*`.
 */
import { loadCatalog } from '@onemap/datasets';
import type { Graph } from '@onemap/graph-schema/server';
import type { FastifyInstance } from 'fastify';
import { describe, expect, it } from 'vitest';
import { upsertSources } from '../../server/src/repositories/governance.ts';
import { clearGraph } from '../helpers/graph.ts';
import { hotelRecord } from '../helpers/hotel-records.ts';
import { as, asSource, sourceKeyFor, useServerApp } from '../helpers/server-app.ts';

let app: FastifyInstance;
let graph: Graph;
const WRONG = '甘肃省兰州市城关区错误路1号';
const RIGHT = '甘肃省兰州市城关区正确路1号';
// A per-run room number: BullMQ remembers completed batches by content hash across clearGraph,
// so the same content pushed by an earlier run would never be processed again.
const RUN = String(Date.now() % 1_000_000);
const rec = (i: number, over: Record<string, string | number> = {}) =>
  hotelRecord(7100 + i, { record_id: `Q-HOTEL-${i}`, room_no: RUN, ...over });

useServerApp(
  { INGEST_WORKER: 'embedded' },
  (s) => {
    ({ app, graph } = s);
  },
  async (graph) => {
    // The hotel source, owned here by the county 620102 so the owner unit is not the province.
    const hotel = loadCatalog().find((e) => e.id === 'hotel')!;
    await upsertSources(graph, [
      {
        id: 'hotel',
        nameZh: hotel.name.zh,
        nameEn: hotel.name.en,
        ownerUnit: '620102',
        shareClass: 'unconditional',
        grade: 2,
        updateMode: hotel.updateMode,
        frequency: hotel.frequency,
      },
    ]);
  },
);

async function push(records: Record<string, string | number>[]) {
  // The hotel system delivers with its own key (issued by the province, above the source's owner).
  const hotelSystem = asSource(app, await sourceKeyFor(app, ['hotel']));
  const res = await hotelSystem({ method: 'POST', url: '/api/ingest/hotel', payload: { records } });
  expect(res.statusCode).toBe(202);
  for (let i = 0; i < 600; i++) {
    const r = await hotelSystem({ url: `/api/ingest/jobs/${res.json().batchId}` });
    // A push is visible once `done`; its quality rules and ticket checks run right after (`checkedAt`).
    if (r.statusCode === 200 && (r.json().checkedAt || ['rejected', 'failed'].includes(r.json().status))) return r.json();
    await new Promise((x) => setTimeout(x, 200));
  }
  throw new Error('batch did not finish');
}

async function auditActions(): Promise<string[]> {
  const s = graph.driver.session({ database: graph.database });
  try {
    const r = await s.run(
      "MATCH (a:AuditEntry) WHERE a.route STARTS WITH '/api/quality/tickets' RETURN a.method + ' ' + a.route + ' ' + a.status AS x ORDER BY a.seq",
    );
    return r.records.map((x) => String(x.get('x')));
  } finally {
    await s.close();
  }
}

describe('correction tickets', () => {
  it('a ticket goes from the reporter to the owner unit, is fixed at the source, verified by the next delivery and confirmed by the reporter', async () => {
    await push([rec(1, { address: WRONG }), rec(2)]);
    const officer = as(app, 'county', 'officer');
    const opened = await officer({
      method: 'POST',
      url: '/api/quality/tickets',
      payload: { rid: 'hotel:Q-HOTEL-1', field: 'address', expected: RIGHT, reason: '住址与实际不符' },
    });
    expect(opened.statusCode).toBe(201);
    const t = opened.json();
    expect(t).toMatchObject({
      source: 'hotel',
      ownerUnit: '620102',
      rid: 'hotel:Q-HOTEL-1',
      field: 'address',
      attribute: 'address',
      reportedValue: WRONG,
      expected: RIGHT,
      status: 'open',
      openedBy: 'fx_county_officer',
    });

    // The owner unit sees it in its list; a unit elsewhere does not.
    const ownerList = await as(app, 'county', 'admin', null)({ url: '/api/quality/tickets' });
    expect(ownerList.json().items.map((x: { id: string }) => x.id)).toContain(t.id);
    const elsewhere = await as(app, 'otherCity', 'admin', null)({ url: '/api/quality/tickets' });
    expect(elsewhere.json().items.map((x: { id: string }) => x.id)).not.toContain(t.id);

    // Nothing to confirm before the corrected value arrived; only the owner's admin marks it fixed.
    expect(
      (await officer({ method: 'POST', url: `/api/quality/tickets/${t.id}/confirm`, payload: { accept: true } }))
        .statusCode,
    ).toBe(409);
    expect(
      (
        await as(
          app,
          'otherCounty',
          'admin',
          null,
        )({ method: 'POST', url: `/api/quality/tickets/${t.id}/fixed`, payload: { note: '已改' } })
      ).statusCode,
    ).toBe(404);
    expect(
      (
        await as(
          app,
          'county',
          'officer',
          null,
        )({ method: 'POST', url: `/api/quality/tickets/${t.id}/fixed`, payload: { note: '已改' } })
      ).statusCode,
    ).toBe(403);
    const fixed = await as(
      app,
      'county',
      'admin',
      null,
    )({ method: 'POST', url: `/api/quality/tickets/${t.id}/fixed`, payload: { note: '源系统已更正' } });
    expect(fixed.statusCode).toBe(200);
    expect(fixed.json().status).toBe('fixed_at_source');

    // The next delivery carries the corrected value: the pipeline verifies the ticket.
    await push([rec(1, { address: RIGHT })]);
    const after = await officer({ url: `/api/quality/tickets/${t.id}` });
    expect(after.json().status).toBe('verified');
    expect(after.json().history.map((h: { action: string }) => h.action)).toEqual([
      'opened',
      'fixed_at_source',
      'verified',
    ]);

    // Only the reporter confirms.
    expect(
      (
        await as(
          app,
          'county',
          'analyst',
          null,
        )({ method: 'POST', url: `/api/quality/tickets/${t.id}/confirm`, payload: { accept: true } })
      ).statusCode,
    ).toBe(403);
    const confirmed = await officer({
      method: 'POST',
      url: `/api/quality/tickets/${t.id}/confirm`,
      payload: { accept: true, note: '核实无误' },
    });
    expect(confirmed.statusCode).toBe(200);
    expect(confirmed.json().status).toBe('confirmed');

    // Every step is in the audit trail, allowed or denied.
    const audited = await auditActions();
    expect(audited).toEqual(
      expect.arrayContaining([
        'POST /api/quality/tickets 201',
        'POST /api/quality/tickets/:id/fixed 200',
        'POST /api/quality/tickets/:id/fixed 403',
        'POST /api/quality/tickets/:id/confirm 200',
        'POST /api/quality/tickets/:id/confirm 409',
      ]),
    );
  });

  it('a fix that does not arrive leaves the ticket open (fixed at source, awaiting), and the reporter can reopen it', async () => {
    const officer = as(app, 'county', 'officer');
    const t = (
      await officer({
        method: 'POST',
        url: '/api/quality/tickets',
        payload: { rid: 'hotel:Q-HOTEL-2', field: 'guest_name', reason: '姓名错误' },
      })
    ).json();
    const reported = t.reportedValue;
    expect(reported).toBeTruthy();
    await as(
      app,
      'county',
      'admin',
      null,
    )({ method: 'POST', url: `/api/quality/tickets/${t.id}/fixed`, payload: { note: '已改' } });
    // Delivered again, another field changed, the name still the wrong one.
    await push([rec(2, { room_no: `${RUN}9` })]);
    const after = (await officer({ url: `/api/quality/tickets/${t.id}` })).json();
    expect(after.status).toBe('fixed_at_source');
    expect(after.history.at(-1)).toMatchObject({ by: 'pipeline', action: 'delivery_checked' });
    expect(
      (await officer({ method: 'POST', url: `/api/quality/tickets/${t.id}/confirm`, payload: { accept: true } }))
        .statusCode,
    ).toBe(409);
    const reopened = await officer({
      method: 'POST',
      url: `/api/quality/tickets/${t.id}/confirm`,
      payload: { accept: false, note: '仍未更正' },
    });
    expect(reopened.json().status).toBe('reopened');
    const open = await as(app, 'county', 'admin', null)({ url: '/api/quality/tickets?status=reopened' });
    expect(open.json().items.map((x: { id: string }) => x.id)).toContain(t.id);
  });

  it('a ticket may name the standardized value as <role>.<attribute> instead of a source column', async () => {
    const res = await as(app, 'county', 'analyst')({ method: 'POST', url: '/api/quality/tickets', payload: { rid: 'hotel:Q-HOTEL-2', field: 'guest.sex', reason: '性别有误' } });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ field: 'guest.sex', attribute: 'sex', reportedValue: expect.stringMatching(/^[MF]$/) });
  });

  it('a ticket on a field the reporter sees masked states no expected value: its verification would confirm a guess', async () => {
    // another city's officer reads the hotel's resident IDs masked (620102********1235)
    const other = as(app, 'otherCity', 'officer');
    const guess = await other({ method: 'POST', url: '/api/quality/tickets', payload: { rid: 'hotel:Q-HOTEL-1', field: 'id_number', expected: '620102199001011235', reason: '号码有误' } });
    expect(guess.statusCode, guess.body).toBe(400);
    expect(guess.json()).toMatchObject({ code: 'ONEMAP_ERR_VALIDATION' });
    expect(guess.json().message).toContain('masked');
    // the same ticket without it is taken, and shows the value masked
    const plain = await other({ method: 'POST', url: '/api/quality/tickets', payload: { rid: 'hotel:Q-HOTEL-1', field: 'id_number', reason: '号码有误' } });
    expect(plain.statusCode, plain.body).toBe(201);
    expect(plain.json()).toMatchObject({ expected: null });
    expect(plain.json().reportedValue).toContain('*');
    // the owner unit reads it in plain and may state what it expects
    const owner = await as(app, 'county', 'officer')({ method: 'POST', url: '/api/quality/tickets', payload: { rid: 'hotel:Q-HOTEL-1', field: 'id_number', expected: '620102199001011235', reason: '号码有误' } });
    expect(owner.statusCode, owner.body).toBe(201);
  });

  it('a ticket on a record the reporter may not see, or a field the source does not have, is refused', async () => {
    const officer = as(app, 'county', 'officer');
    expect(
      (
        await officer({
          method: 'POST',
          url: '/api/quality/tickets',
          payload: { rid: 'hotel:Q-HOTEL-404', field: 'address', reason: '不存在' },
        })
      ).statusCode,
    ).toBe(404);
    expect(
      (
        await officer({
          method: 'POST',
          url: '/api/quality/tickets',
          payload: { rid: 'hotel:Q-HOTEL-1', field: 'no_such_column', reason: '字段' },
        })
      ).statusCode,
    ).toBe(400);
    expect(
      (
        await as(
          app,
          'county',
          'officer',
          null,
        )({
          method: 'POST',
          url: '/api/quality/tickets',
          payload: { rid: 'hotel:Q-HOTEL-1', field: 'address', reason: '无事由' },
        })
      ).statusCode,
    ).toBe(428);
  });
});

describe('quality reports', () => {
  it('every batch leaves a report; examples are plain for a cleared role of the owner unit and masked for others', async () => {
    await push([rec(3, { id_number: '620102198001011235' }), rec(4)]);
    // role AND unit, like profiles: the owner county's analyst reads the value under a stated
    // purpose, its planner does not (issue 12.7); without a purpose no one reads a resident ID
    const unstated = await as(app, 'county', 'analyst', null)({ url: '/api/quality/reports?source=hotel&limit=10' });
    expect(unstated.statusCode).toBe(200);
    expect(unstated.body).not.toContain('620102198001011235');
    const owner = await as(app, 'county', 'analyst')({ url: '/api/quality/reports?source=hotel&limit=10' });
    expect(owner.statusCode).toBe(200);
    const withBad = owner.json().items.find((r: any) => r.examples.some((e: any) => e.rule === 'id_check_digit'));
    expect(withBad).toBeDefined();
    expect(withBad.scores.find((s: any) => s.rule === 'id_check_digit')).toMatchObject({
      checked: 2,
      failed: 1,
      score: 0.5,
    });
    expect(withBad.examples.find((e: any) => e.rule === 'id_check_digit')).toMatchObject({
      rid: 'hotel:Q-HOTEL-3',
      field: 'id_number',
      value: '620102198001011235',
      masked: false,
    });
    const other = await as(app, 'otherCity', 'planner', null)({ url: '/api/quality/reports?source=hotel&limit=10' });
    const ex = other
      .json()
      .items.flatMap((r: any) => r.examples)
      .find((e: any) => e.rule === 'id_check_digit');
    expect(ex).toMatchObject({ value: '620102********1235', masked: true });
    for (const level of ['county', 'province'] as const) {
      const planner = await as(app, level, 'planner', null)({ url: '/api/quality/reports?source=hotel&limit=10' });
      expect(planner.body).not.toContain('620102198001011235');
      const pex = planner
        .json()
        .items.flatMap((r: any) => r.examples)
        .find((e: any) => e.rule === 'id_check_digit');
      expect(pex).toMatchObject({ value: '620102********1235', masked: true });
    }
  });

  it('the summary gives per-rule scores with the trend and exports as CSV; the period job writes period reports', async () => {
    const planner = as(app, 'province', 'planner', null);
    const s = await planner({ url: '/api/quality/summary?days=1' });
    expect(s.statusCode).toBe(200);
    const hotel = s.json().sources.find((x: any) => x.source === 'hotel');
    expect(hotel.ownerUnit).toBe('620102'); // the owner as governance records it, not the catalog's 620000
    expect(hotel.rules.map((r: any) => r.rule)).toContain('id_check_digit');
    const csv = await planner({ url: '/api/quality/summary.csv?days=1' });
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.body.split('\n')[0]).toBe('source,owner_unit,rule,checked,failed,score,previous_score,delta');
    expect(csv.body).toMatch(/^hotel,620102,id_check_digit,\d+,1,/m);
    const run = await as(app, 'province', 'admin', null)({ method: 'POST', url: '/api/quality/reports/run' });
    expect(run.statusCode).toBe(201);
    expect(run.json().reports).toBe(loadCatalog().length);
    const periods = await planner({ url: '/api/quality/reports?source=hotel' });
    expect(
      periods
        .json()
        .items.some((r: any) => r.kind === 'period' && r.scores.some((x: any) => x.rule === 'delivery_timeliness')),
    ).toBe(true);
  });
});
