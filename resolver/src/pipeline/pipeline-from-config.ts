import { loadCatalog } from '@onemap/datasets';
import { openGraph } from '@onemap/graph-schema/server';
import { Redis } from 'ioredis';
import { type PipelineConfig, rejectsDirOf, stagingDirOf } from '../config.ts';
import { entityIdKeyOf } from '../secrets.ts';
import { redisConnectionOf } from '../queue/connection.ts';
import { IngestPipeline, type PipelineDeps } from './ingest-pipeline.ts';

/** The pipeline's settings from a validated config (the parts of `PipelineDeps` that are not connections). */
export function pipelineSettingsOf(config: PipelineConfig): Omit<PipelineDeps, 'graph' | 'redis' | 'connection'> {
  return {
    catalog: config.ONEMAP_CATALOG_DIR ? loadCatalog(config.ONEMAP_CATALOG_DIR) : loadCatalog(),
    stagingDir: stagingDirOf(config),
    rejectsDir: rejectsDirOf(config),
    eidKey: entityIdKeyOf(config),
    coTravel: {
      toleranceMinutes: config.ONEMAP_COTRAVEL_TOLERANCE_MINUTES,
      minCount: config.ONEMAP_COTRAVEL_MIN_COUNT,
    },
    chunkSize: config.ONEMAP_CHUNK_SIZE,
    eventsChannel: config.EVENTS_CHANNEL,
    traceWrites: config.ONEMAP_PROFILE_WRITES ? 'profile' : config.ONEMAP_TRACE_WRITES,
    groupTimings: config.ONEMAP_GROUP_TIMINGS,
    afterCommitWindowMs: config.ONEMAP_AFTER_COMMIT_WINDOW_MS,
  };
}

/**
 * Builds the pipeline, with its own Neo4j driver and Redis connections, from a validated config
 * (`loadResolverConfig()`), with `extra` hooks (a CLI's logging). `shutdown()` releases the driver,
 * Redis and the queues.
 */
export function pipelineFromConfig(
  config: PipelineConfig,
  extra: Pick<PipelineDeps, 'onSync' | 'onWarningError'> = {},
): IngestPipeline & { shutdown(): Promise<void> } {
  const graph = openGraph(
    { uri: config.NEO4J_URI, user: config.NEO4J_USER, password: config.NEO4J_PASSWORD, database: config.NEO4J_DATABASE },
    { readRetryMs: config.READ_RETRY_MS },
  );
  const redis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: 3 });
  const pipeline = new IngestPipeline({
    graph,
    redis,
    connection: redisConnectionOf(config.REDIS_URL),
    ...pipelineSettingsOf(config),
    ...extra,
  });
  return Object.assign(pipeline, {
    async shutdown() {
      await pipeline.close();
      redis.disconnect();
      await graph.driver.close();
    },
  });
}
