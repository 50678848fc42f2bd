import { toPlain } from '@onemap/graph-schema/server';
import { read, type Reader } from './reader.ts';
import { KINDS, NODE_SUMMARY_FIELDS, relTypes, visibleEdge, visibleEntity } from './cypher.ts';
import type { VisibleRecord } from '../access/golden.ts';
import { type NeighbourRow, RECORD_SCAN_FACTOR, recordsWhereNeeded, toNeighbour } from './entities.ts';

export interface EdgeRow {
  from: string;
  to: string;
  type: string;
  /** True when the edge points from `from` to `to`. */
  outgoing: boolean;
  props: Record<string, unknown>;
  /** The entity at `to`, with its golden values (for a summary without reading its records). */
  neighbour: NeighbourRow;
  /** The entity at `to`'s visible record window when only its records can name it for this viewer (`recordsWhereNeeded`), else null. */
  neighbourRecords: VisibleRecord[] | null;
}

/**
 * One hop out from a frontier: visible edges of the given types to visible entities, in ONE
 * statement with the record windows of the neighbours only their records can name for this viewer.
 * @param types relationship types, from the whitelist in graph-model (validated by the route schema)
 * @param summaryRecords the record window read per such neighbour (`SUMMARY_RECORDS`)
 */
export async function expandHop(graph: Reader, frontier: readonly string[], types: readonly string[], vs: readonly string[], limit: number, summaryRecords: number): Promise<EdgeRow[]> {
  if (frontier.length === 0 || limit <= 0) return [];
  return read(graph, async (tx) => {
    const r = await tx.run(
      `UNWIND $frontier AS fe
       MATCH (a:Entity {eid: fe})-[r${relTypes(types)}]-(b:Entity)
       WHERE ${visibleEdge('r')} AND ${visibleEntity('b')}
       WITH a, r, b LIMIT toInteger($limit)
       WITH collect({from: a.eid, to: b.eid, type: type(r), outgoing: startNode(r) = a, props: properties(r), neighbour: {${NODE_SUMMARY_FIELDS('b')}}}) AS edges,
            collect(DISTINCT b) AS found
       // each neighbour once: its record window when only its records can name it for this viewer
       CALL (found) {
         UNWIND found AS b
         ${recordsWhereNeeded('b', '$sumLim', 'bRecords')}
         WITH b, bRecords WHERE bRecords IS NOT NULL
         RETURN collect({eid: b.eid, records: bRecords}) AS windows
       }
       RETURN edges, windows`,
      { frontier, vs, limit, kinds: KINDS, sumLim: summaryRecords, scanFactor: RECORD_SCAN_FACTOR },
    );
    const row = r.records[0];
    if (!row) return [];
    const windows = new Map((row.get('windows') as { eid: string; records: VisibleRecord[] }[]).map((w) => [w.eid, w.records]));
    return (row.get('edges') as EdgeRow[]).map((e) => ({
      ...e,
      props: toPlain(e.props) as Record<string, unknown>,
      neighbour: toNeighbour(e.neighbour),
      neighbourRecords: windows.get(e.to) ?? null,
    }));
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
