/** `npm run migrate`: applies pending graph migrations to the Neo4j named by NEO4J_URI. */
import { neo4jConfigFromEnv } from '../neo4j/config.ts';
import { createDriver } from '../neo4j/driver.ts';
import { GraphError } from '../neo4j/errors.ts';
import { migrate } from '../migrations/migrations.ts';

const config = neo4jConfigFromEnv();
const driver = createDriver(config);
try {
  const r = await migrate({ driver, database: config.database });
  console.log(`migrate: ${config.uri} applied [${r.applied.join(', ')}], already applied [${r.alreadyApplied.join(', ')}]`);
} catch (e) {
  const err = e instanceof GraphError ? e : null;
  console.error(`migrate: error ${err?.code ?? 'ONEMAP_ERR_MIGRATION_FAILED'}: ${(e as Error).message}`);
  process.exitCode = 2;
} finally {
  await driver.close();
}
