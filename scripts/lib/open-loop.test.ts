import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { openLoop } from './open-loop.ts';

let server: http.Server | null = null;

/** A server answering 404 on `/missing`, holding the first request `holdFirstMs`, 200 otherwise. */
async function serve(holdFirstMs = 0): Promise<string> {
  let first = true;
  server = http.createServer((req, res) => {
    const answer = () => {
      res.statusCode = req.url === '/missing' ? 404 : 200;
      res.end('x');
    };
    if (first && holdFirstMs > 0) {
      first = false;
      setTimeout(answer, holdFirstMs);
    } else answer();
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = null;
});

describe('openLoop', () => {
  it('offers rate × seconds requests and counts every answer by status', async () => {
    const base = await serve();
    let i = 0;
    const r = await openLoop({
      base,
      path: () => (i++ % 4 === 0 ? '/missing' : '/ok'),
      headers: {},
      rate: 200,
      seconds: 0.5,
      connections: 4,
    });
    expect(r.offered).toBe(100);
    expect(r.failed).toBe(0);
    expect(r.latencies).toHaveLength(100);
    expect(r.statuses.get(404)).toBe(25);
    expect(r.statuses.get(200)).toBe(75);
    // sorted ascending
    expect(r.latencies.every((x, k) => k === 0 || (r.latencies[k - 1] as number) <= x)).toBe(true);
  });

  it('counts a latency from when its request was due: requests stuck behind a slow answer carry their wait', async () => {
    const base = await serve(300);
    const r = await openLoop({ base, path: () => '/ok', headers: {}, rate: 100, seconds: 0.5, connections: 1 });
    expect(r.failed).toBe(0);
    expect(r.latencies).toHaveLength(50);
    expect(r.queued).toBeGreaterThan(0);
    // a closed loop (latency from when the request went out) would show one slow answer; the
    // requests due during the 300 ms hold waited for the one connection, and that wait is counted
    expect(r.latencies.filter((x) => x >= 100).length).toBeGreaterThan(5);
  });

  it('reports requests that got no answer as failed', async () => {
    const base = await serve();
    await new Promise<void>((resolve) => server!.close(() => resolve()));
    server = null;
    const r = await openLoop({ base, path: () => '/ok', headers: {}, rate: 50, seconds: 0.2, connections: 2 });
    expect(r.offered).toBe(10);
    expect(r.failed).toBe(10);
    expect(r.latencies).toHaveLength(0);
  });
});
