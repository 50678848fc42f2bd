/**
 * Moving edges from one entity to another for an analyst's merge, split and undo. Neo4j cannot
 * re-point an edge, so each is re-created on the other entity and the old one deleted — folded
 * into the edge it becomes there (`EDGE_IDENTITY`: an identifier linked once per entity, a
 * relation once per source), never doubled. An edge may move in part: the records of its `rids`
 * that go, go; the edge stays for the rest, stamped (`rid`, `source`) by one of its own records.
 */
import { EDGE_IDENTITY, MAX_RIDS, Rel } from '@onemap/graph-schema';
import { recountPlaceFacts, setVisitPlaceCypher } from '@onemap/graph-schema/server';
import type { ManagedTransaction } from 'neo4j-driver';

const REL_TYPES = new Set<string>(Object.values(Rel));

/** Relationship types come only from the graph model's whitelist; anything else is refused. */
export function relType(t: string): string {
  if (!REL_TYPES.has(t) || !/^[A-Z_]+$/.test(t)) throw new Error(`relationship type ${t} is not in the graph model`);
  return t;
}

/** An edge to move: all of it (`rids` null), or only the part its listed records in `rids` state. */
export interface EdgeMove {
  id: string;
  rids: readonly string[] | null;
}

interface EdgeRow {
  id: string;
  type: string;
  start: string;
  end: string;
  props: Record<string, unknown>;
}

interface MovedEdge {
  start: string;
  end: string;
  props: Record<string, unknown>;
  /** The records the moved edge states (null: an edge without `rids`, e.g. a visit or a record's link). */
  rids: string[] | null;
}

/** The records an edge lists as stating it (older edges carry only their stamp, `rid`). */
export function edgeRids(props: Record<string, unknown>): string[] {
  if (Array.isArray(props.rids)) return props.rids.filter((x): x is string => typeof x === 'string');
  return typeof props.rid === 'string' ? [props.rid] : [];
}

/** A list of record ids in Cypher, from a property that may be unset (older edges: only `rid`). */
const ridsCypher = (v: string) => `coalesce(${v}.rids, CASE WHEN ${v}.rid IS NULL THEN [] ELSE [${v}.rid] END)`;

/**
 * How a move marks what it moves: an analyst's decision marks it (`movedBy`, `movedFrom`), an
 * undo names the decision it takes back (`undoing`).
 */
export type MoveMark = { movedBy: string; movedFrom: string } | { undoing: string };

/** An earlier decision's mark on an edge, kept while a later decision's mark is on it. */
interface StackedMark {
  movedBy: string;
  movedFrom: string;
  movedRids: string[] | null;
}

const MARK_KEYS = ['movedBy', 'movedFrom', 'movedRids', 'movedStack'] as const;

/** The earlier marks an edge keeps (`movedStack`: JSON, oldest first; Neo4j keeps no list of maps). */
function stackOf(props: Record<string, unknown>): string[] {
  return Array.isArray(props.movedStack) ? props.movedStack.filter((x): x is string => typeof x === 'string') : [];
}

/**
 * The marks an edge carries where it moves to. A decision's mark goes on it with the records it
 * moves with (`movedRids`: records folded into it later are not the decision's, and its undo takes
 * back only these); the mark it had is pushed on its stack, so that merges in a chain (A into B,
 * then B into C) can each be undone, last first. An undo of the decision whose mark is on top
 * restores the one below; an edge moved by an undo for another reason (part of an edge the
 * survivor had, stated by records the decision brought) carries no marks: they were the survivor's.
 */
function marksAfterMove(props: Record<string, unknown>, going: readonly string[], mark: MoveMark): Record<string, unknown> {
  const stack = stackOf(props);
  if ('movedBy' in mark) {
    const prior: StackedMark | null =
      typeof props.movedBy === 'string' ? { movedBy: props.movedBy, movedFrom: String(props.movedFrom ?? ''), movedRids: Array.isArray(props.movedRids) ? (props.movedRids as string[]) : null } : null;
    const below = prior ? [...stack, JSON.stringify(prior)] : stack;
    return { ...mark, ...(going.length ? { movedRids: going } : {}), ...(below.length ? { movedStack: below } : {}) };
  }
  const top = props.movedBy === mark.undoing ? stack.at(-1) : undefined;
  if (top === undefined) return {};
  const earlier = JSON.parse(top) as StackedMark;
  return {
    movedBy: earlier.movedBy,
    movedFrom: earlier.movedFrom,
    ...(earlier.movedRids ? { movedRids: earlier.movedRids } : {}),
    ...(stack.length > 1 ? { movedStack: stack.slice(0, -1) } : {}),
  };
}

/**
 * The plan of a move, pure: for each edge, what is created on the other side and what stays (the
 * part staying keeps its marks; the part moving gets `marksAfterMove`).
 */
export function planEdgeMoves(rows: readonly EdgeRow[], moves: readonly EdgeMove[], fromId: string, toId: string, mark: MoveMark) {
  const part = new Map(moves.map((m) => [m.id, m.rids]));
  const moved = new Map<string, MovedEdge[]>();
  const whole: string[] = [];
  const kept: { id: string; rids: string[] }[] = [];
  for (const row of rows) {
    const had = edgeRids(row.props);
    const only = part.get(row.id) ?? null;
    const going = only === null ? had : had.filter((x) => only.includes(x));
    const staying = only === null ? [] : had.filter((x) => !only.includes(x));
    if (only !== null && going.length === 0) continue;
    const props: Record<string, unknown> = { ...row.props };
    for (const k of MARK_KEYS) delete props[k];
    if (staying.length > 0) {
      kept.push({ id: row.id, rids: staying });
      props.rids = going;
      props.rid = going[0];
    } else whole.push(row.id);
    Object.assign(props, marksAfterMove(row.props, going, mark));
    const list = moved.get(row.type) ?? [];
    list.push({
      start: row.start === fromId ? toId : row.start,
      end: row.end === fromId ? toId : row.end,
      props,
      rids: Array.isArray(props.rids) || typeof props.rid === 'string' ? edgeRids(props) : null,
    });
    moved.set(row.type, list);
  }
  return { moved, whole, kept };
}

/**
 * Moves edges of node `fromId` to node `toId` (see the module comment), then recomputes both
 * nodes' `inSources` and place facts. Returns how many edges it read.
 */
export async function moveEdges(tx: ManagedTransaction, fromId: string, toId: string, moves: readonly EdgeMove[], mark: MoveMark): Promise<number> {
  if (moves.length === 0) return 0;
  const read = await tx.run(
    `MATCH (x) WHERE elementId(x) = $fromId
     MATCH (x)-[r]-() WHERE elementId(r) IN $ids
     RETURN DISTINCT elementId(r) AS id, type(r) AS type, elementId(startNode(r)) AS start, elementId(endNode(r)) AS end, properties(r) AS props`,
    { fromId, ids: moves.map((m) => m.id) },
  );
  const rows = read.records.map((x) => x.toObject() as EdgeRow);
  const { moved, whole, kept } = planEdgeMoves(rows, moves, fromId, toId, mark);
  for (const [type, list] of moved) await writeMoved(tx, relType(type), list);
  if (whole.length) await tx.run('MATCH (x) WHERE elementId(x) = $fromId MATCH (x)-[r]-() WHERE elementId(r) IN $ids DELETE r', { fromId, ids: whole });
  if (kept.length) {
    await tx.run(
      `UNWIND $kept AS k
       MATCH (x) WHERE elementId(x) = $fromId
       MATCH (x)-[r]-() WHERE elementId(r) = k.id
       SET r.rids = k.rids, r.rid = k.rids[0]
       WITH r, type(r) IN $restamped AS restamp
       OPTIONAL MATCH (s:SourceRecord {rid: r.rid})
       SET r.source = CASE WHEN restamp THEN coalesce(s.source, r.source) ELSE r.source END`,
      { fromId, kept, restamped: RESTAMPED },
    );
  }
  const eids = await refreshInSources(tx, [fromId, toId]);
  // Place facts (what a place's records say in brief): a split or an undo can take some away.
  await recountPlaceFacts(tx, eids);
  return rows.length;
}

/** Types whose stamp's source is not part of their identity: a new stamp brings its record's source. */
const RESTAMPED = Object.entries(EDGE_IDENTITY)
  .filter(([, keys]) => !keys?.includes('source'))
  .map(([t]) => t);

/**
 * Creates the moved edges of one type, folding each into the edge of the same identity already there.
 * A visit says which place it is at (`VISITED.place`): the place it ends at now.
 */
async function writeMoved(tx: ManagedTransaction, type: string, list: MovedEdge[]) {
  const identity = EDGE_IDENTITY[type as Rel];
  const folds = identity ? list.filter((m) => identity.every((k) => m.props[k] !== undefined && m.props[k] !== null)) : [];
  const creates = identity ? list.filter((m) => !folds.includes(m)) : list;
  const ends = 'MATCH (a) WHERE elementId(a) = row.start MATCH (b) WHERE elementId(b) = row.end';
  const atPlace = type === Rel.Visited ? `, ${setVisitPlaceCypher('n', 'b')}` : '';
  if (creates.length) await tx.run(`UNWIND $rows AS row ${ends} CREATE (a)-[n:${type}]->(b) SET n = row.props${atPlace}`, { rows: creates });
  if (!folds.length || !identity) return;
  // Keys come from the graph model's table, never from input.
  const key = identity.length ? `{${identity.map((k) => `${k}: row.props.${k}`).join(', ')}}` : '';
  await tx.run(
    `UNWIND $rows AS row ${ends}
     MERGE (a)-[n:${type} ${key}]->(b)
     ON CREATE SET n = row.props${atPlace}
     ON MATCH SET n.rids = CASE WHEN row.rids IS NULL THEN n.rids
                                ELSE (${ridsCypher('n')} + [x IN row.rids WHERE NOT x IN ${ridsCypher('n')}])[..${MAX_RIDS}] END
     WITH n, row WHERE row.rids IS NOT NULL AND $restamp
     OPTIONAL MATCH (s:SourceRecord {rid: n.rid})
     SET n.source = coalesce(s.source, n.source)`,
    { rows: folds, restamp: RESTAMPED.includes(type) },
  );
}

/**
 * Recomputes `inSources` (visibility as a property: the sources of an entity's records and edges,
 * see `visibleEntity`) of nodes whose edges an analyst's decision moved: a split or an undo can
 * take sources away, so the list is rebuilt from the graph, not added to.
 */
async function refreshInSources(tx: ManagedTransaction, nodeIds: string[]): Promise<string[]> {
  const r = await tx.run(
    `UNWIND $ids AS id
     MATCH (e) WHERE elementId(e) = id
     CALL (e) {
       OPTIONAL MATCH (e)<-[:RESOLVED_TO]-(r:SourceRecord)
       RETURN collect(DISTINCT r.source) AS recs
     }
     CALL (e) {
       OPTIONAL MATCH (e)-[x]-() WHERE NOT x:RESOLVED_TO AND x.source IS NOT NULL
       RETURN collect(DISTINCT x.source) AS edges
     }
     CALL (recs, edges) {
       UNWIND recs + edges AS s
       WITH DISTINCT s ORDER BY s
       RETURN collect(s) AS seen
     }
     SET e.inSources = seen
     RETURN e.eid AS eid`,
    { ids: nodeIds },
  );
  return r.records.map((x) => x.get('eid') as string).filter((eid) => typeof eid === 'string');
}
