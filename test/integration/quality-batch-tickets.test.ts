/**
 * Quality loose ends (issue 17 part 4) through the API on the real Neo4j and Redis: a batch's own
 * findings open correction tickets to the source's owner unit (not only the scheduled authority
 * rule), once per value, never on a rejected record; and `stale_authority` is a graph rule of the
 * period report (the authority's later record supersedes an earlier one). Own ids: `QB-*`.
 */
import { loadCatalog, makeResidentId } from '@onemap/datasets';
import type { Graph } from '@onemap/graph-schema/server';
import type { FastifyInstance } from 'fastify';
import { describe, expect, it } from 'vitest';
import { upsertSources } from '../../server/src/repositories/governance.ts';
import { hotelRecord } from '../helpers/hotel-records.ts';
import { as, asSource, sourceKeyFor, useServerApp } from '../helpers/server-app.ts';

let app: FastifyInstance;
let graph: Graph;
// BullMQ remembers completed batches by content hash: make each run's content new.
const RUN = String(Date.now() % 1_000_000);

useServerApp(
  { INGEST_WORKER: 'embedded', RATE_LIMIT_PER_MINUTE: 1_000_000 },
  (s) => {
    ({ app, graph } = s);
  },
  async (graph) => {
    const catalog = loadCatalog();
    // Both sources owned by the county 620102 here, so tickets go to a unit below the province.
    await upsertSources(
      graph,
      ['hotel', 'household'].map((id) => {
        const e = catalog.find((c) => c.id === id)!;
        return {
          id,
          nameZh: e.name.zh,
          nameEn: e.name.en,
          ownerUnit: '620102',
          shareClass: 'unconditional',
          grade: 2,
          updateMode: e.updateMode,
          frequency: e.frequency,
        };
      }),
    );
  },
);

async function push(source: string, records: Record<string, unknown>[]) {
  const system = asSource(app, await sourceKeyFor(app, [source]));
  const res = await system({ method: 'POST', url: `/api/ingest/${source}`, payload: { records } });
  expect(res.statusCode, res.body).toBe(202);
  for (let i = 0; i < 600; i++) {
    const r = await system({ url: `/api/ingest/jobs/${res.json().batchId}` });
    // A push is visible once `done`; its quality rules and ticket checks run right after (`checkedAt`).
    if (r.statusCode === 200 && (r.json().checkedAt || ['rejected', 'failed'].includes(r.json().status))) return r.json();
    await new Promise((x) => setTimeout(x, 200));
  }
  throw new Error('batch did not finish');
}

type Ticket = { rid: string; rule: string | null; openedBy: string; ownerUnit: string; field: string; status: string };
const tickets = async (level: Parameters<typeof as>[1]) =>
  (await as(app, level, 'officer', null)({ url: '/api/quality/tickets' })).json().items as Ticket[];

describe('per-batch quality findings open correction tickets', () => {
  it('a hotel outside the province opens one ticket to the owner unit; a rejected record opens none; a redelivery opens no second', async () => {
    const records = [
      hotelRecord(8101, { record_id: `QB-HOTEL-1-${RUN}`, room_no: RUN, hotel_lon: 116.4, hotel_lat: 39.9 }),
      hotelRecord(8102, { record_id: `QB-HOTEL-2-${RUN}`, room_no: RUN }),
      hotelRecord(8103, {
        record_id: `QB-HOTEL-3-${RUN}`,
        room_no: RUN,
        hotel_code: '',
        hotel_lon: 116.4,
        hotel_lat: 39.9,
      }),
    ];
    const done = await push('hotel', records);
    expect(done.status).toBe('done');
    const mine = (await tickets('county')).filter((t) => t.rid.startsWith('hotel:QB-HOTEL-'));
    expect(mine.map((t) => t.rid)).toEqual([`hotel:QB-HOTEL-1-${RUN}`]);
    expect(mine[0]).toMatchObject({
      rule: 'coordinates_in_province',
      openedBy: 'rule:coordinates_in_province',
      ownerUnit: '620102',
      status: 'open',
    });
    // It carries the value as delivered, so the next delivery can verify a fix against it.
    expect(['116.4', '39.9']).toContain((mine[0] as Ticket & { reportedValue: string }).reportedValue);
    // The same values delivered again in another batch: the awaiting ticket stands, no second one.
    await push('hotel', [{ ...records[0]!, room_no: `${RUN}1` }]);
    expect(
      (await tickets('county')).filter((t) => t.rid === `hotel:QB-HOTEL-1-${RUN}` && t.field === mine[0]!.field),
    ).toHaveLength(1);
    // A city elsewhere neither owns the source nor opened the ticket.
    expect((await tickets('otherCity')).some((t) => t.rid.startsWith('hotel:QB-HOTEL-'))).toBe(false);
  });
});

describe('stale_authority is a graph rule of the period report', () => {
  it('the registry’s later record with a new address makes the earlier one stale; an unchanged person does not', async () => {
    const id = makeResidentId('620102', '19790101', 417);
    const same = makeResidentId('620102', '19790102', 418);
    const hh = (rid: string, idNumber: string, name: string, address: string) => ({
      record_id: rid,
      household_no: `98${RUN}`,
      relation_to_head: '户主',
      name,
      sex: '1',
      ethnicity: '汉族',
      birth_date: idNumber.slice(6, 14),
      id_number: idNumber,
      phone: '',
      address,
      division_code: '620102',
      station_code: '620102001',
      home_code: `HQB${RUN}`,
      home_name: '住宅',
      home_lon: '103.86',
      home_lat: '36.04',
      home_address: address,
      registered_at: '2016-04-23',
    });
    await push('household', [
      hh(`QB-HJ-1-${RUN}`, id, '甄旧', '甘肃省兰州市城关区旧址路1号'),
      hh(`QB-HJ-3-${RUN}`, same, '甄同', '甘肃省兰州市城关区同址路3号'),
    ]);
    await push('household', [
      hh(`QB-HJ-2-${RUN}`, id, '甄旧', '甘肃省兰州市城关区新址路2号'),
      hh(`QB-HJ-4-${RUN}`, same, '甄同', '甘肃省兰州市城关区同址路3号'),
    ]);
    const admin = as(app, 'county', 'admin', null);
    const ran = await admin({ method: 'POST', url: '/api/quality/reports/run' });
    expect(ran.statusCode, ran.body).toBe(201);
    const reports = (await as(app, 'county', 'analyst', null)({ url: '/api/quality/reports?source=household' })).json()
      .items as {
      kind: string;
      scores: { rule: string; checked: number; failed: number }[];
      examples: { rule: string; rid: string }[];
    }[];
    const period = reports.find((r) => r.kind === 'period');
    expect(period).toBeDefined();
    const score = period!.scores.find((s) => s.rule === 'stale_authority');
    expect(score).toMatchObject({ failed: 1 });
    expect(score!.checked).toBeGreaterThanOrEqual(2);
    const stale = period!.examples.filter((e) => e.rule === 'stale_authority').map((e) => e.rid);
    expect(stale).toContain(`household:QB-HJ-1-${RUN}`);
    expect(stale).not.toContain(`household:QB-HJ-3-${RUN}`);
    expect(stale).not.toContain(`household:QB-HJ-2-${RUN}`);
  });
});
