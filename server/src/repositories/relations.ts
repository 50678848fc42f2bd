import { toPlain } from '@onemap/graph-schema/server';
import { read, type Reader } from './reader.ts';
import { KINDS, NODE_SUMMARY_FIELDS, relTypes, visibleEdge, visibleEntity } from './cypher.ts';
import { type NeighbourRow, toNeighbour } from './entities.ts';

export interface EdgeRow {
  from: string;
  to: string;
  type: string;
  /** True when the edge points from `from` to `to`. */
  outgoing: boolean;
  props: Record<string, unknown>;
  /** The entity at `to`, with its golden values (for a summary without reading its records). */
  neighbour: NeighbourRow;
}

/**
 * One hop out from a frontier: visible edges of the given types to visible entities.
 * @param types relationship types, from the whitelist in graph-model (validated by the route schema)
 */
export async function expandHop(graph: Reader, frontier: readonly string[], types: readonly string[], vs: readonly string[], limit: number): Promise<EdgeRow[]> {
  if (frontier.length === 0 || limit <= 0) return [];
  return read(graph, async (tx) => {
    const r = await tx.run(
      `UNWIND $frontier AS fe
       MATCH (a:Entity {eid: fe})-[r${relTypes(types)}]-(b:Entity)
       WHERE ${visibleEdge('r')} AND ${visibleEntity('b')}
       WITH a, r, b LIMIT toInteger($limit)
       RETURN a.eid AS from, b.eid AS to, type(r) AS type, startNode(r) = a AS outgoing, properties(r) AS props,
              {${NODE_SUMMARY_FIELDS('b')}} AS neighbour`,
      { frontier, vs, limit, kinds: KINDS },
    );
    return r.records.map((x) => {
      const row = x.toObject() as EdgeRow;
      return { ...row, props: toPlain(x.get('props')) as Record<string, unknown>, neighbour: toNeighbour(row.neighbour) };
    });
  });
}

/**
 * Shortest paths between two entities over visible edges only (the predicate is applied while
 * searching, so a path through an invisible edge is never found, not merely hidden).
 */
export async function shortestPaths(graph: Reader, from: string, to: string, maxHops: number, types: readonly string[], vs: readonly string[], limit: number) {
  return read(graph, async (tx) => {
    const r = await tx.run(
      `MATCH (a:Entity {eid: $from}), (b:Entity {eid: $to})
       MATCH p = allShortestPaths((a)-[${relTypes(types)}*..${Math.max(1, Math.min(6, Math.trunc(maxHops)))}]-(b))
       WHERE all(r IN relationships(p) WHERE ${visibleEdge('r')})
       WITH p LIMIT toInteger($limit)
       RETURN [n IN nodes(p) | n.eid] AS eids,
              [r IN relationships(p) | {from: startNode(r).eid, to: endNode(r).eid, type: type(r), props: properties(r)}] AS rels`,
      { from, to, vs, limit },
    );
    return r.records.map((x) => ({
      eids: x.get('eids') as string[],
      rels: (toPlain(x.get('rels')) as { from: string; to: string; type: string; props: Record<string, unknown> }[]) ?? [],
    }));
  });
}
