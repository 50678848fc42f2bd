/** The derived CO_TRAVELED edge, written in one transaction per call. */
import { Rel } from '@onemap/graph-schema';
import { type Graph, writeTx } from '@onemap/graph-schema/server';

/**
 * Recomputes `CO_TRAVELED {count, first, last, toleranceMinutes, sources}` for pairs involving
 * `eids`: same place within `toleranceMinutes` on at least `minCount` distinct (place, day)
 * occasions; the edge points from the smaller eid to the larger. Returns the edges written.
 */
export async function mergeCoTravelEdges(
  graph: Graph,
  eids: string[],
  toleranceMinutes: number,
  minCount: number,
): Promise<number> {
  return writeTx(graph, async (tx) => {
    const r = await tx.run(
      `UNWIND $eids AS eid
       MATCH (a:Person {eid: eid})-[v1:VISITED]->(p:Place)<-[v2:VISITED]-(b:Person)
       WHERE a <> b AND v2.at >= v1.at - duration({minutes: $tol}) AND v2.at <= v1.at + duration({minutes: $tol})
       WITH a, b, count(DISTINCT [p.eid, date(v1.at)]) AS n, min(v1.at) AS first, max(v1.at) AS last,
            collect(DISTINCT v1.source) + collect(DISTINCT v2.source) AS srcs
       WHERE n >= $k
       WITH a, b, n, first, last, reduce(acc = [], s IN srcs | CASE WHEN s IN acc THEN acc ELSE acc + s END) AS sources
       WITH CASE WHEN a.eid < b.eid THEN a ELSE b END AS x, CASE WHEN a.eid < b.eid THEN b ELSE a END AS y, n, first, last, sources
       MERGE (x)-[c:${Rel.CoTraveled}]->(y)
       SET c.count = n, c.first = first, c.last = last, c.toleranceMinutes = $tol, c.sources = sources
       RETURN count(c) AS written`,
      { eids, tol: toleranceMinutes, k: minCount },
    );
    return (r.records[0]?.get('written') as number) ?? 0;
  });
}
