import { loadCatalog } from '@onemap/datasets';
import { createDriver, neo4jConfigFromEnv } from '@onemap/graph-schema/server';
import { Redis } from 'ioredis';
import { rejectsDirFromEnv } from '../intake/rejects-report.ts';
import { stagingDirFromEnv } from '../intake/staged-batch.ts';
import { redisConnectionFromEnv } from '../queue/connection.ts';
import { coTravelSettingsFromEnv } from '../derive/co-travel.ts';
import { IngestPipeline } from './ingest-pipeline.ts';

/**
 * Builds the pipeline from the environment: NEO4J_*, REDIS_URL, ONEMAP_CATALOG_DIR (default
 * datasets/catalog), ONEMAP_STAGING_DIR, ONEMAP_REJECTS_DIR, ONEMAP_COTRAVEL_*.
 * `close()` releases the driver, Redis and the queue.
 */
export function pipelineFromEnv(env: NodeJS.ProcessEnv = process.env): IngestPipeline & { shutdown(): Promise<void> } {
  const config = neo4jConfigFromEnv(env);
  const driver = createDriver(config);
  const connection = redisConnectionFromEnv(env);
  const redis = new Redis(env.REDIS_URL ?? `redis://127.0.0.1:${env.REDIS_PORT ?? '6379'}`, { maxRetriesPerRequest: 3 });
  const catalog = loadCatalog(env.ONEMAP_CATALOG_DIR);
  const pipeline = new IngestPipeline({
    graph: { driver, database: config.database },
    redis,
    connection,
    catalog,
    stagingDir: stagingDirFromEnv(env),
    rejectsDir: rejectsDirFromEnv(env),
    coTravel: coTravelSettingsFromEnv(env),
    ...(env.ONEMAP_CHUNK_SIZE ? { chunkSize: Number(env.ONEMAP_CHUNK_SIZE) } : {}),
  });
  return Object.assign(pipeline, {
    async shutdown() {
      await pipeline.close();
      redis.disconnect();
      await driver.close();
    },
  });
}
