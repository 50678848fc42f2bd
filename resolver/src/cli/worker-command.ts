/**
 * `onemap worker [--concurrency N]`: a long-running worker process running every background job:
 * ingest, derivations (co-travel, watch events) and, with ONEMAP_QUALITY_REPORTS_EVERY_MS > 0, the
 * period quality reports. Run several, on one machine or many; they coordinate through Redis and
 * the graph's constraints. Settings come from the validated config (`.env.example`). Stops
 * cleanly on SIGTERM.
 */
import { loadResolverConfig } from '../config.ts';
import { ResolverError } from '../errors.ts';
import { type BackgroundJobs, startBackgroundJobs } from '../jobs/background-jobs.ts';
import type { SyncProgress } from '../pipeline/graph-resolver.ts';
import { pipelineFromConfig } from '../pipeline/pipeline-from-config.ts';
import { stopOnSignal, type Track } from '../jobs/stop-on-signal.ts';

const n = (x: number) => x.toLocaleString('en-US');

/** A line for the operator: a worker on a province's graph reads its index for a minute or two before it resolves anything. */
export function syncLine(p: SyncProgress): string {
  const what = p.whole ? 'the whole graph' : 'what was committed since';
  const s = (p.ms / 1000).toFixed(1);
  return p.done
    ? `resolution index ready: ${n(p.records)} records (${n(p.mentions)} mentions) of ${what} read in ${s} s; ${n(p.entities ?? 0)} entities`
    : `resolution index: ${n(p.records)}${p.of ? ` of ${n(p.of)}` : ''} records of ${what} read in ${s} s${p.of ? ` (${Math.min(100, Math.round((100 * p.records) / p.of))} %)` : ''}; files and pushes wait until it is ready`;
}

export async function run(argv: string[]): Promise<number> {
  const config = loadResolverConfig();
  const at = argv.indexOf('--concurrency');
  const concurrency = at >= 0 ? Number(argv[at + 1]) : config.ONEMAP_WORKER_CONCURRENCY;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new ResolverError('ONEMAP_ERR_USAGE', { detail: `--concurrency needs a positive integer, got "${argv[at + 1] ?? ''}"` });
  // listening before anything starts: a stop asked during the start waits for it, then stops
  let jobs: BackgroundJobs | null = null;
  /** the parts of the stop not done yet, named when the stop is forced */
  const waiting = new Set<string>();
  let stopped = false;
  const track: Track = (part, closing) => {
    waiting.add(part);
    return closing.finally(() => waiting.delete(part));
  };
  const stop = stopOnSignal({
    name: 'worker',
    graceMs: config.ONEMAP_WORKER_STOP_MS,
    onForce: async () =>
      `handed ${(await jobs?.handBack()) ?? 0} jobs back to their queues (${
        waiting.size ? `still closing: ${[...waiting].join(', ')}` : stopped ? 'all closed, an open handle kept the process' : 'still starting'
      })`,
  });
  const pipeline = pipelineFromConfig(config, { onSync: (p) => console.log(`worker: ${syncLine(p)}`) });
  jobs = await startBackgroundJobs(pipeline, config, { concurrency, onError: (what, err) => console.error(`worker: ${what} error: ${err.message}`) });
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
  await stop;
  await jobs.close(track);
  console.log('worker: jobs stopped');
  await track('queues and connections', pipeline.shutdown());
  stopped = true;
  console.log('worker: stopped');
  return 0;
}
