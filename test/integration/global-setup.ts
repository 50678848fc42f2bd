import path from 'node:path';
import { Redis } from 'ioredis';
import { createDriver, migrate } from '@onemap/graph-schema/server';
// @ts-expect-error plain ESM script without types
import { serviceSettings, up } from '../../scripts/services.mjs';
import { TEST_PROFILE, testEnv } from '../helpers/env.ts';

/**
 * Starts (or reuses) the real Neo4j and Redis of the test profile and applies migrations.
 * If they cannot start, the whole integration run fails here, loudly — as it does on a Neo4j or
 * Redis on the test ports that keeps its data outside the test profile's folder.
 */
export default async function setup() {
  await up(TEST_PROFILE);
  const driver = createDriver({ uri: testEnv.NEO4J_URI, user: testEnv.NEO4J_USER, password: testEnv.NEO4J_PASSWORD, database: testEnv.NEO4J_DATABASE });
  try {
    await driver.verifyConnectivity();
    if (!process.env.REDIS_URL) await refuseForeignRedis(serviceSettings(TEST_PROFILE).redisDir);
    await migrate({ driver, database: testEnv.NEO4J_DATABASE });
  } finally {
    await driver.close();
  }
}

/**
 * The tests flush the Redis they are given: one already answering on the test port must work in
 * the test profile's folder (a benchmark's or the demo's is not theirs to flush). A Neo4j of
 * another data dir on the test port is refused by `up` itself (`services.mjs`).
 */
async function refuseForeignRedis(expected: string): Promise<void> {
  const redis = new Redis(testEnv.REDIS_URL, { maxRetriesPerRequest: 3 });
  try {
    const [, dir] = (await redis.config('GET', 'dir')) as [string, string];
    if (dir && path.resolve(dir) !== path.resolve(expected)) {
      throw new Error(
        `the Redis on ${testEnv.REDIS_URL} keeps its data in ${dir}, not in the test profile's ${expected}: the integration tests flush it, so they refuse to run on it. Stop that Redis or run the tests on other ports (REDIS_PORT).`,
      );
    }
  } finally {
    redis.disconnect();
  }
}
