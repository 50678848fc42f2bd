/** Watch nodes (kept by the server's watch API) as the pipeline needs them. */
import { type Graph, readTx } from '@onemap/graph-schema/server';

/** The subset of `eids` that an active `(:Watch {eid})` names. */
export async function readWatchedEids(graph: Graph, eids: string[]): Promise<Set<string>> {
  return readTx(graph, async (tx) => {
    const r = await tx.run('UNWIND $eids AS eid MATCH (w:Watch {eid: eid}) WHERE w.active RETURN DISTINCT eid', {
      eids,
    });
    return new Set(r.records.map((x) => x.get('eid') as string));
  });
}
