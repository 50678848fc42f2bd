/** The scheduled quality report: a BullMQ job scheduler whose worker writes one period report per source. */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadCatalog } from '@onemap/datasets';
import {
  listQualityReports,
  producePeriodReports,
  QUALITY_QUEUE,
  scheduleQualityReports,
  startQualityWorker,
} from '@onemap/resolver/quality';
import { redisConnectionOf } from '@onemap/resolver/queue';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEnv } from '../helpers/env.ts';
import { clearGraph, openTestGraph } from '../helpers/graph.ts';

const graph = openTestGraph();
const catalog = loadCatalog().filter((e) => e.id === 'hotel' || e.id === 'vehicle_registry');
/** A scheduler left by an aborted run would hold its next run an hour away: start from none. */
async function removeScheduler() {
  const queue = new Queue(QUALITY_QUEUE, { connection: redisConnectionOf(testEnv.REDIS_URL) });
  await queue.removeJobScheduler('quality-period-report');
  await queue.close();
}
beforeAll(async () => {
  await clearGraph(graph);
  await removeScheduler();
});
afterAll(async () => graph.driver.close());

describe('scheduled quality reports', () => {
  it('the repeatable job produces period reports with the graph rules', async () => {
    const connection = redisConnectionOf(testEnv.REDIS_URL);
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

  it('runs under `onemap worker`: the worker process schedules and writes the period reports of every source', async () => {
    await clearGraph(graph);
    const all = loadCatalog().map((e) => e.id).sort();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'onemap-qworker-'));
    // `node --import tsx` (no tsx wrapper process): SIGTERM reaches the worker's own handler.
    const worker = spawn(process.execPath, ['--import', 'tsx', 'resolver/src/cli/main.ts', 'worker', '--concurrency', '1'], {
      env: { ...process.env, ...testEnv, ONEMAP_DATA_DIR: dir, ONEMAP_QUALITY_REPORTS_EVERY_MS: '3600000' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    worker.stdout.on('data', (d) => (out += d));
    worker.stderr.on('data', (d) => (out += d));
    const exited = new Promise<number | null>((resolve) => worker.on('exit', (code) => resolve(code)));
    try {
      const deadline = Date.now() + 90_000;
      let sources: string[] = [];
      while (Date.now() < deadline) {
        const reports = await listQualityReports(graph, { sources: all, limit: 100 });
        sources = [...new Set(reports.filter((r) => r.kind === 'period').map((r) => r.source))].sort();
        if (sources.length === all.length) break;
        await new Promise((r) => setTimeout(r, 500));
      }
      expect(sources, out).toEqual(all);
      expect(out).toContain('quality reports every 3600000 ms');
    } finally {
      worker.kill('SIGTERM');
      // the worker's own stop deadline (ONEMAP_WORKER_STOP_MS) ends it within seconds; a worker
      // that outlives it fails here with its output, not as a silent test timeout
      const code = await Promise.race([exited, new Promise<string>((r) => setTimeout(() => r('still running 60 s after SIGTERM'), 60_000))]);
      if (typeof code === 'string') worker.kill('SIGKILL');
      await removeScheduler();
      fs.rmSync(dir, { recursive: true, force: true });
      expect(code, out).toBe(0);
    }
  });
});
