import { randomUUID } from 'node:crypto';
import { ENTITY_LABELS, Label } from '@onemap/graph-schema';
import { currentEidCypher, type Graph, readTx, recountPlaceFacts, toPlain, writeTx } from '@onemap/graph-schema/server';
import type { ManagedTransaction } from 'neo4j-driver';
import { entitySources, HAS_HIDDEN_SOURCE } from './cypher.ts';
import { type EdgeMove, moveEdges } from './edge-moves.ts';

const KIND_SET = new Set<string>(ENTITY_LABELS);
function kindLabel(k: string): string {
  if (!KIND_SET.has(k)) throw new Error(`label ${k} is not an entity kind`);
  return k;
}

export interface DecisionRow {
  id: string;
  kind: 'merge' | 'split' | 'confirm_match' | 'confirm_non_match';
  eids: string[];
  by: string;
  unit: string;
  purpose: string;
  reason: string;
  at: string;
  undone: boolean;
  undoneBy: string | null;
  undoneAt: string | null;
}

/** Every edge of a node (but those to `exceptId`), to move whole. */
async function allEdges(tx: ManagedTransaction, nodeId: string, exceptId: string | null): Promise<EdgeMove[]> {
  const r = await tx.run('MATCH (m) WHERE elementId(m) = $id MATCH (m)-[r]-(o) WHERE $except IS NULL OR elementId(o) <> $except RETURN collect(DISTINCT elementId(r)) AS ids', {
    id: nodeId,
    except: exceptId,
  });
  return ((r.records[0]?.get('ids') as string[] | undefined) ?? []).map((id) => ({ id, rids: null }));
}

async function nodeOf(tx: ManagedTransaction, eid: string): Promise<{ id: string; kind: string } | null> {
  const r = await tx.run(`MATCH (e:Entity {eid: $eid}) RETURN elementId(e) AS id, [l IN labels(e) WHERE l IN $kinds][0] AS kind`, { eid, kinds: [...KIND_SET] });
  return (r.records[0]?.toObject() as { id: string; kind: string } | undefined) ?? null;
}

/**
 * Writes a decision with the sources of everything it touched (`sources`: of its entities' records
 * and edges once it is applied, `entitySources`): who may list or undo it is decided by them for
 * good, whatever later merges do to its entities.
 */
async function recordDecision(tx: ManagedTransaction, d: Omit<DecisionRow, 'at' | 'undone' | 'undoneBy' | 'undoneAt'>, extra: Record<string, unknown> = {}) {
  await tx.run(
    `CREATE (d:ResolutionDecision) SET d = $d, d.at = datetime(), d.undone = false
     WITH d
     CALL (d) {
       UNWIND d.eids AS eid
       MATCH (e:Entity {eid: eid})
       UNWIND ${entitySources('e')} AS s
       WITH DISTINCT s ORDER BY s
       RETURN collect(s) AS sources
     }
     SET d.sources = sources
     WITH d
     UNWIND d.eids AS eid
     CREATE (:${Label.DecisionEid} {entity: eid, decision: d.id})`,
    { d: { ...d, ...extra } },
  );
}

export interface Actor {
  by: string;
  unit: string;
  purpose: string;
  reason: string;
}

/**
 * Merges entities into a survivor: every relationship (provenance, identifiers, relations,
 * traces) moves to the survivor, marked with the decision — or, where the survivor has the same
 * edge already (an identifier both link, a relation both state from one source), folds into it;
 * the merged node loses its entity labels (kept as `:MergedEntity` for undo) and leaves an
 * `EidRedirect`.
 */
export async function mergeEntities(graph: Graph, survivor: string, merged: string[], actor: Actor): Promise<string> {
  const id = `D-${randomUUID()}`;
  await writeTx(graph, async (tx) => {
    const s = await nodeOf(tx, survivor);
    if (!s) throw new Error(`entity ${survivor} vanished`);
    if (merged.includes(survivor) || new Set(merged).size !== merged.length) throw new Error(`merge of ${survivor} names an entity twice`);
    for (const m of merged) {
      const n = await nodeOf(tx, m);
      if (!n) throw new Error(`entity ${m} vanished`);
      await moveEdges(tx, n.id, s.id, await allEdges(tx, n.id, s.id), { movedBy: id, movedFrom: m });
      await tx.run(
        `MATCH (m) WHERE elementId(m) = $mid
         REMOVE m:Entity, m:${kindLabel(n.kind)}
         SET m:MergedEntity, m.kindLabel = $kind, m.mergedInto = $survivor, m.mergeDecision = $id
         MERGE (x:EidRedirect {eid: $eid}) SET x.to = $survivor, x.at = datetime(), x.reason = $reason, x.decision = $id`,
        { mid: n.id, kind: n.kind, survivor, id, eid: m, reason: actor.reason },
      );
    }
    await recordDecision(tx, { id, kind: 'merge', eids: [survivor, ...merged], ...actor });
  });
  return id;
}

/**
 * What of a node's edges the records `rids` take with them: their own `RESOLVED_TO` edges whole,
 * and of every other edge the part those records state (its `rids` among them).
 */
async function edgesOfRecords(tx: ManagedTransaction, nodeId: string, rids: readonly string[]): Promise<EdgeMove[]> {
  const r = await tx.run(
    `MATCH (e) WHERE elementId(e) = $id
     MATCH (e)-[r]-(o) WHERE (r:RESOLVED_TO AND o.rid IN $rids) OR (NOT r:RESOLVED_TO AND any(x IN coalesce(r.rids, [r.rid]) WHERE x IN $rids))
     RETURN DISTINCT elementId(r) AS id, r:RESOLVED_TO AS whole`,
    { id: nodeId, rids },
  );
  return r.records.map((x) => ({ id: x.get('id') as string, rids: x.get('whole') ? null : rids }));
}

/**
 * Splits records off an entity into a new one: their RESOLVED_TO edges, and of every other edge
 * the part those records state, move to the new entity (an identifier both sides' records state
 * is then linked from both, each edge listing its own records).
 */
export async function splitEntity(graph: Graph, eid: string, rids: string[], actor: Actor): Promise<{ id: string; newEid: string }> {
  const id = `D-${randomUUID()}`;
  const newEid = `${eid.split('-')[0]}-M${randomUUID().replace(/-/g, '').slice(0, 15)}`;
  await writeTx(graph, async (tx) => {
    const n = await nodeOf(tx, eid);
    if (!n) throw new Error(`entity ${eid} vanished`);
    const created = await tx.run(
      `MATCH (e) WHERE elementId(e) = $eidNode
       CREATE (x:Entity:${kindLabel(n.kind)} {eid: $newEid, splitFrom: $eid, splitDecision: $id, name: e.name, namePinyin: e.namePinyin, searchText: e.searchText, pinyinKeys: e.pinyinKeys, pinyinInitials: e.pinyinInitials})
       RETURN elementId(x) AS id`,
      { eidNode: n.id, newEid, eid, id },
    );
    const newId = created.records[0]?.get('id') as string;
    await moveEdges(tx, n.id, newId, await edgesOfRecords(tx, n.id, rids), { movedBy: id, movedFrom: eid });
    await recordDecision(tx, { id, kind: 'split', eids: [eid, newEid], ...actor }, { rids });
  });
  return { id, newEid };
}

/** Records that two entities are (or are not) the same, for the pipeline's must-link / cannot-link. */
export async function confirmPair(graph: Graph, kind: 'confirm_match' | 'confirm_non_match', eids: [string, string], actor: Actor): Promise<string> {
  const id = `D-${randomUUID()}`;
  await writeTx(graph, (tx) => recordDecision(tx, { id, kind, eids, ...actor }));
  return id;
}

export async function readDecision(graph: Graph, id: string): Promise<(DecisionRow & { rids?: string[] }) | null> {
  return readTx(graph, async (tx) => {
    const r = await tx.run('MATCH (d:ResolutionDecision {id: $id}) RETURN properties(d) AS d', { id });
    const d = r.records[0]?.get('d');
    return d ? (normalize(toPlain(d) as Record<string, unknown>) as DecisionRow & { rids?: string[] }) : null;
  });
}

function normalize(d: Record<string, unknown>): DecisionRow {
  return { undoneBy: null, undoneAt: null, reason: '', ...d } as DecisionRow;
}

/**
 * The sources of everything a decision touches: of each entity it names (live or merged away:
 * its records' and edges', `entitySources`) and of the records it split off. A viewer who cannot
 * see one of them must not see the decision.
 */
const TOUCHED_SOURCES = `
  CALL (d) {
    UNWIND d.eids AS eid
    OPTIONAL MATCH (e:Entity {eid: eid})
    OPTIONAL MATCH (m:MergedEntity {eid: eid})
    UNWIND [x IN [e, m] WHERE x IS NOT NULL] AS n
    UNWIND ${entitySources('n')} AS s
    RETURN collect(DISTINCT s) AS onEntities
  }
  CALL (d) {
    UNWIND coalesce(d.rids, []) AS rid
    MATCH (r:SourceRecord {rid: rid})
    RETURN collect(DISTINCT r.source) AS splitOff
  }
  WITH d, coalesce(d.sources, []) + onEntities + splitOff AS touched`;

/** A decision is visible when it touched something and all it touched is visible (nothing known: not visible). */
const ALL_TOUCHED_VISIBLE = 'size(touched) > 0 AND all(s IN touched WHERE s IN $visible)';

/**
 * The sources a decision touched when it was made (`sources`, written with it, and those of the
 * records it split off): who may list it is decided by them for good. Were its entities' current
 * sources to count, a hidden source joining one of them later would take the decision out of the
 * list, and polling the list would tell the day it did. A decision written before `sources` was
 * kept is read by what it touches now (`TOUCHED_SOURCES`).
 */
const TOUCHED_WHEN_MADE = `
  CALL (d) {
    WITH d WHERE d.sources IS NOT NULL
    CALL (d) {
      UNWIND coalesce(d.rids, []) AS rid
      MATCH (r:SourceRecord {rid: rid})
      RETURN collect(DISTINCT r.source) AS splitOff
    }
    RETURN d.sources + splitOff AS made
    UNION
    WITH d WHERE d.sources IS NULL
    ${TOUCHED_SOURCES}
    RETURN touched AS made
  }
  WITH d, made AS touched`;

/**
 * Decisions newest first, only those whose every record touched when made comes from
 * `visibleSources` (`TOUCHED_WHEN_MADE`).
 * @param eid only decisions naming this entity (null: all)
 */
export async function listDecisions(graph: Graph, eid: string | null, limit: number, visibleSources: readonly string[]): Promise<DecisionRow[]> {
  return readTx(graph, async (tx) => {
    const r = await tx.run(
      // an entity's decisions by a seek (its DecisionEid nodes), not by reading every decision's
      // eids; all of them newest first in the order of index resolution_decision_at, the visible
      // ones taken until the page is full
      eid === null
        ? `MATCH (d:${Label.Decision}) WHERE d.at IS NOT NULL
           WITH d ORDER BY d.at DESC
           ${TOUCHED_WHEN_MADE}
           WHERE ${ALL_TOUCHED_VISIBLE}
           WITH d ORDER BY d.at DESC LIMIT toInteger($limit)
           RETURN properties(d) AS d`
        : `MATCH (x:${Label.DecisionEid} {entity: $eid})
           MATCH (d:${Label.Decision} {id: x.decision})
           WITH DISTINCT d
           ${TOUCHED_WHEN_MADE}
           WHERE ${ALL_TOUCHED_VISIBLE}
           RETURN properties(d) AS d ORDER BY d.at DESC LIMIT toInteger($limit)`,
      { eid, limit, visible: [...visibleSources] },
    );
    return r.records.map((x) => normalize(toPlain(x.get('d')) as Record<string, unknown>));
  });
}

/**
 * Whether the viewer may see decision `id` (`listed`: as the list shows it, by what it touched
 * when made) and may act on it (`whole`: every record it touches now, later ones included, comes
 * from `visibleSources`; an undo moves them). Both false when there is no such decision.
 */
export async function decisionVisible(graph: Graph, id: string, visibleSources: readonly string[]): Promise<{ listed: boolean; whole: boolean }> {
  return readTx(graph, async (tx) => {
    const r = await tx.run(
      `MATCH (d:ResolutionDecision {id: $id})
       CALL (d) {
         ${TOUCHED_WHEN_MADE}
         RETURN ${ALL_TOUCHED_VISIBLE} AS listed
       }
       CALL (d) {
         ${TOUCHED_SOURCES}
         RETURN ${ALL_TOUCHED_VISIBLE} AS whole
       }
       RETURN listed, whole`,
      { id, visible: [...visibleSources] },
    );
    const row = r.records[0];
    return { listed: row?.get('listed') === true, whole: row?.get('whole') === true };
  });
}


/**
 * The first of `eids` (current eids: the caller has followed redirects) known from a source outside `visibleSources` (a record's or an edge's), or null. A manual decision may touch only
 * entities the analyst sees whole: a merge moves every record and edge, and listing or undoing the
 * decision needs every touched record visible — so deciding on a partly hidden entity would change
 * what the analyst cannot see, and the undo's 404 would tell them it is there.
 */
export async function firstPartlyHidden(graph: Graph, eids: readonly string[], visibleSources: readonly string[]): Promise<string | null> {
  return readTx(graph, async (tx) => {
    const r = await tx.run(
      `UNWIND range(0, size($eids) - 1) AS i
       WITH i, $eids[i] AS eid
       MATCH (e:Entity {eid: eid})
       WHERE ${HAS_HIDDEN_SOURCE('e', '$visible')}
       RETURN eid ORDER BY i LIMIT 1`,
      { eids: [...eids], visible: [...visibleSources] },
    );
    return (r.records[0]?.get('eid') as string | undefined) ?? null;
  });
}

/**
 * What a merge's undo moves back from the survivor to merged entity `m`: of the edges the merge
 * created there (marked with the decision) the records they moved with (`movedRids`; whole if they
 * list none), so records the pipeline folded into them since stay with the survivor; and of the
 * edges it folded into the survivor's own the part stated by the records it brought (their
 * `RESOLVED_TO` is marked).
 */
async function edgesMergedFrom(tx: ManagedTransaction, survivorId: string, decision: string, m: string): Promise<EdgeMove[]> {
  const r = await tx.run(
    `MATCH (s) WHERE elementId(s) = $sid
     OPTIONAL MATCH (s)<-[:RESOLVED_TO {movedBy: $id, movedFrom: $m}]-(rec:SourceRecord)
     WITH s, collect(DISTINCT rec.rid) AS brought
     MATCH (s)-[r]-()
     WITH r, brought, coalesce(r.movedBy = $id AND r.movedFrom = $m, false) AS marked
     WHERE marked OR (NOT r:RESOLVED_TO AND any(x IN coalesce(r.rids, [r.rid]) WHERE x IN brought))
     RETURN DISTINCT elementId(r) AS id, CASE WHEN marked THEN r.movedRids ELSE brought END AS rids`,
    { sid: survivorId, id: decision, m },
  );
  return r.records.map((x) => ({ id: x.get('id') as string, rids: (x.get('rids') as string[] | null) ?? null }));
}

/**
 * A decision that cannot be undone as the graph stands: a later decision changed what it names (a
 * merge's survivor merged onward, a split's side merged away). Undo the later one first. The route
 * answers 409; it says nothing of the later decision, which may touch what the caller cannot see.
 */
export class UndoConflict extends Error {}

/** Reverses a decision: moved edges go back, labels and redirects are restored; the decision is kept, marked undone. */
export async function undoDecision(graph: Graph, d: DecisionRow, by: string): Promise<void> {
  try {
    await undoInTx(graph, d, by);
  } catch (e) {
    // the transaction helper wraps what its work throws; a conflict found inside is the caller's to answer
    if ((e as Error).cause instanceof UndoConflict) throw (e as Error).cause;
    throw e;
  }
}

/**
 * Whether a later decision, still in force, moved what decision `d` moved or made: then undoing
 * `d` first would take that decision's records along (or leave them on a node it deletes), so
 * the later one is to be undone first. A merge is entangled when a later merge or split moved
 * edges that still carry its mark under their own (`movedStack`; on the entities that later
 * decision names, or where they lead now if merged onward since); a split, when a later merge or
 * split names the entity it made (its undo moves all of that entity back and deletes it). A later
 * decision on the same entities that moved none of it (another merge into the same survivor) is
 * no obstacle. The later decisions are found by their `DecisionEid` index seeks, and only the
 * edges of their entities are read.
 */
async function entangledLater(tx: ManagedTransaction, d: DecisionRow): Promise<boolean> {
  const r = await tx.run(
    `MATCH (d:${Label.Decision} {id: $id})
     MATCH (x:${Label.DecisionEid}) WHERE x.entity IN $eids AND x.decision <> $id
     MATCH (later:${Label.Decision} {id: x.decision})
     WHERE NOT later:${Label.UndoneDecision} AND later.kind IN ['merge', 'split'] AND later.at >= d.at
     WITH DISTINCT d, later
     CALL (d, later) {
       WITH d, later WHERE d.kind = 'split' AND d.eids[1] IN later.eids
       RETURN true AS hit
       UNION
       WITH d, later WHERE d.kind = 'merge'
       UNWIND later.eids AS le
       WITH DISTINCT ${currentEidCypher('le')} AS cur
       MATCH (e:Entity {eid: cur})
       MATCH (e)-[r]-() WHERE any(m IN coalesce(r.movedStack, []) WHERE m CONTAINS $id)
       RETURN true AS hit LIMIT 1
     }
     RETURN count(hit) > 0 AS entangled`,
    { id: d.id, eids: d.eids },
  );
  return r.records[0]?.get('entangled') === true;
}

async function undoInTx(graph: Graph, d: DecisionRow, by: string): Promise<void> {
  await writeTx(graph, async (tx) => {
    if ((d.kind === 'merge' || d.kind === 'split') && (await entangledLater(tx, d))) {
      throw new UndoConflict(`decision ${d.id} cannot be undone now: a later decision moved what it moved (undo that one first)`);
    }
    if (d.kind === 'merge') {
      const [survivor, ...merged] = d.eids;
      const s = await nodeOf(tx, survivor as string);
      if (!s) throw new UndoConflict(`decision ${d.id} cannot be undone now: its survivor ${survivor} was changed by a later decision (undo that one first)`);
      for (const m of merged) {
        const mr = await tx.run('MATCH (m:MergedEntity {eid: $eid, mergeDecision: $id}) RETURN elementId(m) AS id, m.kindLabel AS kind', { eid: m, id: d.id });
        const row = mr.records[0]?.toObject() as { id: string; kind: string } | undefined;
        if (!row) throw new UndoConflict(`decision ${d.id} cannot be undone now: ${m}, which it merged, was changed by a later decision (undo that one first)`);
        await moveEdges(tx, s.id, row.id, await edgesMergedFrom(tx, s.id, d.id, m), { undoing: d.id });
        await tx.run(
          `MATCH (m) WHERE elementId(m) = $mid
           REMOVE m:MergedEntity, m.mergedInto, m.mergeDecision, m.kindLabel
           SET m:Entity:${kindLabel(row.kind)}
           WITH m MATCH (x:EidRedirect {eid: $eid, decision: $id}) DELETE x`,
          { mid: row.id, eid: m, id: d.id },
        );
        // It was no Place while its edges moved back: its facts are counted now that it is one again.
        await recountPlaceFacts(tx, [m]);
      }
    } else if (d.kind === 'split') {
      const [orig, created] = d.eids as [string, string];
      const o = await nodeOf(tx, orig);
      const n = await nodeOf(tx, created);
      if (!o || !n) throw new UndoConflict(`decision ${d.id} cannot be undone now: an entity of its split was changed by a later decision (undo that one first)`);
      await moveEdges(tx, n.id, o.id, await allEdges(tx, n.id, null), { undoing: d.id });
      await tx.run('MATCH (n) WHERE elementId(n) = $nid DETACH DELETE n', { nid: n.id });
    }
    await tx.run(`MATCH (d:${Label.Decision} {id: $id}) SET d:${Label.UndoneDecision}, d.undone = true, d.undoneBy = $by, d.undoneAt = datetime()`, { id: d.id, by });
  });
}

/** Most pairs the review queue reads before it keeps the visible ones (a named cap, not a silent one). */
export const CANDIDATES_SCAN_FACTOR = 4;
/** Records of the candidate entity compared with the possible-match record to explain the pair. */
export const CANDIDATE_RECORDS_COMPARED = 20;

/** A source record as the explanation needs it: its standardized attributes and stored mention metadata, by role. */
export interface StoredRecordRow {
  rid: string;
  source: string;
  recordId: string;
  /** JSON: role -> standardized attributes */
  attrs: string;
  /** JSON: role -> {kind, identifiers, flags} */
  mentions: string | null;
  /** the role whose mention resolved to the entity in question */
  role: string;
}

/** One possible match the pipeline left for review: a record's mention and the entity it nearly joined. */
export interface PossibleMatchRow {
  rid: string;
  source: string;
  role: string;
  score: number;
  at: string | null;
  recordEid: string;
  candidateEid: string;
  record: StoredRecordRow;
  candidateRecords: StoredRecordRow[];
}

/**
 * The pipeline's possible matches (RESOLVED_TO {decision: 'possible_match', candidate}) whose record
 * comes from a visible source, most uncertain first (probability closest to 0.5); pairs already
 * decided by an analyst (a live merge or confirmation naming both) and candidates merged away are left out, and so are pairs with an entity the viewer does not see whole (no decision could be made on them).
 * @param sources the viewer's visible sources
 * @param filter `source` one source, `unit` sources owned by that unit code (or its sub-units by prefix)
 */
export async function listPossibleMatches(graph: Graph, sources: readonly string[], filter: { source?: string | null; unit?: string | null }, limit: number): Promise<PossibleMatchRow[]> {
  return readTx(graph, async (tx) => {
    const r = await tx.run(
      // from the possible matches themselves (only they have a candidate: index resolved_to_candidate,
      // migration V053), not from every record of the viewer's sources
      `MATCH (r:SourceRecord)-[x:RESOLVED_TO]->(a:Entity)
       USING INDEX x:RESOLVED_TO(candidate)
       WHERE x.candidate IS NOT NULL AND x.decision = 'possible_match' AND r.source IN $sources
         AND ($source IS NULL OR r.source = $source)
         AND ($unit IS NULL OR EXISTS { MATCH (s:Source {id: r.source}) WHERE s.ownerUnit STARTS WITH $unit })
       MATCH (b:Entity {eid: x.candidate}) WHERE b <> a
         AND NOT EXISTS {
           MATCH (de:${Label.DecisionEid} {entity: a.eid})
           MATCH (d:${Label.Decision} {id: de.decision}) WHERE d.undone = false AND b.eid IN d.eids
         }
         // only pairs the viewer could decide on: both entities seen whole (firstPartlyHidden)
         AND NOT ${HAS_HIDDEN_SOURCE('a', '$sources')} AND NOT ${HAS_HIDDEN_SOURCE('b', '$sources')}
       WITH r, x, a, b ORDER BY abs(x.score - 0.5), r.rid LIMIT toInteger($scan)
       CALL (b) {
         MATCH (b)<-[y:RESOLVED_TO]-(br:SourceRecord) WHERE br.source IN $sources
         WITH br, y ORDER BY br.rid LIMIT toInteger($compared)
         RETURN collect(br {.rid, .source, .recordId, .attrs, .mentions, role: y.role}) AS candidateRecords
       }
       RETURN r.rid AS rid, r.source AS source, x.role AS role, x.score AS score, toString(x.at) AS at, a.eid AS recordEid, b.eid AS candidateEid,
              r {.rid, .source, .recordId, .attrs, .mentions, role: x.role} AS record, candidateRecords`,
      { sources: [...sources], source: filter.source ?? null, unit: filter.unit ?? null, scan: limit * CANDIDATES_SCAN_FACTOR, compared: CANDIDATE_RECORDS_COMPARED },
    );
    return r.records.map((x) => toPlain(x.toObject()) as PossibleMatchRow);
  });
}
