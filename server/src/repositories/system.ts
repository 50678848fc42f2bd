import { type Graph, runAutoCommit } from '@onemap/graph-schema/server';

/**
 * One real round trip to the database (`RETURN 1`, auto-commit: no driver retries, so a Neo4j
 * that is down fails at once instead of being retried for the driver's retry time); throws when
 * Neo4j does not answer.
 */
export async function pingGraph(graph: Graph): Promise<void> {
  await runAutoCommit(graph, 'RETURN 1');
}
