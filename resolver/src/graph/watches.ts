/** Watch nodes (kept by the server's watch API) as the pipeline needs them. */
import { type Graph, readWatchesFollowing } from '@onemap/graph-schema/server';

/**
 * Of `eids` (entities with new events), those some active watch follows — through merges, as
 * every reader of a watch does (graph-schema `readWatchesFollowing`) — each with the eids its
 * watches were made on, so a stream routes the event to a watch made before the merge.
 */
export async function readWatchedEids(graph: Graph, eids: string[]): Promise<Map<string, string[]>> {
  return readWatchesFollowing(graph, eids);
}
