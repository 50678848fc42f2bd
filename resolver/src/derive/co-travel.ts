import { Rel } from '@onemap/graph-schema';
import { type Graph, writeTx } from '@onemap/graph-schema/server';

export interface CoTravelSettings {
  /** two sightings at the same place count together when this close in time */
  toleranceMinutes: number;
  /** minimum number of distinct (place, day) co-occurrences for a CO_TRAVELED edge */
  minCount: number;
}

/**
 * Recomputes `CO_TRAVELED {count, first, last}` for the given persons: pairs seen at the same
 * place within the time tolerance on at least `minCount` distinct (place, day) occasions.
 * Incremental: only pairs involving these persons are recomputed. The edge points from the
 * smaller eid to the larger one, so a pair has one edge. `sources` lists the sources of the
 * sightings it was derived from: a viewer sees the edge only if every one is visible to them.
 */
export async function deriveCoTravel(graph: Graph, personEids: string[], s: CoTravelSettings): Promise<number> {
  if (!personEids.length) return 0;
  let written = 0;
  for (let i = 0; i < personEids.length; i += 500) {
    const eids = personEids.slice(i, i + 500);
    written += await writeTx(graph, async (tx) => {
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
        { eids, tol: s.toleranceMinutes, k: s.minCount },
      );
      return (r.records[0]?.get('written') as number) ?? 0;
    });
  }
  return written;
}
