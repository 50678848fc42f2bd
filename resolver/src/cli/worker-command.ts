/**
 * `onemap worker [--concurrency N]`: a long-running ingest worker (run several, on one machine
 * or many; they coordinate through Redis and the graph's constraints). Stops cleanly on SIGTERM.
 */
import { startIngestWorker } from '../jobs/ingest-worker.ts';
import { pipelineFromEnv } from '../pipeline/pipeline-from-env.ts';

export async function run(argv: string[]): Promise<number> {
  const at = argv.indexOf('--concurrency');
  const concurrency = at >= 0 ? Number(argv[at + 1]) : 2;
  const pipeline = pipelineFromEnv();
  const worker = startIngestWorker(pipeline, { concurrency });
  worker.on('completed', (job, info) =>
    console.log(
      `worker: ${job.id} ${info.status} written=${info.written ?? 0} unchanged=${info.unchanged ?? 0} rejected=${info.rejected ?? 0}`,
    ),
  );
  worker.on('failed', (job, err) =>
    console.error(`worker: ${job?.id} attempt ${job?.attemptsMade} failed: ${err.message}`),
  );
  console.log(`worker: pid ${process.pid} waiting for ingest jobs (concurrency ${concurrency})`);
  await new Promise<void>((resolve) => {
    for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => resolve());
  });
  console.log('worker: stopping (finishing the current job)');
  await worker.close();
  await pipeline.shutdown();
  return 0;
}
