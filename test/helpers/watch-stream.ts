import http from 'node:http';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';

/** A caller as the test helpers make one (`as(app, level, role)`). */
type Caller = (opts: InjectOptions) => Promise<LightMyRequestResponse>;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Opens the watch stream as `user` (a stream ticket first, never a token in the URL) on the app's
 * listening port, collecting what arrives, and waits for `ready`.
 * @returns the text so far, `waitFor(pred, ms)` (true once `pred` holds, false after `ms`), whether
 *   the server ended the stream, and `close`
 */
export async function openWatchStream(app: FastifyInstance, user: Caller) {
  const t = await user({ method: 'POST', url: '/api/watches/stream-ticket' });
  expect(t.statusCode, t.body).toBe(201);
  const port = (app.server.address() as { port: number }).port;
  const chunks: string[] = [];
  let ended = false;
  const req = http.get({ host: '127.0.0.1', port, path: `/api/watches/stream?ticket=${t.json().ticket}` });
  const res = await new Promise<http.IncomingMessage>((resolve, reject) => {
    req.on('response', resolve);
    req.on('error', reject);
  });
  expect(res.statusCode).toBe(200);
  res.setEncoding('utf8');
  res.on('data', (c: string) => chunks.push(c));
  res.on('end', () => {
    ended = true;
  });
  const text = () => chunks.join('');
  const waitFor = async (pred: () => boolean, ms = 5000) => {
    const t0 = Date.now();
    while (!pred() && Date.now() - t0 < ms) await sleep(50);
    return pred();
  };
  await waitFor(() => text().includes('event: ready'));
  return { text, waitFor, ended: () => ended, close: () => req.destroy() };
}
