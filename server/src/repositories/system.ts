import { type Graph, readTx } from '@onemap/graph-schema/server';

/** One real round trip to the database (`RETURN 1` in a read transaction); throws when Neo4j does not answer. */
export async function pingGraph(graph: Graph): Promise<void> {
  await readTx(graph, (tx) => tx.run('RETURN 1'));
}
