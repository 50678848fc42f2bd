import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replaySource } from './replay-source.ts';

interface Received {
  url: string;
  key: string | string[] | undefined;
  records: Record<string, unknown>[];
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let s = '';
    req.on('data', (c) => {
      s += c;
    });
    req.on('end', () => resolve(s));
  });
}

describe('replaySource', () => {
  const received: Received[] = [];
  let server: Server;
  let url = '';

  beforeAll(async () => {
    server = createServer(async (req, res) => {
      const body = JSON.parse(await readBody(req)) as { records: Record<string, unknown>[] };
      received.push({ url: req.url ?? '', key: req.headers['x-onemap-source-key'], records: body.records });
      // reject records without a resident id to check the counting
      const rejected = body.records.filter((r) => !r.id_number).map((r) => ({ record: r.record_id, reason: 'no id' }));
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ accepted: body.records.length - rejected.length, rejected }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('posts the sample source in batches with the source system’s key and counts the answers', async () => {
    const result = await replaySource({ source: 'netcafe', url, rate: 5000, batchSize: 25, key: 'osk.k3y', limit: 120 });
    expect(result.sent).toBe(120);
    expect(result.batches).toBeGreaterThanOrEqual(5);
    expect(received.every((r) => r.records.length <= 25)).toBe(true);
    expect(received.every((r) => r.url === '/api/ingest/netcafe' && r.key === 'osk.k3y')).toBe(true);
    const all = received.flatMap((r) => r.records);
    expect(all).toHaveLength(120);
    expect(typeof all[0]?.user_name).toBe('string');
    expect(all[0]?.user_name).toMatch(/\p{Script=Han}|[A-Za-z]/u);
    const missing = all.filter((r) => !r.id_number).length;
    expect(result.rejected).toBe(missing);
    expect(result.accepted).toBe(120 - missing);
  });
});
