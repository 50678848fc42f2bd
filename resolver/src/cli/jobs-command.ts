/** `onemap jobs [--source S] [--limit N] [--dead]`: batch status from the graph, or the dead-letter list. */
import { listBatches } from '../graph/batches.ts';
import { loadResolverConfig } from '../config.ts';
import { pipelineFromConfig } from '../pipeline/pipeline-from-config.ts';
import { createQueue, QueueName } from '../queue/queues.ts';

export async function run(argv: string[]): Promise<number> {
  const arg = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const pipeline = pipelineFromConfig(loadResolverConfig());
  try {
    if (argv.includes('--dead')) {
      const dead = createQueue(QueueName.DeadLetter, pipeline.deps.connection);
      const jobs = await dead.getJobs(['waiting', 'delayed', 'completed', 'failed'], 0, 100);
      for (const j of jobs) console.log(JSON.stringify(j.data));
      if (!jobs.length) console.log('jobs: the dead-letter list is empty');
      await dead.close();
      return 0;
    }
    const source = arg('--source');
    const batches = await listBatches(pipeline.deps.graph, {
      ...(source ? { source } : {}),
      limit: Number(arg('--limit') ?? 50),
    });
    for (const b of batches) {
      console.log(
        `${b.batchId.padEnd(36)} ${b.status.padEnd(10)} ${String(b.originalName).padEnd(28)} rows=${b.rows ?? '-'} written=${b.written ?? '-'} rejected=${b.rejected ?? '-'} deliveries=${b.deliveries ?? 1}`,
      );
    }
    return 0;
  } finally {
    await pipeline.shutdown();
  }
}
