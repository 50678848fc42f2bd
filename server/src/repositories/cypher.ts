import { ENTITY_LABELS, ENTITY_RELATION_TYPES, NAMING_PROPERTIES, pointSourceCypher, provenanceSourceCypher } from '@onemap/graph-schema';
import { isHomeCypher, nodeKindHomeForSourcesCypher, pointStatedBySourcesCypher } from '@onemap/graph-schema/server';

/** Entity labels, for `[l IN labels(n) WHERE l IN $kinds][0]`. */
export const KINDS = [...ENTITY_LABELS];

/**
 * Cypher predicate: entity `v` is visible through `$vs` (visible source ids) — visibility as a
 * property test: `inSources` lists the sources of the entity's records and edges (kept by the
 * writers: the pipeline's chunk writer, merges and splits; filled for older data by migration
 * V036), so the test reads one list instead of walking records, whatever the entity's degree.
 * An entity without the property (written by something that does not keep it) falls back to the
 * walk: it has a visible SourceRecord, or a visible edge (which itself says the entity exists in
 * that source). `inSources`: a variable already holding `v.inSources` (a scan of many candidates
 * reads the property once, not once per use).
 */
export function visibleEntity(v: string, inSources = `${v}.inSources`): string {
  return `(CASE WHEN ${inSources} IS NULL THEN (EXISTS { MATCH ${VISIBLE_RECORDS(v, 'vt', 'vr')} } OR EXISTS { MATCH (${v})-[vx]-() WHERE vx.source IN $vs AND NOT vx:RESOLVED_TO }) ELSE any(vsrc IN ${inSources} WHERE vsrc IN $vs) END)`;
}

/**
 * Cypher pattern and predicate: entity `v`'s records of a source in `$vs`, through `rt` to `sr`
 * (`(v)<-[rt:RESOLVED_TO]-(sr) WHERE sr.source IN $vs`). The record carries no label test: only a
 * SourceRecord resolves to an entity (graph model: provenance is `(:SourceRecord)-[:RESOLVED_TO]->`,
 * and every writer and edge move keeps it so), and with the label the planner may seek the
 * `SourceRecord(source)` index — every record of the viewer's sources — and join it to the entity
 * instead of expanding the entity's own edges. On stale index samples it did, now and then: 7 700
 * db hits for a person with three records in a test store of 1 500 (a store of millions would read
 * them all). Without the label it can only expand from `v`, and saves the label test on each row.
 */
export const VISIBLE_RECORDS = (v: string, rt: string, sr: string) => `(${v})<-[${rt}:RESOLVED_TO]-(${sr}) WHERE ${sr}.source IN $vs`;

/**
 * Cypher list expression: the sources entity `v` is known from — its records' and its edges'
 * (`inSources`, kept by the writers; walked for a node without it). An analyst's decision moves
 * all of them, so "seen whole" and who may list a decision are tests on this list, whatever the
 * entity's degree.
 */
export function entitySources(v: string): string {
  return `coalesce(${v}.inSources, COLLECT { MATCH (${v})<-[:RESOLVED_TO]-(sr:SourceRecord) RETURN DISTINCT sr.source } + COLLECT { MATCH (${v})-[sx]-() WHERE NOT sx:RESOLVED_TO AND sx.source IS NOT NULL RETURN DISTINCT sx.source })`;
}

/**
 * Cypher: entity `v`'s golden values were chosen over records the viewer (`$vs`) all may see —
 * every source it is known from is visible (`entitySources`), for every kind, places included. A
 * summary may show the node's values (a name, a place's kind and point) only then: over a hidden
 * record too, which visible value wins is that record's vote, and a place a hidden source alone
 * names or kinds would be named or kinded by it. Otherwise the summary is made from the viewer's
 * visible records.
 */
export const SEEN_WHOLE = (v: string) => `NOT ${HAS_HIDDEN_SOURCE(v, '$vs')}`;

/**
 * Cypher list: the sources entity `v` is known from that the viewer (`$vs`) may not see
 * (`entitySources`; empty when it is seen whole). Read by the server only, never answered: whether
 * a node's value stands for the viewer's records (`nodeValueStands`) depends on which they are.
 */
export const HIDDEN_SOURCES = (v: string) => `[hs IN ${entitySources(v)} WHERE NOT hs IN $vs]`;

/**
 * Cypher map entries of entity `v` as every node summary reads them (a neighbour in relations or a
 * profile, a search or path node, a place summary): one list, so no summary path reads a field
 * another forgets. `naming` holds the node properties its kind is named by (graph-schema
 * `NAMING_ATTRIBUTES`), so a summary masks each by the rule of the attribute it stands for (needs
 * `$kinds`, `$vs`).
 */
export const NODE_SUMMARY_FIELDS = (v: string) =>
  `eid: ${v}.eid, kind: ${kindOf(v)}, name: ${v}.name, naming: ${v} {${NAMING_PROPERTIES.map((p) => `.${p}`).join(', ')}}, placeKind: ${v}.placeKind, provenance: ${v}.provenance, seenWhole: ${SEEN_WHOLE(v)}, hiddenSources: ${HIDDEN_SOURCES(v)}`;

/** Cypher predicate: entity `v` is known from a source outside the list `visible` — a record's or an edge's (it is not seen whole; `entitySources`). */
export const HAS_HIDDEN_SOURCE = (v: string, visible: string) => `any(hs IN ${entitySources(v)} WHERE NOT hs IN ${visible})`;

/**
 * Cypher predicate: node `v` has a point this viewer may place it by — one chosen from a source in
 * `$vs` (a point without recorded provenance counts as visible), or one a record of a source in
 * `$vs` states too (a place's `pointStatements` facts: a hidden record stating the same point,
 * received last, takes the provenance but must not take the place out of a radius or polygon the
 * viewer's own record puts it in — eighth review, `server-review8-points.test.ts`). Every spatial
 * filter and every position an aggregate shows goes through it: a point only a hidden source
 * states must neither be shown nor confirmed by a radius or polygon that finds the place (profiles
 * show no position then either, `placeFromNode`). A node without the facts (a case, a place not
 * yet counted) is read by its provenance alone (never laxer).
 */
export const VISIBLE_POINT = (v: string) =>
  `(${v}.location IS NOT NULL AND (coalesce(${pointSourceCypher(v)} IN $vs, true) OR ${pointStatedBySourcesCypher(v, '$vs')}))`;

/**
 * Cypher predicate: place `v` has a county code (`unitCode`, from its chosen address's division)
 * this viewer may place it by — chosen from a source in `$vs` (none recorded counts as visible),
 * as `VISIBLE_POINT` is for its point: a jurisdiction layer, a collision by jurisdiction or a
 * facility's county must not say where a place is from an address only a hidden source states.
 */
export const VISIBLE_DIVISION = (v: string) => `(${v}.unitCode IS NOT NULL AND coalesce(${provenanceSourceCypher(v, 'unitCode')} IN $vs, true))`;

/**
 * Cypher map `{source, rid}`, or null: the record through which the viewer (`$vs`) sees identifier
 * edge `h` (`HAS_IDENTIFIER`). The edge is one per entity and identifier, stamped (`source`, `rid`)
 * by the first record that stated it, with every record that states it in `rids` (`<source>:<id>`,
 * at most 100): the stamp when its source is visible, else the first listed record of a visible
 * source. Every read of an identifier edge goes through it — the stamp alone let a hidden source
 * that stated a phone first take it out of a profile, the last-digits search and the masking of
 * what completes it, for a viewer whose own record states it (ninth review, N1).
 */
export const IDENTIFIER_SEEN = (h: string) => identifierSeenThrough(h, '$vs');

/** `IDENTIFIER_SEEN` through the sources of the Cypher list expression `sources` (a subset of the viewer's: those it reads a kind in plain). */
export const identifierSeenThrough = (h: string, sources: string) =>
  `(CASE WHEN ${h}.source IN ${sources} THEN {source: ${h}.source, rid: ${h}.rid}
         ELSE head([x IN coalesce(${h}.rids, []) WHERE any(s IN ${sources} WHERE x STARTS WITH s + ':')
                   | {source: head([s IN ${sources} WHERE x STARTS WITH s + ':']), rid: x}]) END)`;

/** Cypher predicate: relationship `r` may be read through `$vs`. CO_TRAVELED needs every source it was derived from. */
export function visibleEdge(r: string): string {
  return `(${r}.source IN $vs OR (${r}:CO_TRAVELED AND ${r}.sources IS NOT NULL AND all(s IN ${r}.sources WHERE s IN $vs)))`;
}

export function kindOf(v: string): string {
  return `[l IN labels(${v}) WHERE l IN $kinds][0]`;
}

const RELATION_TYPE_SET: ReadonlySet<string> = new Set(ENTITY_RELATION_TYPES);

/**
 * A typed relationship pattern `:A|B|C` for the given types, so the planner expands only those
 * edges (an untyped `-[r]-` then `type(r) IN $types` walks every VISITED of a hub). Types come
 * from the graph-model whitelist; anything else is refused, never spliced.
 */
export function relTypes(types: readonly string[]): string {
  const list = [...new Set(types)];
  const bad = list.find((t) => !RELATION_TYPE_SET.has(t));
  if (bad !== undefined || list.length === 0) throw new Error(`relation type not in the graph model: ${bad ?? '(none)'}`);
  return `:${list.join('|')}`;
}
/**
 * Cypher predicate: place `v` is a home for some source, whoever can see it (graph-schema
 * `isHomeCypher`: the node's kind and place facts, a RESIDES_AT edge, a residence trace). Layers
 * leave homes out of facilities by it (a home is never a facility, whoever says so) and place a
 * home at its cell in their counts (`HOME_ANY` in `layers.ts`: its residence test bound once per
 * answer); spatial filters use the per-viewer `HOME_FOR_VIEWER` instead.
 */
export const IS_HOME = isHomeCypher;

/** Place `v`'s node kind is `home` by a vote the viewer (`$vs`) may know (graph-schema `nodeKindHomeForSourcesCypher`). */
const NODE_KIND_HOME_FOR_VIEWER = (v: string) => nodeKindHomeForSourcesCypher(v, '$vs');

/**
 * Cypher predicate: place `v` is a home as the viewer (`$vs`) may know it — its node's kind by a
 * visible vote (`NODE_KIND_HOME_FOR_VIEWER`), or a source the viewer sees says so. Spatial filters
 * (co-location radii, collision circles and polygons) compare such a place at its ~1 km cell, as
 * this viewer's answers show it; a home known only from sources the viewer cannot see is, for this
 * viewer, the place its visible records show.
 * Read from the place facts on the node (`homeSources`: the sources of which some record mentions
 * `home`, a superset of those with a record in the role `home` or a `RESIDES_AT` edge) — one
 * property read, whatever the place's degree, where the edge tests scan a hub's records and visits.
 * A place without facts (`recordRoles` absent) is tested on its edges of visible sources: a record
 * in the role `home`, a `RESIDES_AT` edge, a residence trace (slow, never laxer).
 *
 * Early-warning rules use graph-schema `isHomeForSourcesCypher` (same node-kind term): it reads the
 * role `home` from `recordRoles` and scans RESIDES_AT and residence traces, where this reads the
 * facts' `homeSources` (the record window's `home` hint) and scans edges only for a place without
 * facts — the answers' test must agree with the record window (place-facts-writers,
 * server-profile-place-facts).
 */
export const HOME_FOR_VIEWER = (v: string) =>
  `(${NODE_KIND_HOME_FOR_VIEWER(v)} OR CASE WHEN ${v}.recordRoles IS NULL THEN
     (EXISTS { MATCH (${v})<-[hx:RESIDES_AT]-() WHERE hx.source IN $vs }
      OR EXISTS { MATCH ${VISIBLE_RECORDS(v, 'hr', 'hrec')} AND hr.role = 'home' }
      OR EXISTS { MATCH (${v})<-[hv:VISITED {kind: 'residence'}]-() WHERE hv.source IN $vs })
   ELSE any(hs IN coalesce(${v}.homeSources, []) WHERE hs IN $vs) END)`;
