/**
 * `onemap worker [--concurrency N]`: a long-running worker process running every background job:
 * ingest, derivations (co-travel, watch events) and, with ONEMAP_QUALITY_REPORTS_EVERY_MS > 0, the
 * period quality reports. Run several, on one machine or many; they coordinate through Redis and
 * the graph's constraints. Settings come from the validated config (`.env.example`). Stops
 * cleanly on SIGTERM.
 */
import { loadResolverConfig } from '../config.ts';
import { ResolverError } from '../errors.ts';
import { startBackgroundJobs } from '../jobs/background-jobs.ts';
import { pipelineFromConfig } from '../pipeline/pipeline-from-config.ts';

export async function run(argv: string[]): Promise<number> {
  const config = loadResolverConfig();
  const at = argv.indexOf('--concurrency');
  const concurrency = at >= 0 ? Number(argv[at + 1]) : config.ONEMAP_WORKER_CONCURRENCY;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new ResolverError('ONEMAP_ERR_USAGE', { detail: `--concurrency needs a positive integer, got "${argv[at + 1] ?? ''}"` });
  const pipeline = pipelineFromConfig(config);
  const jobs = await startBackgroundJobs(pipeline, config, { concurrency, onError: (what, err) => console.error(`worker: ${what} error: ${err.message}`) });
  jobs.ingest.on('completed', (job, info) =>
    console.log(
      `worker: ${job.id} ${info.status} written=${info.written ?? 0} unchanged=${info.unchanged ?? 0} rejected=${info.rejected ?? 0}`,
    ),
  );
  jobs.ingest.on('failed', (job, err) =>
    console.error(`worker: ${job?.id} attempt ${job?.attemptsMade} failed: ${err.message}`),
  );
  jobs.quality?.on('completed', (_job, result) => console.log(`worker: quality period reports ${JSON.stringify(result)}`));
  const quality = config.ONEMAP_QUALITY_REPORTS_EVERY_MS > 0 ? `, quality reports every ${config.ONEMAP_QUALITY_REPORTS_EVERY_MS} ms` : '';
  console.log(`worker: pid ${process.pid} waiting for ingest jobs (concurrency ${concurrency}${quality})`);
  await new Promise<void>((resolve) => {
    for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => resolve());
  });
  console.log('worker: stopping (finishing the current job)');
  await jobs.close();
  await pipeline.shutdown();
  return 0;
}
