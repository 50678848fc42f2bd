/** The scheduled quality report: a BullMQ job scheduler whose worker writes one period report per source. */
import { loadCatalog } from '@onemap/datasets';
import {
  listQualityReports,
  producePeriodReports,
  scheduleQualityReports,
  startQualityWorker,
} from '@onemap/resolver/quality';
import { redisConnectionFromEnv } from '@onemap/resolver/queue';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEnv } from '../helpers/env.ts';
import { clearGraph, openTestGraph } from '../helpers/graph.ts';

const graph = openTestGraph();
const catalog = loadCatalog().filter((e) => e.id === 'hotel' || e.id === 'vehicle_registry');
beforeAll(async () => {
  await clearGraph(graph);
});
afterAll(async () => graph.driver.close());

describe('scheduled quality reports', () => {
  it('the repeatable job produces period reports with the graph rules', async () => {
    const connection = redisConnectionFromEnv({ REDIS_URL: testEnv.REDIS_URL });
    const queue = await scheduleQualityReports(connection, 3_600_000);
    const worker = startQualityWorker(connection, graph, catalog);
    try {
      const done = new Promise<unknown>((resolve, reject) => {
        worker.on('completed', (_job, result) => resolve(result));
        worker.on('failed', (_job, err) => reject(err));
      });
      expect(await done).toEqual({ reports: 2 });
      const reports = await listQualityReports(graph, { sources: ['hotel', 'vehicle_registry'], limit: 10 });
      expect(
        reports
          .filter((r) => r.kind === 'period')
          .map((r) => r.source)
          .sort(),
      ).toEqual(['hotel', 'vehicle_registry']);
      // nothing delivered yet: every source is late
      for (const r of reports)
        expect(r.scores.find((s) => s.rule === 'delivery_timeliness')).toMatchObject({ checked: 1, failed: 1 });
    } finally {
      await queue.removeJobScheduler('quality-period-report');
      await worker.close();
      await queue.close();
    }
  });

  it('producePeriodReports can run without the queue (the API run route)', async () => {
    const ids = await producePeriodReports(graph, catalog, { openTickets: false });
    expect(ids).toHaveLength(2);
  });
});
