/**
 * Layers computed in the background (issue 15; `server/src/services/layer-cache.ts`): at a million
 * persons a month's layer runs for minutes, past any request's patience. With `LAYER_WAIT_MS=0`
 * no request waits: the first asking for a window answers 503 LAYER_COMPUTING with Retry-After
 * (and is audited), the computation goes on under its own timeout, and a later request gets the
 * answer with its `computedAt` — never a viewer with another view.
 */

import type { Graph } from '@onemap/graph-schema/server';
import { readTx } from '@onemap/graph-schema/server';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { describe, expect, it } from 'vitest';
import { as, useServerApp } from '../helpers/server-app.ts';

const QUERY_TIMEOUT_MS = 5_000;
let app: FastifyInstance;
let graph: Graph;
useServerApp(
  {
    RATE_LIMIT_PER_MINUTE: 1_000_000,
    LAYER_CACHE_MS: 60_000,
    LAYER_WAIT_MS: 0,
    QUERY_TIMEOUT_MS,
    LAYER_QUERY_TIMEOUT_MS: 600_000,
  },
  (s) => {
    ({ app, graph } = s);
  },
);

const BEIJING_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?\+08:00$/;
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Asks until the answer is no longer LAYER_COMPUTING (at most `tries` times). */
async function untilComputed(ask: () => Promise<LightMyRequestResponse>, tries = 400): Promise<LightMyRequestResponse> {
  for (let i = 0; ; i++) {
    const res = await ask();
    if (res.statusCode !== 503 || res.json().code !== 'ONEMAP_ERR_LAYER_COMPUTING' || i >= tries) return res;
    await pause(50);
  }
}

/** The `timeout` (ms) each statement reading visits was sent to Neo4j with, while `work` runs. */
async function visitReadTimeouts<T>(
  work: () => Promise<T>,
): Promise<{ result: T; timeouts: Array<number | undefined> }> {
  const driver = app.graph.driver;
  const session = driver.session.bind(driver);
  const timeouts: Array<number | undefined> = [];
  driver.session = ((cfg: Parameters<typeof session>[0]) => {
    const s = session(cfg);
    const run = s.run.bind(s);
    s.run = ((q: string, p?: Record<string, unknown>, c?: { timeout?: number }) => {
      if (q.includes(':VISITED]')) timeouts.push(c?.timeout);
      return run(q, p, c as Parameters<typeof run>[2]);
    }) as typeof s.run;
    return s;
  }) as typeof driver.session;
  try {
    return { result: await work(), timeouts };
  } finally {
    driver.session = session;
  }
}

const jurisdictions = (level: 'province' | 'county', from: string, to: string) =>
  as(app, level, 'planner', null)({ url: `/api/layers/jurisdictions?from=${from}&to=${to}` });

describe('layers computed in the background', () => {
  it('the first request of a window answers 503 LAYER_COMPUTING with Retry-After, audited; a later one the answer with computedAt', async () => {
    const first = await jurisdictions('province', '2026-10-01T00:00:00Z', '2026-11-30T00:00:00Z');
    expect(first.statusCode).toBe(503);
    expect(first.json()).toMatchObject({ code: 'ONEMAP_ERR_LAYER_COMPUTING', statusCode: 503 });
    expect(first.json().message).toContain('ask again in');
    expect(first.headers['retry-after']).toMatch(/^[1-9]\d*$/);
    expect(first.json().retryAfter).toBe(Number(first.headers['retry-after']));
    const later = await untilComputed(() => jurisdictions('province', '2026-10-01T00:00:00Z', '2026-11-30T00:00:00Z'));
    expect(later.statusCode).toBe(200);
    expect(later.json().computedAt).toMatch(BEIJING_TIME);
    expect(later.json().cells.length).toBeGreaterThan(0);
    const audited = await readTx(graph, async (tx) =>
      (
        await tx.run(
          "MATCH (a:AuditEntry {route: '/api/layers/jurisdictions'}) WHERE a.paramsJson CONTAINS $from RETURN a.status AS status, a.outcome AS outcome ORDER BY a.seq",
          {
            from: '"from":"2026-10-01T00:00:00Z"',
          },
        )
      ).records.map((r) => `${r.get('status')} ${r.get('outcome')}`),
    );
    expect(audited[0]).toBe('503 error');
    expect(audited.at(-1)).toBe('200 allowed');
  });

  it('a viewer with another view never gets the first viewer’s answer: it waits for its own computation', async () => {
    const province = await untilComputed(() =>
      jurisdictions('province', '2026-09-01T00:00:00Z', '2026-11-30T00:00:00Z'),
    );
    expect(province.statusCode).toBe(200);
    // the county owns the non-shared source: other visible sources, another key
    const county = await jurisdictions('county', '2026-09-01T00:00:00Z', '2026-11-30T00:00:00Z');
    expect(county.statusCode).toBe(503);
    expect(county.json().code).toBe('ONEMAP_ERR_LAYER_COMPUTING');
    const countyLater = await untilComputed(() =>
      jurisdictions('county', '2026-09-01T00:00:00Z', '2026-11-30T00:00:00Z'),
    );
    expect(countyLater.statusCode).toBe(200);
  });

  it('every layer answer carries computedAt', async () => {
    const planner = as(app, 'province', 'planner', null);
    const urls = [
      '/api/layers/hexbin?from=2026-11-01T00:00:00Z&to=2026-11-08T00:00:00Z',
      '/api/layers/heat?from=2026-11-01T00:00:00Z&to=2026-11-08T00:00:00Z',
      '/api/layers/trend?from=2026-11-01T00:00:00Z&to=2026-11-08T00:00:00Z',
      '/api/layers/extent',
      '/api/layers/facilities',
    ];
    for (const url of urls) {
      const res = await untilComputed(() => planner({ url }));
      expect(res.statusCode, url).toBe(200);
      expect(res.json().computedAt, url).toMatch(BEIJING_TIME);
    }
  });

  it('a layer computation reads under LAYER_QUERY_TIMEOUT_MS, not the request limit QUERY_TIMEOUT_MS', async () => {
    const { result, timeouts } = await visitReadTimeouts(async () => {
      await jurisdictions('province', '2026-08-01T00:00:00Z', '2026-09-01T00:00:00Z');
      return untilComputed(() => jurisdictions('province', '2026-08-01T00:00:00Z', '2026-09-01T00:00:00Z'));
    });
    expect(result.statusCode).toBe(200);
    expect(timeouts.length).toBeGreaterThan(0);
    for (const t of timeouts) expect(t).toBeGreaterThan(QUERY_TIMEOUT_MS);
  });
});
