import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clearGraph, openTestGraph } from '../helpers/graph.ts';
import { hotelRecord } from '../helpers/hotel-records.ts';
import { sampleFiles } from '../helpers/pipeline.ts';
import { as, asSource, buildTestApp, sourceKeyFor } from '../helpers/server-app.ts';
import { seedServerFixture } from '../helpers/server-fixtures.ts';

let app: FastifyInstance;
/** The source systems: the hotel gateway and the rail operator, each with its own key. */
let hotelSystem: ReturnType<typeof asSource>;
let railSystem: ReturnType<typeof asSource>;
beforeAll(async () => {
  const graph = openTestGraph();
  await clearGraph(graph);
  await seedServerFixture(graph);
  await graph.driver.close();
  app = await buildTestApp({ INGEST_WORKER: 'embedded' });
  hotelSystem = asSource(app, await sourceKeyFor(app, ['hotel']));
  railSystem = asSource(app, await sourceKeyFor(app, ['rail']));
});
afterAll(async () => app?.close());

async function waitDone(admin: ReturnType<typeof as>, batchId: string) {
  for (let i = 0; i < 600; i++) {
    const r = await admin({ url: `/api/ingest/jobs/${batchId}` });
    if (r.statusCode === 200 && ['done', 'rejected', 'failed'].includes(r.json().status)) return r.json();
    await new Promise((x) => setTimeout(x, 200));
  }
  throw new Error(`batch ${batchId} did not finish`);
}

describe('ingest over HTTP', () => {
  it('a real-time push answers at once with the rejected records and their reasons; the rest reach the graph', async () => {
    const admin = as(app, 'province', 'admin', null);
    const records = Array.from({ length: 50 }, (_, i) => hotelRecord(2000 + i));
    records[7] = hotelRecord(2007, { hotel_code: '' });
    const res = await hotelSystem({ method: 'POST', url: '/api/ingest/hotel', payload: { records } });
    expect(res.statusCode).toBe(202);
    const body = res.json();
    expect(body).toMatchObject({ source: 'hotel', duplicate: false, accepted: 49 });
    expect(body.rejected).toEqual([
      {
        line: 8,
        recordId: 'T-HOTEL-002007',
        field: 'hotel_code',
        code: 'ONEMAP_ERR_REQUIRED_MISSING',
        reason: expect.any(String),
      },
    ]);
    // The door keeps a first push in Redis until its group commits: its batch is visible at once.
    const queued = await admin({ url: `/api/ingest/jobs/${body.batchId}` });
    expect(queued.statusCode).toBe(200);
    expect(queued.json()).toMatchObject({ batchId: body.batchId, source: 'hotel', way: 'push' });
    const done = await waitDone(admin, body.batchId);
    expect(done).toMatchObject({ status: 'done', written: 49, rejected: 1, way: 'push', deliveries: 1 });
    const rej = await admin({ url: `/api/ingest/jobs/${body.batchId}/rejects` });
    expect(rej.json().items).toHaveLength(1);
    expect(rej.json().items[0]).not.toHaveProperty('value');
    const csv = await admin({ url: `/api/ingest/jobs/${body.batchId}/rejects`, headers: { accept: 'text/csv' } });
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.body.trim().split('\n')).toEqual([
      'source,file,line,record_id,field,code,reason',
      expect.stringContaining('T-HOTEL-002007,hotel_code,ONEMAP_ERR_REQUIRED_MISSING,'),
    ]);

    const again = await hotelSystem({ method: 'POST', url: '/api/ingest/hotel', payload: { records } });
    expect(again.json()).toMatchObject({ batchId: body.batchId, duplicate: true });

    // The same content pushed twice at once: one first delivery, one duplicate, two deliveries, one write.
    const twice = [hotelRecord(2100), hotelRecord(2101)];
    const both = await Promise.all(
      [0, 1].map(() => hotelSystem({ method: 'POST', url: '/api/ingest/hotel', payload: { records: twice } })),
    );
    expect(both.map((r) => r.json().duplicate).sort()).toEqual([false, true]);
    expect(both[0]!.json().batchId).toBe(both[1]!.json().batchId);
    expect(await waitDone(admin, both[0]!.json().batchId)).toMatchObject({ status: 'done', written: 2, deliveries: 2 });
  });

  it('pushed records that leave out keys are checked one by one: a missing required key rejects that record only', async () => {
    const admin = as(app, 'province', 'admin', null);
    // No record carries `hotel_address` (optional): not a mapping error for pushes. Record 2 also
    // leaves out `hotel_code` (required): that record alone is rejected, with its reason.
    const records = [3000, 3001, 3002].map((i) => {
      const { hotel_address: _a, ...r } = hotelRecord(i);
      return r;
    });
    const { hotel_code: _c, ...noCode } = records[1]!;
    records[1] = noCode;
    const res = await hotelSystem({ method: 'POST', url: '/api/ingest/hotel', payload: { records } });
    expect(res.statusCode, res.body).toBe(202);
    const body = res.json();
    expect(body).toMatchObject({ source: 'hotel', accepted: 2 });
    expect(body.rejected).toEqual([
      expect.objectContaining({ recordId: 'T-HOTEL-003001', field: 'hotel_code', code: 'ONEMAP_ERR_REQUIRED_MISSING' }),
    ]);
    expect(await waitDone(admin, body.batchId)).toMatchObject({ status: 'done', written: 2, rejected: 1 });
  });

  it('a file upload is staged, resolved, and the same content uploaded again is a no-op', async () => {
    const admin = as(app, 'province', 'admin', null);
    const [[, file]] = sampleFiles(['2026-03-03'], ['rail']) as [[string, string]];
    const payload = fs.readFileSync(file);
    const up = await railSystem({
      method: 'POST',
      url: '/api/ingest/rail/files?name=2026-03-03.csv',
      payload,
      headers: { 'content-type': 'text/csv' },
    });
    expect(up.statusCode).toBe(202);
    const done = await waitDone(admin, up.json().batchId);
    expect(done.status).toBe('done');
    expect(done.written).toBeGreaterThan(10);
    const again = await railSystem({
      method: 'POST',
      url: '/api/ingest/rail/files?name=copy-of-2026-03-03.csv',
      payload,
      headers: { 'content-type': 'text/csv' },
    });
    expect(again.json()).toMatchObject({ batchId: up.json().batchId, duplicate: true, status: 'done' });
    const list = await admin({ url: '/api/ingest/jobs?source=rail' });
    expect(list.json().items.map((b: { batchId: string }) => b.batchId)).toContain(up.json().batchId);
    // The audit keeps the delivery's size, not its contents (auditors would read the records there).
    const entries = (await as(app, 'province', 'auditor', null)({ url: '/api/audit/entries?limit=200' })).json().items as { route: string; paramsJson: string }[];
    const uploads = entries.filter((e) => e.route === '/api/ingest/:source/files');
    expect(uploads.length).toBeGreaterThanOrEqual(2);
    const firstRecord = payload.toString('utf8').split('\n')[1] as string;
    for (const e of uploads) {
      expect(JSON.parse(e.paramsJson).body).toEqual({ bytes: payload.byteLength, contentType: 'text/csv' });
      for (const cell of firstRecord.split(',').filter((c) => c.length >= 4)) expect(e.paramsJson).not.toContain(cell);
    }
  });

  it('an upload past UPLOAD_LIMIT_BYTES is refused as it arrives (413), leaving no file behind; one within it is taken', async () => {
    const small = await buildTestApp({ UPLOAD_LIMIT_BYTES: 2048 });
    try {
      const rail = asSource(small, await sourceKeyFor(small, ['rail']));
      const spools = () => new Set(fs.readdirSync(os.tmpdir()).filter((d) => d.startsWith('onemap-upload-')));
      const before = spools();
      const big = `a,b\n${'1,2\n'.repeat(1000)}`;
      const refused = await rail({ method: 'POST', url: '/api/ingest/rail/files?name=2026-03-09.csv', payload: big, headers: { 'content-type': 'text/csv' } });
      expect(refused.statusCode).toBe(413);
      expect(refused.json().code).toBe('ONEMAP_ERR_PAYLOAD_TOO_LARGE');
      // declared or not: a body sent in chunks without a length is counted as it comes
      const chunked = await rail({ method: 'POST', url: '/api/ingest/rail/files?name=2026-03-09.csv', payload: Readable.from([Buffer.from(big)]), headers: { 'content-type': 'text/csv' } });
      expect(chunked.statusCode).toBe(413);
      // a body sent to the push route as a file is refused there, and its file removed too
      const misrouted = await rail({ method: 'POST', url: '/api/ingest/rail', payload: 'a,b\n1,2\n', headers: { 'content-type': 'text/csv' } });
      expect(misrouted.statusCode).toBe(400);
      expect([...spools()].filter((d) => !before.has(d))).toEqual([]);
      // a JSON body shaped like an upload is no upload: nothing it names is moved or removed
      const victim = fs.mkdtempSync(path.join(os.tmpdir(), 'onemap-victim-'));
      fs.writeFileSync(path.join(victim, 'keep.csv'), 'a,b\n');
      for (const url of ['/api/ingest/rail/files?name=x.csv', '/api/ingest/rail']) {
        const forged = await rail({ method: 'POST', url, payload: { dir: victim, file: path.join(victim, 'keep.csv'), bytes: 4 } });
        expect(forged.statusCode, url).toBe(400);
      }
      expect(fs.readFileSync(path.join(victim, 'keep.csv'), 'utf8')).toBe('a,b\n');
      fs.rmSync(victim, { recursive: true, force: true });
      const [[, file]] = sampleFiles(['2026-03-03'], ['rail']) as [[string, string]];
      const lines = fs.readFileSync(file, 'utf8').split('\n');
      const fits = `${lines.slice(0, 4).join('\n')}\n`;
      const taken = await rail({ method: 'POST', url: '/api/ingest/rail/files?name=2026-03-09.csv', payload: fits, headers: { 'content-type': 'text/csv' } });
      expect(taken.statusCode).toBe(202);
      expect([...spools()].filter((d) => !before.has(d))).toEqual([]);
    } finally {
      await small.close();
    }
  });

  it('a file name that is no file name (., .., a path, empty) is a 400 with its code, not a server error', async () => {
    for (const name of ['.', '..', '../x.csv', 'a/b.csv', '']) {
      const res = await railSystem({ method: 'POST', url: `/api/ingest/rail/files?name=${encodeURIComponent(name)}`, payload: 'a,b\n1,2\n', headers: { 'content-type': 'text/csv' } });
      expect(res.statusCode, `${name}: ${res.body}`).toBe(400);
      expect(res.json().code, name).toBe('ONEMAP_ERR_VALIDATION');
    }
    // a name that only begins with dots is a file name: taken, and its content checked (this one has no rail columns)
    const ok = await railSystem({ method: 'POST', url: '/api/ingest/rail/files?name=..rail.csv', payload: 'a,b\n1,2\n', headers: { 'content-type': 'text/csv' } });
    expect(ok.statusCode, ok.body).toBe(400);
    expect(ok.json().code).toBe('ONEMAP_ERR_MISSING_COLUMN');
  });

  it('an uploaded CSV whose header lacks a mapped column is a 400 that names the column, at once; nothing is queued', async () => {
    const admin = as(app, 'province', 'admin', null);
    const before = (await admin({ url: '/api/ingest/jobs?source=rail' })).json().items.length;
    const [[, file]] = sampleFiles(['2026-03-04'], ['rail']) as [[string, string]];
    const [header, ...rows] = fs.readFileSync(file, 'utf8').split('\n');
    const columns = header!.split(',');
    const dropped = columns[2]!;
    const without = [columns.filter((_, i) => i !== 2).join(','), ...rows.map((r) => r.split(',').filter((_, i) => i !== 2).join(','))].join('\n');
    const res = await railSystem({ method: 'POST', url: '/api/ingest/rail/files?name=no-column.csv', payload: without, headers: { 'content-type': 'text/csv' } });
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json()).toMatchObject({ code: 'ONEMAP_ERR_MISSING_COLUMN', message: expect.stringContaining(dropped) });
    expect((await admin({ url: '/api/ingest/jobs?source=rail' })).json().items.length).toBe(before);
  });

  it('one bad record of a push is rejected on its own: no object, a number that lost digits, a swapped point, an over-long code; the rest reach the graph', async () => {
    const admin = as(app, 'province', 'admin', null);
    const good = [3100, 3101, 3102].map((i) => hotelRecord(i));
    const records: unknown[] = [
      good[0],
      null,
      'not a record',
      // a resident ID sent as a JSON number has lost its last digits before the server reads it
      { ...hotelRecord(3103), id_number: 622927197407290707 },
      good[1],
      // latitude and longitude swapped: that value is flagged, the record and its chunk go in
      hotelRecord(3104, { hotel_lon: 36.091, hotel_lat: 103.841, hotel_code: 'HT9104' }),
      // a code longer than the graph's index keys: flagged on its own, never a failed write
      hotelRecord(3105, { hotel_code: 'X'.repeat(9000) }),
      good[2],
    ];
    const res = await hotelSystem({ method: 'POST', url: '/api/ingest/hotel', payload: { records } });
    expect(res.statusCode, res.body).toBe(202);
    const body = res.json();
    expect([...body.rejected].sort((a: { line: number }, b: { line: number }) => a.line - b.line)).toEqual([
      expect.objectContaining({ line: 2, code: 'ONEMAP_ERR_BAD_JSON', reason: 'not an object' }),
      expect.objectContaining({ line: 3, code: 'ONEMAP_ERR_BAD_JSON', reason: 'not an object' }),
      expect.objectContaining({ line: 4, field: 'id_number', code: 'ONEMAP_ERR_BAD_VALUE', reason: expect.stringContaining('as a string') }),
      // a required code too long to keep is that record's rejection
      expect.objectContaining({ line: 7, field: 'hotel_code' }),
    ]);
    expect(body.accepted).toBe(4);
    expect(await waitDone(admin, body.batchId)).toMatchObject({ status: 'done', written: 4 });
  });

  it('a push of 10,000 records (more than the general body limit) is taken whole', async () => {
    const records = Array.from({ length: 10_000 }, (_, i) => hotelRecord(40_000 + i, { room_no: `R${i}-${'房'.repeat(40)}` }));
    expect(Buffer.byteLength(JSON.stringify({ records }))).toBeGreaterThan(5_242_880);
    const res = await hotelSystem({ method: 'POST', url: '/api/ingest/hotel', payload: { records } });
    expect(res.statusCode, res.body.slice(0, 300)).toBe(202);
    expect(res.json()).toMatchObject({ accepted: 10_000, rejected: [] });
    expect(await waitDone(as(app, 'province', 'admin', null), res.json().batchId)).toMatchObject({ status: 'done', written: 10_000 });
  });

  it('bad input: unknown source 404, wrong body 400, a user token (officer or admin) 403, no credential 401 — nothing staged', async () => {
    expect(
      (await hotelSystem({ method: 'POST', url: '/api/ingest/nosuch', payload: { records: [{ a: 1 }] } })).statusCode,
    ).toBe(404);
    const wrong = await hotelSystem({
      method: 'POST',
      url: '/api/ingest/hotel',
      payload: { records: 'MATCH (n) DETACH DELETE n' },
    });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().message).toContain('records');
    expect((await hotelSystem({ method: 'POST', url: '/api/ingest/hotel', payload: { records: [] } })).statusCode).toBe(
      400,
    );
    const officer = as(app, 'province', 'officer');
    expect(
      (await officer({ method: 'POST', url: '/api/ingest/hotel', payload: { records: [hotelRecord(1)] } })).statusCode,
    ).toBe(403);
    expect(
      (
        await as(
          app,
          'province',
          'admin',
          null,
        )({ method: 'POST', url: '/api/ingest/hotel', payload: { records: [hotelRecord(1)] } })
      ).statusCode,
    ).toBe(403);
    expect(
      (await app.inject({ method: 'POST', url: '/api/ingest/hotel', payload: { records: [hotelRecord(1)] } }))
        .statusCode,
    ).toBe(401);
  });
});
