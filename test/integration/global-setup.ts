import path from 'node:path';
import { Redis } from 'ioredis';
import { createDriver, migrate } from '@onemap/graph-schema/server';
// @ts-expect-error plain ESM script without types
import { serviceSettings, up } from '../../scripts/services.mjs';
import { TEST_PROFILE, testEnv } from '../helpers/env.ts';

/**
 * Starts (or reuses) the real Neo4j and Redis of the test profile and applies migrations.
 * If they cannot start, the whole integration run fails here, loudly.
 */
export default async function setup() {
  await up(TEST_PROFILE);
  const driver = createDriver({ uri: testEnv.NEO4J_URI, user: testEnv.NEO4J_USER, password: testEnv.NEO4J_PASSWORD, database: testEnv.NEO4J_DATABASE });
  try {
    await driver.verifyConnectivity();
    if (!process.env.NEO4J_URI) await refuseForeignStore(driver, serviceSettings(TEST_PROFILE).neo4jDir);
    if (!process.env.REDIS_URL) await refuseForeignRedis(serviceSettings(TEST_PROFILE).redisDir);
    await migrate({ driver, database: testEnv.NEO4J_DATABASE });
  } finally {
    await driver.close();
  }
}

/**
 * The tests clear the graph they are given. A Neo4j already answering on the test port that keeps
 * its data elsewhere (a benchmark's store, the demo's, another checkout's) is not theirs to clear:
 * stop here, saying whose it is, rather than wipe it.
 */
async function refuseForeignStore(driver: ReturnType<typeof createDriver>, expected: string): Promise<void> {
  const session = driver.session({ database: 'system' });
  try {
    const r = await session.run("SHOW SETTINGS YIELD name, value WHERE name = 'server.directories.neo4j_home' RETURN value");
    const home = r.records[0]?.get('value') as string | undefined;
    if (home && path.resolve(home) !== path.resolve(expected)) {
      throw new Error(
        `the Neo4j on ${testEnv.NEO4J_URI} keeps its data in ${home}, not in the test profile's ${expected}: the integration tests clear the graph, so they refuse to run on it. Stop that Neo4j or run the tests on other ports (NEO4J_BOLT_PORT, REDIS_PORT).`,
      );
    }
  } finally {
    await session.close();
  }
}

/** The same for Redis (the tests flush it): its working directory must be the test profile's. */
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
