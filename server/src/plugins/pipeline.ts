import { loadCatalog } from '@onemap/datasets';
import { coTravelSettingsFromEnv } from '@onemap/resolver/derive';
import { rejectsDirFromEnv, stagingDirFromEnv } from '@onemap/resolver/intake';
import { startIngestWorker } from '@onemap/resolver/jobs';
import { IngestPipeline } from '@onemap/resolver/pipeline';
import { redisConnectionFromEnv } from '@onemap/resolver/queue';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { Redis } from 'ioredis';

declare module 'fastify' {
  interface FastifyInstance {
    /** The ingest pipeline: stages pushes and uploads and queues them for the workers. */
    pipeline: IngestPipeline;
  }
}

/**
 * The pipeline's front door inside the server. With `INGEST_WORKER=embedded` (the one-machine
 * default) the server also runs an ingest worker; deployments run `onemap worker` processes
 * instead and set `INGEST_WORKER=none`.
 */
export default fp(
  async (app: FastifyInstance) => {
    const redis = new Redis(app.config.REDIS_URL, { maxRetriesPerRequest: 3, lazyConnect: true });
    redis.on('error', (err) => app.log.debug({ err }, 'pipeline redis error'));
    const pipeline = new IngestPipeline({
      graph: app.graph,
      redis,
      connection: redisConnectionFromEnv({ REDIS_URL: app.config.REDIS_URL }),
      catalog: loadCatalog(),
      stagingDir: stagingDirFromEnv(),
      rejectsDir: rejectsDirFromEnv(),
      coTravel: coTravelSettingsFromEnv(),
    });
    app.decorate('pipeline', pipeline);
    const worker = app.config.INGEST_WORKER === 'embedded' ? startIngestWorker(pipeline, { concurrency: 1 }) : null;
    worker?.on('error', (err) => app.log.warn({ err: err.message }, 'ingest worker error'));
    app.addHook('onClose', async () => {
      await worker?.close();
      await pipeline.close();
      redis.disconnect();
    });
  },
  { name: 'onemap-pipeline', dependencies: ['onemap-config', 'onemap-graph'] },
);
