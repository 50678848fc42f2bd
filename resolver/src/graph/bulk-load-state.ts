import { type Graph, readTx, runAutoCommit } from '@onemap/graph-schema/server';
import neo4j from 'neo4j-driver';

/** Entities and source records in the graph: a bulk load replaces the database, so it runs only on an empty one. */
export async function countLoadedFacts(graph: Graph): Promise<{ entities: number; records: number }> {
  return readTx(graph, async (tx) => {
    const r = await tx.run('RETURN COUNT { (:Entity) } AS entities, COUNT { (:SourceRecord) } AS records');
    return { entities: Number(r.records[0]!.get('entities')), records: Number(r.records[0]!.get('records')) };
  });
}

/** Waits until every index is ONLINE (after an import the migrations create them and they populate). */
export async function awaitIndexesOnline(graph: Graph, timeoutSeconds = 3600): Promise<void> {
  await runAutoCommit(graph, 'CALL db.awaitIndexes($t)', { t: neo4j.int(timeoutSeconds) });
}
