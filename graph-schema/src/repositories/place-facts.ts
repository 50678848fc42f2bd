import type { ManagedTransaction } from 'neo4j-driver';
import { provenanceSourceCypher } from '../universal/geo/point-source.ts';
import { PLACE_HOME_WORD, PLACE_ROLE_SEPARATOR, type PlaceFacts } from '../universal/place-facts.ts';

/**
 * The place facts (`recordRoles`, `homeSources`, `pointStatements`; `universal/place-facts.ts`) as the writers keep
 * them: one home for the Cypher, shared by the resolver's writers and the server's merge/split.
 * An empty `homeSources` is stored as no property, as neo4j-admin import stores it.
 */

/**
 * Cypher list expression: the `pointStatements` entry record `r` gives for its role `role`
 * (`<source>:<lon>:<lat>`, as `statedPoint` + `placePointFact` read the attrs JSON), or null. Read
 * from the JSON text (no JSON functions in plain Cypher): the role's object up to its first `}`
 * (role objects are flat; a `}` inside a value before the point only loses the entry — a spatial
 * filter then reads the provenance alone, never laxer), each coordinate a JSON string or number.
 */
export function recordPointFactCypher(r: string, role: string): string {
  const body = `split(split(${r}.attrs, '"' + ${role} + '":{')[1], '}')[0]`;
  const coord = (k: string) =>
    `CASE WHEN split(${body}, '"${k}":')[1] STARTS WITH '"' THEN split(substring(split(${body}, '"${k}":')[1], 1), '"')[0] ELSE split(split(${body}, '"${k}":')[1], ',')[0] END`;
  return `CASE WHEN ${coord('lon')} <> '' AND ${coord('lat')} <> '' THEN ${r}.source + $sep + ${coord('lon')} + $sep + ${coord('lat')} END`;
}

/** Body of a `CALL (p) { … }` that recounts place `p`'s facts from all its records when `when` holds (returns `roles`, `homes`, `points`; empty lists when it does not). */
function recount(when: string): string {
  return `WITH p WHERE ${when}
       OPTIONAL MATCH (p)<-[rt:RESOLVED_TO]-(r:SourceRecord)
       WITH r.source + $sep + rt.role AS fact, CASE WHEN r.attrs CONTAINS $homeWord THEN r.source END AS home, ${recordPointFactCypher('r', 'rt.role')} AS point
       RETURN collect(DISTINCT fact) AS roles, collect(DISTINCT home) AS homes, collect(DISTINCT point) AS points`;
}

/** Cypher: `SET` of the point facts from the sorted list `list` (an empty list is no property, as for `homeSources`). */
const setPoints = (list: string) => `p.pointStatements = CASE WHEN size(${list}) = 0 THEN null ELSE ${list} END`;

/**
 * Adds facts to places (rows of other entities are ignored): a place is written only when it gains
 * a fact (so a hub is not rewritten per sighting), under its write lock (taken before the facts are
 * read again, so two writers never lose each other's). A place without facts yet (new, cleared by
 * a withdrawal, or written by something that does not keep them) gets them recounted from all its
 * records first (the records of this transaction included), so they are never a subset of what
 * the graph says. Rows must be sorted by eid (writers lock hubs in one order).
 */
export async function addPlaceFacts(tx: ManagedTransaction, rows: readonly ({ eid: string } & PlaceFacts)[]): Promise<void> {
  if (!rows.length) return;
  await tx.run(
    `UNWIND $rows AS row
     MATCH (p:Entity {eid: row.eid}) WHERE p:Place
       AND (p.recordRoles IS NULL
            OR any(x IN row.recordRoles WHERE NOT x IN p.recordRoles) OR any(s IN row.homeSources WHERE NOT s IN coalesce(p.homeSources, []))
            OR any(s IN row.pointStatements WHERE NOT s IN coalesce(p.pointStatements, [])))
     SET p._lock = true
     WITH p, row
     CALL (p) {
       ${recount('p.recordRoles IS NULL')}
     }
     CALL (p, roles, row) {
       UNWIND coalesce(p.recordRoles, []) + roles + row.recordRoles AS x
       WITH DISTINCT x ORDER BY x
       RETURN collect(x) AS allRoles
     }
     CALL (p, homes, row) {
       UNWIND CASE WHEN p.recordRoles IS NULL THEN [] ELSE coalesce(p.homeSources, []) END + homes + row.homeSources AS x
       WITH DISTINCT x ORDER BY x
       RETURN collect(x) AS allHomes
     }
     CALL (p, points, row) {
       UNWIND CASE WHEN p.recordRoles IS NULL THEN [] ELSE coalesce(p.pointStatements, []) END + points + row.pointStatements AS x
       WITH DISTINCT x ORDER BY x
       RETURN collect(x) AS allPoints
     }
     SET p.recordRoles = allRoles, p.homeSources = CASE WHEN size(allHomes) = 0 THEN null ELSE allHomes END, ${setPoints('allPoints')}
     REMOVE p._lock`,
    { rows, sep: PLACE_ROLE_SEPARATOR, homeWord: PLACE_HOME_WORD },
  );
}

/**
 * Recounts the facts of places from all their records (entities that are no places are left
 * alone): after a change that can take facts away (a withdrawn record, a split, an undo).
 * Reads every record of each place: a hub's recount costs its degree.
 */
export async function recountPlaceFacts(tx: ManagedTransaction, eids: readonly string[]): Promise<void> {
  if (!eids.length) return;
  await tx.run(
    `UNWIND $eids AS eid
     MATCH (p:Entity {eid: eid}) WHERE p:Place
     CALL (p) {
       ${recount('true')}
     }
     CALL (roles) {
       UNWIND roles AS x
       WITH x ORDER BY x
       RETURN collect(x) AS sortedRoles
     }
     CALL (homes) {
       UNWIND homes AS x
       WITH x ORDER BY x
       RETURN collect(x) AS sortedHomes
     }
     CALL (points) {
       UNWIND points AS x
       WITH x ORDER BY x
       RETURN collect(x) AS sortedPoints
     }
     SET p.recordRoles = sortedRoles, p.homeSources = CASE WHEN size(sortedHomes) = 0 THEN null ELSE sortedHomes END, ${setPoints('sortedPoints')}`,
    { eids: [...new Set(eids)].sort(), sep: PLACE_ROLE_SEPARATOR, homeWord: PLACE_HOME_WORD },
  );
}

/**
 * Cypher predicate: place `v` is a home for some source — its node's kind, a record in the role
 * `home`, a RESIDES_AT edge or a residence trace — whoever can see it. Layers leave homes out of
 * facilities and counts by it (a home is never a facility, whoever says so); decisions made in one
 * viewer's sources (early-warning rules, the server's spatial filters) use its per-view form
 * `isHomeForSourcesCypher`.
 *
 * The record roles are read from the place facts (`recordRoles`) where the node has them, so a
 * hub is not scanned record by record; a place without them falls back to its `RESOLVED_TO` edges.
 * `residence` is the residence-trace test: by default the place's own incoming `VISITED` of kind
 * `residence` (costs the place's visits); a caller testing many places binds the residence places
 * once by the `VISITED(kind)` index and passes e.g. `p.eid IN residencePlaces`.
 */
export function isHomeCypher(v: string, residence = `EXISTS { MATCH (${v})<-[hv:VISITED]-() WHERE hv.kind = 'residence' }`): string {
  return `(${v}.placeKind = 'home' OR EXISTS { MATCH (${v})<-[:RESIDES_AT]-() }
  OR CASE WHEN ${v}.recordRoles IS NULL THEN EXISTS { MATCH (${v})<-[hr:RESOLVED_TO]-() WHERE hr.role = 'home' }
     ELSE any(x IN ${v}.recordRoles WHERE x ENDS WITH '${PLACE_ROLE_SEPARATOR}home') END
  OR ${residence})`;
}

/**
 * Cypher predicate: place `v`'s node kind is `home` by a vote the sources in `sources` may know —
 * the kind was chosen from a record of one of them (none recorded counts as theirs, as for a
 * point). A kind a hidden source's records voted must not make a place a home for a viewer or a
 * rule: the answer would differ from "nobody says home". Part of `isHomeForSourcesCypher` and of
 * the server's per-viewer `HOME_FOR_VIEWER`.
 */
export function nodeKindHomeForSourcesCypher(v: string, sources: string): string {
  return `(${v}.placeKind = 'home' AND coalesce(${provenanceSourceCypher(v, 'placeKind')} IN ${sources}, true))`;
}

/**
 * Cypher predicate: place `v` is a home as the sources in the list `sources` (a Cypher list
 * expression: `$vs`, `it.vs`) may know it — what `isHomeCypher` reads, each fact only from those
 * sources: the node's kind `home` when it was chosen from one of them (no recorded provenance
 * counts as theirs, as for a point), a record of theirs in the role `home` (from the place facts
 * where the node has them), a `RESIDES_AT` edge or a residence trace of theirs. A place only a
 * hidden source calls a home is, for these sources, the place their records show: a decision made
 * for a viewer (a spatial filter, an early-warning rule) must not differ by what it cannot see.
 */
export function isHomeForSourcesCypher(v: string, sources: string): string {
  return `(${nodeKindHomeForSourcesCypher(v, sources)}
  OR EXISTS { MATCH (${v})<-[hsx:RESIDES_AT]-() WHERE hsx.source IN ${sources} }
  OR CASE WHEN ${v}.recordRoles IS NULL THEN EXISTS { MATCH (${v})<-[:RESOLVED_TO {role: 'home'}]-(hsr:SourceRecord) WHERE hsr.source IN ${sources} }
     ELSE any(hsf IN ${v}.recordRoles WHERE any(hss IN ${sources} WHERE hsf = hss + '${PLACE_ROLE_SEPARATOR}home')) END
  OR EXISTS { MATCH (${v})<-[hsv:VISITED {kind: 'residence'}]-() WHERE hsv.source IN ${sources} })`;
}

/**
 * Cypher predicate: a record of a source in the list `sources` states node `v`'s current point
 * (`location`), by the place facts (`pointStatements`; a node without them states none here).
 * The node's point is chosen over every source and its provenance names one record's source: a
 * hidden record stating the same point, received last, takes the provenance although a visible
 * record states the point too. A spatial filter that reads the provenance alone would drop the
 * place for whoever sees only the visible record (server `VISIBLE_POINT`).
 */
export function pointStatedBySourcesCypher(v: string, sources: string): string {
  return `(size(${pointStatingSourcesCypher(v, sources)}) > 0)`;
}

/** Cypher list expression: the sources in `sources` of which a record states node `v`'s current point (place facts `pointStatements`, in their order; see `pointStatedBySourcesCypher`). */
export function pointStatingSourcesCypher(v: string, sources: string): string {
  const part = (i: number) => `split(pst, '${PLACE_ROLE_SEPARATOR}')[${i}]`;
  return `[pst IN coalesce(${v}.pointStatements, []) WHERE ${part(0)} IN ${sources}
    AND toFloat(${part(1)}) = ${v}.location.x AND toFloat(${part(2)}) = ${v}.location.y | ${part(0)}]`;
}
