import { type Graph, openGraph } from '@onemap/graph-schema/server';
import { testEnv } from './env.ts';

/** A Graph on the test Neo4j; close its driver in afterAll. */
export function openTestGraph(): Graph {
  return openGraph({ uri: testEnv.NEO4J_URI, user: testEnv.NEO4J_USER, password: testEnv.NEO4J_PASSWORD, database: testEnv.NEO4J_DATABASE });
}

/** Deletes every node except the migration records (schema stays), in batches. */
export async function clearGraph(graph: Graph): Promise<void> {
  const session = graph.driver.session({ database: graph.database });
  try {
    await session.run('MATCH (n) WHERE NOT n:__OneMapMigration CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 5000 ROWS');
  } finally {
    await session.close();
  }
}
