/**
 * The layer cache (`server/src/routes/api/layers.ts`): callers asking at once for a window nobody
 * has computed yet share one computation — at a million persons a month's jurisdiction layer reads
 * millions of visits, and ten callers of a cold window must not read them ten times at once.
 */
import type { FastifyInstance } from 'fastify';
import { describe, expect, it } from 'vitest';
import { as, useServerApp } from '../helpers/server-app.ts';

let app: FastifyInstance;
useServerApp({ RATE_LIMIT_PER_MINUTE: 1_000_000, LAYER_CACHE_MS: 60_000 }, (s) => {
  ({ app } = s);
});

/** Runs `work` counting the statements the app sends that read visits (the layers' aggregations). */
async function countingVisitReads<T>(work: () => Promise<T>): Promise<{ result: T; reads: number }> {
  const driver = app.graph.driver;
  const session = driver.session.bind(driver);
  let reads = 0;
  // a read's statements are auto-commit statements on its session (`readTx`): `run` sees each
  driver.session = ((cfg: Parameters<typeof session>[0]) => {
    const s = session(cfg);
    const run = s.run.bind(s);
    s.run = ((q: string, p?: Record<string, unknown>, c?: Parameters<typeof run>[2]) => {
      if (q.includes(':VISITED]')) reads++;
      return run(q, p, c);
    }) as typeof s.run;
    return s;
  }) as typeof driver.session;
  try {
    return { result: await work(), reads };
  } finally {
    driver.session = session;
  }
}

const layer = (from: string, to: string) => as(app, 'province', 'planner', null)({ url: `/api/layers/jurisdictions?from=${from}&to=${to}` });

describe('the layer cache under concurrent callers', () => {
  it('ten callers of a cold window share one computation, and get the same answer as one caller alone', async () => {
    const alone = await countingVisitReads(() => layer('2026-09-01T00:00:00Z', '2026-10-01T00:00:00Z'));
    expect(alone.result.statusCode).toBe(200);
    expect(alone.reads).toBeGreaterThan(0);
    const together = await countingVisitReads(() => Promise.all(Array.from({ length: 10 }, () => layer('2026-10-01T00:00:00Z', '2026-11-30T00:00:00Z'))));
    expect(together.result.map((r) => r.statusCode)).toEqual(Array(10).fill(200));
    expect(together.reads).toBe(alone.reads);
    const bodies = new Set(together.result.map((r) => r.body));
    expect(bodies.size).toBe(1);
    // and the cached answer is the one a fresh computation gives
    const again = await countingVisitReads(() => layer('2026-10-01T00:00:00Z', '2026-11-30T00:00:00Z'));
    expect(again.reads).toBe(0);
    expect(again.result.body).toBe([...bodies][0]);
  });
});
