import { createDriver, migrate } from '@onemap/graph-schema/server';
// @ts-expect-error plain ESM script without types
import { up } from '../../scripts/services.mjs';
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
    await migrate({ driver, database: testEnv.NEO4J_DATABASE });
  } finally {
    await driver.close();
  }
}
