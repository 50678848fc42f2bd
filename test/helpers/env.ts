/**
 * The integration tests' services: the `test` profile of scripts/services.mjs (Bolt 7688,
 * Redis 6380, data in .data/test), kept apart from the demo services so tests never touch
 * demo data. NEO4J_URI / REDIS_URL, when set, point the tests at external services instead;
 * NEO4J_BOLT_PORT / REDIS_PORT / ONEMAP_DATA_DIR move the locally started ones.
 */
export const TEST_PROFILE = 'test';
export const testEnv = {
  NEO4J_URI: process.env.NEO4J_URI || `bolt://127.0.0.1:${process.env.NEO4J_BOLT_PORT ?? 7688}`,
  NEO4J_USER: process.env.NEO4J_USER ?? 'neo4j',
  NEO4J_PASSWORD: process.env.NEO4J_PASSWORD ?? 'onemap-local',
  NEO4J_DATABASE: process.env.NEO4J_DATABASE ?? 'neo4j',
  /** Server apps built in tests run no embedded ingest worker unless a test asks for one. */
  INGEST_WORKER: 'none',
  /** A listening test server warms its plans but does not keep reading while idle (a browser test's pauses would fill with it). */
  ONEMAP_WARM_UP_SECONDS: '0',
  REDIS_URL: process.env.REDIS_URL || `redis://127.0.0.1:${process.env.REDIS_PORT ?? 6380}`,
  /** The test profile's data folder: servers and CLIs built in tests share its generated secrets. */
  ONEMAP_DATA_DIR: process.env.ONEMAP_DATA_DIR ?? '.data/test',
};

/**
 * For tests that stop and start the locally started test services (fault tests): against
 * external services (NEO4J_URI set) they cannot run, and say so by failing, never by skipping.
 */
export function requireLocalServices(): void {
  if (process.env.NEO4J_URI)
    throw new Error(
      `this test stops and starts the local test Neo4j and cannot run against NEO4J_URI=${process.env.NEO4J_URI}; unset NEO4J_URI to run the integration suite`,
    );
}
