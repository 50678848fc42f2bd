import { startBackgroundJobs } from '@onemap/resolver/jobs';
import { IngestPipeline, pipelineSettingsOf } from '@onemap/resolver/pipeline';
import { redisConnectionOf } from '@onemap/resolver/queue';
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
 * The pipeline's front door inside the server, built from the validated config. With
 * `INGEST_WORKER=embedded` (the one-machine default) the server also runs the background jobs of
 * `onemap worker` (ingest, co-travel and watch derivations, and the quality report scheduler when
 * ONEMAP_QUALITY_REPORTS_EVERY_MS > 0); deployments run `onemap worker` processes instead and set
 * `INGEST_WORKER=none`.
 */
export default fp(
  async (app: FastifyInstance) => {
    const redis = new Redis(app.config.REDIS_URL, { maxRetriesPerRequest: 3, lazyConnect: true });
    redis.on('error', (err) => app.log.debug({ err }, 'pipeline redis error'));
    const pipeline = new IngestPipeline({
      graph: app.graph,
      redis,
      connection: redisConnectionOf(app.config.REDIS_URL),
      ...pipelineSettingsOf(app.config),
    });
    app.decorate('pipeline', pipeline);
    const jobs =
      app.config.INGEST_WORKER === 'embedded'
        ? await startBackgroundJobs(pipeline, app.config, { concurrency: 1, onError: (what, err) => app.log.warn({ err: err.message }, `${what} error`) })
        : null;
    app.addHook('onClose', async () => {
      await jobs?.close();
      await pipeline.close();
      redis.disconnect();
    });
  },
  { name: 'onemap-pipeline', dependencies: ['onemap-config', 'onemap-graph'] },
);
