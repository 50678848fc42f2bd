/**
 * A correction ticket on a source column reports the cell as the source delivered it, read from
 * staging (the graph no longer stores `SourceRecord.raw`): for a record of an uploaded GBK CSV file
 * and for a pushed record; on a graph written before (a record still carrying `raw`) the same value,
 * before and after migration V047 removes it. Own ids: records `QD-*` with a per-run suffix.
 */
import fs from 'node:fs';
import path from 'node:path';
import { type Graph, MIGRATIONS_DIR, splitStatements } from '@onemap/graph-schema/server';
import type { FastifyInstance } from 'fastify';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { hotelRecord } from '../helpers/hotel-records.ts';
import { as, asSource, sourceKeyFor, useServerApp } from '../helpers/server-app.ts';

let app: FastifyInstance;
let graph: Graph;
// BullMQ remembers completed batches by content hash across graph resets: new content each run.
const RUN = String(Date.now() % 1_000_000);

useServerApp({ INGEST_WORKER: 'embedded' }, (s) => {
  ({ app, graph } = s);
});

async function cypher(q: string, p: Record<string, unknown> = {}) {
  const s = graph.driver.session({ database: graph.database });
  try {
    return (await s.run(q, p)).records.map((r) => r.toObject());
  } finally {
    await s.close();
  }
}

async function waitDone(batchId: string) {
  const admin = as(app, 'province', 'admin', null);
  for (let i = 0; i < 600; i++) {
    const r = await admin({ url: `/api/ingest/jobs/${batchId}` });
    if (r.statusCode === 200 && ['done', 'rejected', 'failed'].includes(r.json().status)) return r.json();
    await new Promise((x) => setTimeout(x, 200));
  }
  throw new Error(`batch ${batchId} did not finish`);
}

async function reported(rid: string, field: string): Promise<string> {
  const res = await as(app, 'province', 'officer')({ method: 'POST', url: '/api/quality/tickets', payload: { rid, field, reason: '核实' } });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().reportedValue as string;
}

// A cell the standardizer changes (spaces, full-width digits), so the standardized value cannot pass for it.
const CAFE_ADDRESS = '甘肃省兰州市城关区  测试路１２号 ';
const GUEST_ADDRESS = ' 甘肃省兰州市城关区测试路３４号';

async function uploadNetcafe(): Promise<string> {
  const header = 'record_id,cafe_code,cafe_name,cafe_address,cafe_lon,cafe_lat,division_code,user_name,id_number,seat_no,login_time,logout_time';
  const rows = [
    `QD-NC-${RUN}-1,H000024,飞翔网咖,"${CAFE_ADDRESS}",103.91341,35.96404,620103,崔之,620103200407240919,A050,20260302180631,20260302215015`,
    `QD-NC-${RUN}-2,H000024,飞翔网咖,甘肃省兰州市城关区测试路12号,103.91341,35.96404,620103,李松山,620923199607195853,A032,20260302140521,20260302180504`,
  ];
  const system = asSource(app, await sourceKeyFor(app, ['netcafe']));
  const up = await system({
    method: 'POST',
    url: '/api/ingest/netcafe/files?name=qd.csv',
    payload: iconv.encode(`${header}\n${rows.join('\n')}\n`, 'gbk'),
    headers: { 'content-type': 'text/csv' },
  });
  expect(up.statusCode, up.body).toBe(202);
  expect(await waitDone(up.json().batchId)).toMatchObject({ status: 'done', written: 2 });
  return up.json().batchId;
}

async function pushHotel(): Promise<string> {
  const system = asSource(app, await sourceKeyFor(app, ['hotel']));
  const res = await system({
    method: 'POST',
    url: '/api/ingest/hotel',
    payload: { records: [hotelRecord(7300, { record_id: `QD-HOTEL-${RUN}`, room_no: RUN, address: GUEST_ADDRESS })] },
  });
  expect(res.statusCode).toBe(202);
  expect(await waitDone(res.json().batchId)).toMatchObject({ status: 'done', written: 1 });
  return res.json().batchId;
}

describe('a ticket reports the delivered cell from staging', () => {
  it('a record of an uploaded GBK CSV file and a pushed record: the source’s original cell; the graph stores no raw record', async () => {
    await uploadNetcafe();
    await pushHotel();
    const rids = [`netcafe:QD-NC-${RUN}-1`, `hotel:QD-HOTEL-${RUN}`];
    const stored = await cypher('MATCH (r:SourceRecord) WHERE r.rid IN $rids RETURN r.rid AS rid, r.raw AS raw, r.attrs AS attrs', { rids });
    expect(stored).toHaveLength(2);
    for (const r of stored) expect(r.raw).toBeNull();
    expect(await reported(rids[0]!, 'cafe_address')).toBe(CAFE_ADDRESS);
    expect(await reported(rids[1]!, 'address')).toBe(GUEST_ADDRESS);
    // a standardized attribute is still reported from the record's attrs
    expect(await reported(rids[0]!, 'user.name')).toBe('崔之');
  });

  it('a graph written before (records carrying raw): the same value before and after migration V047, and raw is the fallback when staging lost the delivery', async () => {
    const batchId = await uploadNetcafe();
    const rid = `netcafe:QD-NC-${RUN}-1`;
    // as the writers stored it before: the delivered row as JSON
    await cypher('MATCH (r:SourceRecord {rid: $rid}) SET r.raw = $raw', { rid, raw: JSON.stringify({ record_id: `QD-NC-${RUN}-1`, cafe_address: CAFE_ADDRESS }) });
    expect(await reported(rid, 'cafe_address')).toBe(CAFE_ADDRESS);
    const text = fs.readFileSync(path.join(MIGRATIONS_DIR, 'V047__source_record_without_raw.cypher'), 'utf8');
    for (const statement of splitStatements(text)) await cypher(statement);
    expect(Number((await cypher('MATCH (r:SourceRecord) WHERE r.raw IS NOT NULL RETURN count(r) AS n'))[0]!.n)).toBe(0);
    expect(await reported(rid, 'cafe_address')).toBe(CAFE_ADDRESS);

    // staging without the delivery: an older graph's raw is what is left to report
    const [b] = await cypher('MATCH (b:Batch {batchId: $batchId}) RETURN b.hash AS hash', { batchId });
    const staged = path.join(app.pipeline.deps.stagingDir, 'netcafe', `${b!.hash}.csv`);
    expect(fs.existsSync(staged)).toBe(true);
    const kept = `${staged}.kept`;
    fs.renameSync(staged, kept);
    try {
      await cypher('MATCH (r:SourceRecord {rid: $rid}) SET r.raw = $raw', { rid, raw: JSON.stringify({ cafe_address: 'from raw' }) });
      expect(await reported(rid, 'cafe_address')).toBe('from raw');
    } finally {
      fs.renameSync(kept, staged);
    }
  });
});
