import { currentEidCypher, toPlain } from '@onemap/graph-schema/server';
import { read, type Reader } from './reader.ts';
import type { VisibleRecord } from '../access/golden.ts';
import { IDENTIFIER_VALUE_REVERSED, Label, NETWORK_RELATION_TYPES, PLACE_HOME_WORD, PLACE_ROLE_SEPARATOR, provenanceSourceCypher, Rel, reversedValue } from '@onemap/graph-schema';
import { HAS_HIDDEN_SOURCE, HIDDEN_SOURCES, HOME_FOR_VIEWER, IDENTIFIER_SEEN, identifierSeenThrough, KINDS, kindOf, NODE_SUMMARY_FIELDS, relTypes, SEEN_WHOLE, VISIBLE_RECORDS, visibleEdge, visibleEntity } from './cypher.ts';

export interface EntityRow {
  eid: string;
  kind: string;
  props: Record<string, unknown>;
  records: VisibleRecord[];
  visible: boolean;
  /**
   * A place the viewer may know as a home (`HOME_FOR_VIEWER`: its node's kind, or a visible source's
   * record in the role `home`, `RESIDES_AT` edge or residence trace, read from the place facts):
   * what `isHome` adds to the records of the window, so every answer treats the place alike.
   */
  home: boolean;
  /** Every source the entity is known from is visible (`SEEN_WHOLE`): its node's values may stand for what the viewer's records say. */
  seenWhole: boolean;
}

/** Cypher: entity `v` is a place this viewer (`$vs`) may know as a home (false for other kinds). */
const PLACE_HOME = (v: string) => `CASE WHEN ${v}:Place THEN ${HOME_FOR_VIEWER(v)} ELSE false END`;

/**
 * Follows `EidRedirect` nodes (left by merges) to the surviving eid, in one read (`currentEidCypher`).
 * @returns the current eid, and `eid` when it was redirected
 */
export async function resolveEid(graph: Reader, eid: string): Promise<{ eid: string; redirectedFrom: string | null }> {
  return read(graph, async (tx) => {
    const r = await tx.run(`RETURN ${currentEidCypher('$eid')} AS eid`, { eid });
    const cur = r.records[0]?.get('eid') as string;
    return { eid: cur, redirectedFrom: cur === eid ? null : eid };
  });
}

const RECORD_LIMIT = 200;
/** What a record's attrs must contain to hint that a place may be a home (a superset of "a record says home"). */
const HOME_WORD = PLACE_HOME_WORD;
/**
 * Records read before the newest are kept: `limit × RECORD_SCAN_FACTOR` per entity, so a hub
 * (a station with a million sightings) is never sorted whole; Neo4j expands a node's newest
 * relationships first, so for such an entity the answer is the newest of its latest records.
 */
export const RECORD_SCAN_FACTOR = 5;

/**
 * The entity `e`'s visible records in the window every record-reading view uses: the newest
 * `$lim`, chosen among the latest `$lim × $scanFactor` (binds `rt`, `sr`; needs `$vs`, `$lim`,
 * `$scanFactor`).
 */
const RECORD_WINDOW = recordWindow('e', '$lim');

function recordWindow(v: string, lim: string): string {
  return `OPTIONAL MATCH ${VISIBLE_RECORDS(v, 'rt', 'sr')}
         WITH rt, sr LIMIT toInteger(${lim} * $scanFactor)
         WITH rt, sr ORDER BY sr.receivedAt DESC LIMIT toInteger(${lim})`;
}

/** Cypher: a record of a window (`recordWindow`'s `rt`, `sr`) as a `VisibleRecord`, null where the window is empty. */
const WINDOW_RECORD = `CASE WHEN sr IS NULL THEN null ELSE {rid: sr.rid, source: sr.source, receivedAt: toString(sr.receivedAt), role: rt.role, attrs: sr.attrs} END`;

/**
 * The kinds whose record window a profile reads with its neighbours when the node may not name
 * them for the viewer: items and cases, a few per person, commonly named by a source the viewer
 * may not see (a phone by telecom). Persons and organizations are not: a company's or a phone's
 * hundreds of people are mostly named by their node (`nodeValueStands`, an authority's value), and
 * reading every one's window cost more than the statement saved (a 2-hop at 1 M: 1,650 db hits and
 * 15 % of its req/s, docs/api.md "An open loop for `--rate`"); those the node cannot name are read
 * in one more statement, as before.
 */
const WINDOW_KINDS = [Label.Phone, Label.Vehicle, Label.Case] as const;

/**
 * Cypher predicate: entity `v` is of a `WINDOW_KINDS` kind and known from a source the viewer
 * (`$vs`) may not see, so its node alone may not name it: its record window is read with it.
 */
const NAMED_BY_RECORDS = (v: string) => `((${WINDOW_KINDS.map((k) => `${v}:${k}`).join(' OR ')}) AND ${HAS_HIDDEN_SOURCE(v, '$vs')})`;

/**
 * The lines of a query that give each row's entity `v` its record window (`lim` records, as
 * `readEntities` reads them) when its node may not name it for this viewer (`NAMED_BY_RECORDS`):
 * `as` is then a list of `VisibleRecord` maps, else null. Read in the statement that found `v`, not
 * in a statement of its own (needs `$vs`, `$scanFactor`). `w` is bound only when needed: a data
 * dependency, as in `nodeSummaryWindow`.
 */
function recordsWhereNeeded(v: string, lim: string, as: string): string {
  return `WITH *, ${v} IS NOT NULL AND ${NAMED_BY_RECORDS(v)} AS ${as}Needed
         CALL (${v}, ${as}Needed) {
           UNWIND CASE WHEN ${as}Needed THEN [${v}] ELSE [] END AS w
           ${recordWindow('w', lim)}
           RETURN collect(${WINDOW_RECORD}) AS ${as}Window
         }
         WITH *, CASE WHEN ${as}Needed THEN ${as}Window ELSE null END AS ${as}`;
}

/**
 * The body of a `CALL (v) { … }` that says in brief what entity `v`'s visible records in the
 * `lim` window say: their roles and whether any mentions `home` (returns `roles`, `homeHint`;
 * evaluated in the database, so no attrs JSON crosses the wire; needs `$vs`, `$scanFactor`, `$homeWord`).
 * A place whose node keeps its facts (`recordRoles`, graph-schema `place-facts.ts`) reads no
 * record here: `nodeSummaryFields` answers from the facts.
 */
function nodeSummaryWindow(v: string, lim: string): string {
  // The window is read from \`w\`, bound only when the node has no facts: a data dependency, so the
  // planner keeps the window's plan (a predicate on \`${v}\` in the OPTIONAL MATCH made it sort a hub's whole degree).
  return `UNWIND CASE WHEN ${v}.recordRoles IS NULL THEN [${v}] ELSE [] END AS w
         ${recordWindow('w', lim)}
         RETURN [x IN collect(DISTINCT rt.role) WHERE x IS NOT NULL] AS roles,
                any(a IN collect(sr.attrs) WHERE a CONTAINS $homeWord) AS homeHint`;
}

/**
 * A `NodeSummaryRow` of entity `v` as map entries (after `nodeSummaryWindow`): `roles` and
 * `homeHint` from the place facts on the node, kept per source so only the viewer's sources count
 * (needs `$roleSep`), else from the record window.
 */
function nodeSummaryFields(v: string): string {
  return `${NODE_SUMMARY_FIELDS(v)},
          lon: ${v}.location.x, lat: ${v}.location.y, visible: ${visibleEntity(v)},
          roles: CASE WHEN ${v}.recordRoles IS NULL THEN roles
                      ELSE [x IN ${v}.recordRoles WHERE split(x, $roleSep)[0] IN $vs | split(x, $roleSep)[1]] END,
          homeHint: CASE WHEN ${v}.recordRoles IS NULL THEN homeHint ELSE any(s IN coalesce(${v}.homeSources, []) WHERE s IN $vs) END`;
}

function toNodeSummary(o: NodeSummaryRow): NodeSummaryRow {
  return { ...toNeighbour(o), roles: [...new Set(o.roles ?? [])], homeHint: o.homeHint === true };
}

/** A neighbour row as read (`NODE_SUMMARY_FIELDS`), with its name and naming values as strings or absent. */
export function toNeighbour<T extends NeighbourRow>(o: T): T {
  const naming = Object.fromEntries(Object.entries(o.naming ?? {}).filter(([, v]) => v !== null && v !== undefined).map(([k, v]) => [k, String(v)]));
  return { ...o, name: typeof o.name === 'string' ? o.name : null, naming, seenWhole: o.seenWhole === true, hiddenSources: Array.isArray(o.hiddenSources) ? o.hiddenSources : [] };
}

/**
 * Entities with their visible records (newest first, at most `recordLimit` each, chosen among the
 * latest `recordLimit × RECORD_SCAN_FACTOR`); invisible entities come back with `visible: false`.
 * With `followRedirects`, an eid merged away is read where it leads now (`currentEidCypher`, as
 * `resolveEid`) in the same statement; the map is keyed by the eids read.
 */
export async function readEntities(
  graph: Reader,
  eids: readonly string[],
  vs: readonly string[],
  recordLimit = RECORD_LIMIT,
  { followRedirects = false }: { followRedirects?: boolean } = {},
): Promise<Map<string, EntityRow>> {
  if (eids.length === 0) return new Map();
  return read(graph, async (tx) => {
    const r = await tx.run(
      `UNWIND $eids AS asked
       WITH ${followRedirects ? currentEidCypher('asked') : 'asked'} AS id
       MATCH (e:Entity {eid: id})
       CALL (e) {
         ${RECORD_WINDOW}
         RETURN collect(${WINDOW_RECORD}) AS recs
       }
       RETURN e.eid AS eid, ${kindOf('e')} AS kind, properties(e) AS props, recs, ${visibleEntity('e')} AS visible, ${PLACE_HOME('e')} AS home, ${SEEN_WHOLE('e')} AS seenWhole`,
      { eids, vs, kinds: KINDS, lim: recordLimit, scanFactor: RECORD_SCAN_FACTOR },
    );
    const out = new Map<string, EntityRow>();
    for (const x of r.records) {
      out.set(x.get('eid'), {
        eid: x.get('eid'),
        kind: x.get('kind'),
        props: toPlain(x.get('props')) as Record<string, unknown>,
        records: (x.get('recs') as VisibleRecord[]).filter(Boolean),
        visible: x.get('visible') as boolean,
        home: x.get('home') === true,
        seenWhole: x.get('seenWhole') === true,
      });
    }
    return out;
  });
}

export interface IdentifierRow {
  kind: string;
  value: string;
  source: string;
  rid: string | null;
}

export interface RelationRow {
  type: string;
  outgoing: boolean;
  other: string;
  props: Record<string, unknown>;
}

export interface TraceRow {
  at: string;
  until: string | null;
  kind: string;
  source: string;
  rid: string | null;
  placeEid: string;
  placeName: string | null;
  placeKind: string | null;
  lon: number | null;
  lat: number | null;
}

/** A neighbour as the profile summarizes it: its golden values from the node, no record expansion (`NODE_SUMMARY_FIELDS`). */
export interface NeighbourRow {
  eid: string;
  kind: string;
  name: string | null;
  /** The node properties its kind is named by (graph-schema `NAMING_ATTRIBUTES`), those it has. */
  naming: Record<string, string>;
  placeKind: string | null;
  provenance: string | null;
  /** Every source the node is known from is visible (`SEEN_WHOLE`, every kind): its values may be shown from the node. */
  seenWhole: boolean;
  /** The sources the node is known from that the viewer may not see (`HIDDEN_SOURCES`; empty when seen whole): which value of theirs could have voted (`nodeValueStands`). */
  hiddenSources: string[];
}

export interface ProfileRow {
  entity: EntityRow;
  identifiers: IdentifierRow[];
  /**
   * `neighbourRecords`: the neighbour's visible record window (`summaryRecords`, as `readEntities`
   * reads it) when its node may not name it for this viewer (`recordsWhereNeeded`: an item or a
   * case known from a source the viewer may not see), so its summary needs no statement of its own;
   * null when not read.
   */
  relations: (RelationRow & { neighbour: NeighbourRow; neighbourRecords: VisibleRecord[] | null })[];
  traces: TraceRow[];
  /**
   * Node summaries (as `readNodeSummaries` reads them, window `summaryRecords`) of the traces'
   * places and of the neighbours that are places, each once.
   */
  places: NodeSummaryRow[];
  sources: { source: string; records: number; lastReceivedAt: string | null }[];
  /** The per-source counts stopped at `sourceScan` records: there are more (a hub's counts are a lower bound). */
  sourcesTruncated: boolean;
}

/**
 * A whole profile in ONE query (one round trip): the entity with its newest visible records,
 * visible identifiers, direct relations through typed expansions (never VISITED, so a hub's
 * sightings are not walked) with each neighbour's golden values, the newest visible traces (among
 * the first `traces × RECORD_SCAN_FACTOR` expanded), the node summaries of the traces' places and
 * of the neighbours that are places (what `placeViews` and `summaries` would read in statements of
 * their own), and per-source record counts over at most `sourceScan` records. Every part is filtered by `$vs` and limited inside its subquery, so nothing
 * read grows with the entity's degree (a station's million sightings, a phone shared by thousands).
 * @returns null when there is no entity with this eid (a merged-away eid: follow `resolveEid`)
 */
export async function readProfile(
  graph: Reader,
  eid: string,
  vs: readonly string[],
  limits: { records: number; relations: number; traces: number; sourceScan: number; summaryRecords: number },
): Promise<ProfileRow | null> {
  return read(graph, async (tx) => {
    const r = await tx.run(
      `MATCH (e:Entity {eid: $eid})
       CALL (e) {
         // ONE expansion of the visible records serves the record window (its first
         // $recLim × $scanFactor) and the per-source counts (its first $srcScan): the same rows
         // in the same order as two expansions would read, each read once.
         OPTIONAL MATCH ${VISIBLE_RECORDS('e', 'rt', 'sr')}
         WITH rt, sr LIMIT toInteger(CASE WHEN $srcScan > $recLim * $scanFactor THEN $srcScan ELSE $recLim * $scanFactor END)
         WITH collect(CASE WHEN sr IS NULL THEN null ELSE {rt: rt, sr: sr, source: sr.source, at: sr.receivedAt} END) AS scanned
         CALL (scanned) {
           UNWIND scanned[0..toInteger($recLim * $scanFactor)] AS x
           WITH x ORDER BY x.at DESC LIMIT toInteger($recLim)
           RETURN collect({rid: x.sr.rid, source: x.source, receivedAt: toString(x.at), role: x.rt.role, attrs: x.sr.attrs}) AS recs
         }
         CALL (scanned) {
           UNWIND scanned[0..toInteger($srcScan)] AS x
           WITH x.source AS source, count(*) AS n, max(x.at) AS last
           WITH source, n, last ORDER BY source
           RETURN collect({source: source, records: n, lastReceivedAt: toString(last)}) AS sources, sum(n) AS counted
         }
         RETURN recs, sources, counted >= $srcScan AS sourcesTruncated
       }
       CALL (e) {
         OPTIONAL MATCH (e)-[h:HAS_IDENTIFIER]->(i:Identifier)
         WITH i, ${IDENTIFIER_SEEN('h')} AS seen
         WITH i, seen WHERE seen IS NOT NULL
         WITH i, seen ORDER BY i.kind, i.value
         RETURN collect({kind: i.kind, value: i.value, source: seen.source, rid: seen.rid}) AS ids
       }
       CALL (e) {
         OPTIONAL MATCH (e)-[r${relTypes(NETWORK_RELATION_TYPES)}]-(o:Entity)
         WHERE ${visibleEdge('r')} AND ${visibleEntity('o')}
         WITH r, o LIMIT toInteger($relLim)
         // a phone, vehicle or case its node may not name for this viewer: its record window here
         ${recordsWhereNeeded('o', '$sumLim', 'oRecords')}
         RETURN collect(CASE WHEN r IS NULL THEN null ELSE {type: type(r), outgoing: startNode(r) = e, other: o.eid, props: properties(r),
                 neighbour: {${NODE_SUMMARY_FIELDS('o')}}, neighbourRecords: oRecords} END) AS rels,
                collect(DISTINCT CASE WHEN o:Place THEN o END) AS relPlaces
       }
       CALL (e) {
         OPTIONAL MATCH (e)-[v:VISITED]->(p:Place) WHERE v.source IN $vs
         WITH v, p LIMIT toInteger($trLim * $scanFactor)
         WITH v, p ORDER BY v.at DESC LIMIT toInteger($trLim)
         RETURN collect(CASE WHEN v IS NULL THEN null ELSE {at: toString(v.at), until: toString(v.until), kind: v.kind, source: v.source, rid: v.rid,
                 placeEid: p.eid, placeName: p.name, placeKind: p.placeKind, lon: p.location.x, lat: p.location.y} END) AS traces,
                collect(DISTINCT p) AS tracePlaces
       }
       CALL (tracePlaces, relPlaces) {
         UNWIND tracePlaces + relPlaces AS pl
         WITH DISTINCT pl
         CALL (pl) {
           ${nodeSummaryWindow('pl', '$sumLim')}
         }
         RETURN collect({${nodeSummaryFields('pl')}}) AS places
       }
       RETURN e.eid AS eid, ${kindOf('e')} AS kind, properties(e) AS props, ${visibleEntity('e')} AS visible, ${PLACE_HOME('e')} AS home, ${SEEN_WHOLE('e')} AS seenWhole, recs, ids, rels, traces, places, sources, sourcesTruncated`,
      { eid, vs, kinds: KINDS, recLim: limits.records, relLim: limits.relations, trLim: limits.traces, srcScan: limits.sourceScan, sumLim: limits.summaryRecords, scanFactor: RECORD_SCAN_FACTOR, homeWord: HOME_WORD, roleSep: PLACE_ROLE_SEPARATOR },
    );
    const x = r.records[0];
    if (!x) return null;
    const plain = toPlain(x.toObject()) as {
      eid: string;
      kind: string;
      props: Record<string, unknown>;
      visible: boolean;
      home: boolean | null;
      seenWhole: boolean | null;
      recs: (VisibleRecord | null)[];
      ids: (IdentifierRow | null)[];
      rels: ((RelationRow & { neighbour: NeighbourRow; neighbourRecords: (VisibleRecord | null)[] | null }) | null)[];
      traces: (TraceRow | null)[];
      places: NodeSummaryRow[];
      sources: { source: string; records: number; lastReceivedAt: string | null }[];
      sourcesTruncated: boolean;
    };
    const nonNull = <T>(a: (T | null)[]): T[] => a.filter((v): v is T => v !== null);
    return {
      entity: { eid: plain.eid, kind: plain.kind, props: plain.props, records: nonNull(plain.recs), visible: plain.visible, home: plain.home === true, seenWhole: plain.seenWhole === true },
      identifiers: nonNull(plain.ids),
      relations: nonNull(plain.rels).map((rel) => ({ ...rel, neighbour: toNeighbour(rel.neighbour), neighbourRecords: rel.neighbourRecords ? nonNull(rel.neighbourRecords) : null })),
      traces: nonNull(plain.traces),
      places: plain.places.map(toNodeSummary),
      sources: plain.sources,
      sourcesTruncated: plain.sourcesTruncated === true,
    };
  });
}

/**
 * The full-text indexes search reads (migrations V003, V049): `main` over names, a person's golden
 * Pinyin (`namePinyin`) and `searchText` (names and identifiers); `pinyin` over a person's Pinyin
 * words (`pinyinKeys`: syllable groups, joined, initials).
 */
export const SEARCH_INDEXES = { main: 'entity_search', pinyin: 'entity_pinyin' } as const;

/**
 * Cypher predicate: the string `value`, lower-cased and without what a term's normalization drops
 * (`$strip`), holds the guarded term `g.t`; a term the full-text lookup matches with one typo
 * (`g.fuzzy`) one half of it, so a plate or an ID typed with one wrong character still finds its
 * holder.
 */
const HOLDS_TERM = (value: string) => {
  const v = `reduce(s = toLower(${value}), c IN $strip | replace(s, c, ''))`;
  return `(${v} CONTAINS g.t OR (g.fuzzy AND (${v} CONTAINS left(g.t, size(g.t) / 2) OR ${v} CONTAINS substring(g.t, size(g.t) / 2))))`;
};

/**
 * Cypher: the full-text index's `node, score` rows of the kinds asked for, visible through `$vs` (params `$index`, `$q`, `$raw`, `$kindsFilter`).
 * The full-text indexes are updated after each commit (eventually consistent, migration V059: the
 * writes' commits no longer pay Lucene's refresh), so the query first waits for the updates of
 * every transaction committed before it: a search still finds what was written before it began.
 */
const VISIBLE_CANDIDATES = `CALL db.index.fulltext.awaitEventuallyConsistentIndexRefresh()
       CALL db.index.fulltext.queryNodes($index, $q, {limit: toInteger($raw)}) YIELD node, score
       WITH node, score, node.inSources AS ins
       WHERE ($kindsFilter IS NULL OR any(l IN labels(node) WHERE l IN $kindsFilter)) AND ${visibleEntity('node', 'ins')}
         AND all(g IN $guardedTerms WHERE
           (coalesce(${provenanceSourceCypher('node', 'name')} IN $vs, true) AND ${HOLDS_TERM('node.name')}
             AND (node:${Label.Organization}
               OR (node:${Label.Place} AND (NOT coalesce(${HOME_FOR_VIEWER('node')}, false)
                 OR coalesce(${provenanceSourceCypher('node', 'name')} IN $plainHomeAddressSources, false)))))
           OR EXISTS {
             MATCH (node)-[h:HAS_IDENTIFIER]->(i:${Label.Identifier})
             WHERE ${HOLDS_TERM('i.value')} AND ${identifierSeenThrough('h', 'coalesce($plainIdSources[i.kind], [])')} IS NOT NULL
           }
           OR EXISTS {
             MATCH (node)-[hp:${Rel.HasPhone}]->(:${Label.Entity})-[:HAS_IDENTIFIER]->(i:${Label.Identifier} {kind: 'phone'})
             WHERE hp.source IN coalesce($plainIdSources.phone, []) AND ${HOLDS_TERM('i.value')}
           })`;

/**
 * What a search's candidates must also hold, so that none is found by what the viewer may not read
 * in plain: a full-text index holds every source's identifiers (`searchText`), and a candidate found
 * by a hidden or masked one was checked and refused — more statements than no candidate, so a guess
 * of a masked ID's or phone's hidden digits could be confirmed by the answer's time. A term that
 * may be such a guess (`isGuardedTerm` in services/search.ts: one holding a digit) must lie in a
 * value the viewer reads in plain: an identifier, the phone of a `HAS_PHONE` edge of a source where
 * phones are plain, or an organization's or a venue's golden name chosen from a visible source (a
 * person's, phone's, vehicle's or case's name is no free text; a home's is its address, masked for
 * many viewers: a place the viewer knows as a home, `HOME_FOR_VIEWER`, passes by its name only
 * when that name came from a source whose home addresses the viewer reads in plain).
 */
export interface CandidateGuard {
  /** the query's terms (normalized) that must lie in a value the viewer reads in plain (empty: no condition); `fuzzy`: one half of it will do */
  guardedTerms: readonly { t: string; fuzzy: boolean }[];
  /** per identifier kind, the visible sources whose values of it the viewer reads in plain */
  plainIdSources: Readonly<Record<string, readonly string[]>>;
  /** the visible sources whose home addresses (a home's name is one) the viewer reads in plain */
  plainHomeAddressSources: readonly string[];
  /** what a term's normalization drops (services/search.ts `NORM_DROPPED`), dropped from a value before it is compared */
  strip: readonly string[];
}

/** No condition past visibility (tests, and queries without a term holding a digit). */
export const NO_CANDIDATE_GUARD: CandidateGuard = { guardedTerms: [], plainIdSources: {}, plainHomeAddressSources: [], strip: [] };

/**
 * Full-text candidates from one of `SEARCH_INDEXES` (default `entity_search`), kept only when
 * visible through `$vs`: eids and Lucene scores only, capped by the index (`limit`) before anything
 * is read per candidate.
 * @param lucene an escaped Lucene query
 */
export async function searchCandidates(graph: Reader, lucene: string, kinds: readonly string[] | null, vs: readonly string[], cap: number, index: keyof typeof SEARCH_INDEXES = 'main', guard: CandidateGuard = NO_CANDIDATE_GUARD) {
  return read(graph, async (tx) => {
    const r = await tx.run(
      `${VISIBLE_CANDIDATES}
       RETURN node.eid AS eid, score LIMIT toInteger($cap)`,
      { index: SEARCH_INDEXES[index], q: lucene, raw: cap * 4, kindsFilter: kinds, vs, cap, ...guard },
    );
    return r.records.map((x) => x.toObject() as { eid: string; score: number });
  });
}

/**
 * The first `window` of `searchCandidates`' candidates in their scan order (Lucene score, then eid),
 * and how many there are in all (at most `cap`): the same candidates, read and sorted in the
 * database, so only the head crosses the wire. A caller that needs more reads them all.
 */
export async function searchCandidateHead(graph: Reader, lucene: string, kinds: readonly string[] | null, vs: readonly string[], cap: number, window: number, index: keyof typeof SEARCH_INDEXES = 'main', guard: CandidateGuard = NO_CANDIDATE_GUARD) {
  return read(graph, async (tx) => {
    const r = await tx.run(
      `${VISIBLE_CANDIDATES}
       WITH node, score LIMIT toInteger($cap)
       WITH node.eid AS eid, score ORDER BY score DESC, eid ASC
       WITH collect({eid: eid, score: score}) AS found
       RETURN size(found) AS count, found[0..toInteger($window)] AS head`,
      { index: SEARCH_INDEXES[index], q: lucene, raw: cap * 4, kindsFilter: kinds, vs, cap, window, ...guard },
    );
    const row = r.records[0];
    return { head: (row?.get('head') ?? []) as { eid: string; score: number }[], count: toPlain(row?.get('count') ?? 0) as number };
  });
}

/** A search candidate as its node and edges describe it: golden values, visible identifiers, whether its visible records fit the record window, its name's record. */
export interface SearchNodeRow {
  eid: string;
  kind: string;
  name: string | null;
  namePinyin: string | null;
  provenance: string | null;
  /**
   * Identifiers through edges of visible sources: all of them, or for a person or organization read
   * without them (`withIdentifiers` false) only those of the kinds always read (`alwaysIdKinds`).
   */
  identifiers: { kind: string; value: string; source: string }[];
  /** Every visible record is within `recordLimit` (the record window holds them all). */
  recordsFit: boolean;
  /**
   * The record the golden name came from, as the provenance names it (read in the database, so the
   * caller must check `rid` against its own reading of `provenance`), and its roles for this
   * entity when it is of a visible source (empty: not visible); for an entity not seen whole, its
   * `attrs` too (the Pinyin the viewer's records give its name: the node's is the first record
   * stating the name's, maybe a hidden one). Null: a kind other than person or organization, or no
   * name provenance.
   */
  nameRecord: { rid: string; roles: { source: string; role: string }[]; attrs?: string | null } | null;
  /**
   * Every source the entity is known from is visible (`HAS_HIDDEN_SOURCE`, for every kind, places
   * too): only then are its golden name and Pinyin, chosen over every source, the viewer's own, and
   * may they decide or rank a match. Else the viewer's golden values come from its visible records,
   * unless the golden name still stands for them (`nodeValueStands`, from `hiddenSources`).
   */
  seenWhole: boolean;
  /** The sources the entity is known from that the viewer may not see (`HIDDEN_SOURCES`). */
  hiddenSources: string[];
  /** The node's `inSources` (every source it is known from, hidden ones too: read by the server only), null when it has none. */
  inSources: string[] | null;
  /** The node's values of the properties asked for (`detailProperties`), absent when the node has none. */
  details: Record<string, unknown>;
}

/**
 * The rid of entity `v`'s golden name's record, cut out of its `provenance` JSON
 * (`{"name":{"source":…,"rid":"…"},…}`, as the writers serialize it; a quote inside a JSON string
 * is escaped, so `"name":{` only ever starts the key); null when there is none. The caller checks it
 * against `JSON.parse(provenance)`: a cut that went wrong is a lookup missed, never a wrong answer.
 */
function nameRidOf(v: string): string {
  return `split(split(split(${v}.provenance, '"name":{')[1], '"rid":"')[1], '"')[0]`;
}

/**
 * Search candidates from their nodes, for matching before any record is read, in ONE statement:
 * per visible entity its golden name and Pinyin with provenance, its visible identifiers, whether
 * its visible records all fit in `recordLimit` (the degree when that is small enough, a bounded
 * count of visible records only past it) and — for persons and organizations — its golden name's
 * record (a unique-index seek on `SourceRecord.rid`) with its roles when of a visible source (the
 * record's own `RESOLVED_TO` edges, expanded from the record), and whether the viewer sees it whole.
 * Invisible entities are absent.
 * @param withIdentifiers false: skip the identifier edges of persons and organizations (their
 *   identifiers are Latin letters and digits, and no query term has any)
 * @param detailProperties node properties read into `details` (what describes a hit)
 */
export async function readSearchNodes(
  graph: Reader,
  eids: readonly string[],
  vs: readonly string[],
  recordLimit: number,
  withIdentifiers = true,
  detailProperties: readonly string[] = [],
  alwaysIdKinds: readonly string[] = [],
): Promise<Map<string, SearchNodeRow>> {
  if (eids.length === 0) return new Map();
  return read(graph, async (tx) => {
    const r = await tx.run(
      `UNWIND $eids AS id
       MATCH (e:Entity {eid: id}) WHERE ${visibleEntity('e')}
       CALL (e) {
         OPTIONAL MATCH (e)-[h:HAS_IDENTIFIER]->(i:Identifier) WHERE ($withIds OR NOT (e:Person OR e:Organization) OR i.kind IN $alwaysIdKinds)
         WITH i, ${IDENTIFIER_SEEN('h')} AS seen
         WITH i, seen WHERE seen IS NOT NULL
         RETURN collect({kind: i.kind, value: i.value, source: seen.source}) AS identifiers
       }
       CALL (e) {
         WITH e, CASE WHEN e:Person OR e:Organization THEN ${nameRidOf('e')} END AS nameRid
         OPTIONAL MATCH (sr:SourceRecord {rid: nameRid}) WHERE sr.source IN $vs
         // from the record (one or two RESOLVED_TO edges), not into the entity: the planner's
         // Expand(Into) walked the entity's side, ~26 db hits a candidate instead of ~2
         OPTIONAL MATCH (sr)-[rt:RESOLVED_TO]->(x) WHERE elementId(x) = elementId(e)
         RETURN nameRid, sr.attrs AS nameAttrs, collect(CASE WHEN rt IS NULL THEN null ELSE {source: sr.source, role: rt.role} END) AS nameRoles
       }
       WITH e, identifiers, nameRid, nameAttrs, nameRoles, ${HIDDEN_SOURCES('e')} AS hidden
       RETURN e.eid AS eid, [p IN $detailProps | e[p]] AS details, e.inSources AS inSources, ${kindOf('e')} AS kind, e.name AS name, e.namePinyin AS namePinyin, e.provenance AS provenance, identifiers,
              CASE WHEN nameRid IS NULL THEN null
                   ELSE {rid: nameRid, roles: nameRoles, attrs: CASE WHEN size(hidden) = 0 THEN null ELSE nameAttrs END} END AS nameRecord,
              size(hidden) = 0 AS seenWhole, hidden AS hiddenSources,
              CASE WHEN COUNT { (e)<-[:RESOLVED_TO]-() } <= $lim THEN true
                   ELSE size(COLLECT { MATCH ${VISIBLE_RECORDS('e', 'xr', 'x')} RETURN 1 AS one LIMIT toInteger($lim + 1) }) <= $lim END AS recordsFit`,
      { eids, vs, kinds: KINDS, lim: recordLimit, withIds: withIdentifiers, detailProps: detailProperties, alwaysIdKinds: [...alwaysIdKinds] },
    );
    const out = new Map<string, SearchNodeRow>();
    for (const x of r.records) {
      const o = toPlain(x.toObject()) as SearchNodeRow;
      out.set(o.eid, {
        eid: o.eid,
        kind: o.kind,
        name: typeof o.name === 'string' ? o.name : null,
        namePinyin: typeof o.namePinyin === 'string' ? o.namePinyin : null,
        provenance: typeof o.provenance === 'string' ? o.provenance : null,
        identifiers: o.identifiers,
        recordsFit: o.recordsFit === true,
        nameRecord: o.nameRecord && typeof o.nameRecord.rid === 'string' ? o.nameRecord : null,
        seenWhole: o.seenWhole === true,
        hiddenSources: Array.isArray(o.hiddenSources) ? o.hiddenSources : [],
        inSources: Array.isArray(o.inSources) ? o.inSources.map(String) : null,
        details: Object.fromEntries(detailProperties.flatMap((p, i) => {
          const v = (o.details as unknown as unknown[] | undefined)?.[i];
          return v === null || v === undefined ? [] : [[p, v]];
        })),
      });
    }
    return out;
  });
}

/**
 * The roles in which given records resolve to given entities, for records of visible sources only
 * (a unique-index seek on `SourceRecord.rid` each): how the record a golden value came from states it.
 * @returns eid → the record's source and its roles for the entity (absent: not visible, or not this entity's)
 */
export async function readRecordRoles(graph: Reader, pairs: readonly { eid: string; rid: string }[], vs: readonly string[]): Promise<Map<string, { source: string; role: string }[]>> {
  if (pairs.length === 0) return new Map();
  return read(graph, async (tx) => {
    const r = await tx.run(
      `UNWIND $pairs AS p
       MATCH (sr:SourceRecord {rid: p.rid}) WHERE sr.source IN $vs
       MATCH (sr)-[rt:RESOLVED_TO]->(e:Entity) WHERE e.eid = p.eid
       RETURN p.eid AS eid, collect({source: sr.source, role: rt.role}) AS roles`,
      { pairs, vs },
    );
    return new Map(r.records.map((x) => [x.get('eid') as string, x.get('roles') as { source: string; role: string }[]]));
  });
}

/**
 * Entities whose identifier ends with `tail` (the last digits of a resident ID or phone), through
 * identifier edges of visible sources only: a prefix seek on the value reversed (range index
 * `identifier_value_reversed`, V060). Whether the viewer may match that far into a masked value is the caller's check.
 */
/**
 * Entities with an identifier of `idKinds` ending in `tail`, through an edge the viewer sees in the
 * sources `tailSources` gives for its kind: every visible one where the tail lies in what the kind's
 * mask shows, else those the viewer reads the kind in plain (a candidate found through a masked
 * value was checked and refused: the answer's time confirmed its hidden digits).
 */
export async function identifierTailCandidates(graph: Reader, tail: string, idKinds: readonly string[], tailSources: Readonly<Record<string, readonly string[]>>, cap: number) {
  return read(graph, async (tx) => {
    const r = await tx.run(
      `MATCH (i:Identifier) WHERE i.${IDENTIFIER_VALUE_REVERSED} STARTS WITH $reversed AND i.kind IN $idKinds
       WITH i LIMIT toInteger($raw)
       MATCH (e:Entity)-[h:HAS_IDENTIFIER]->(i) WHERE ${identifierSeenThrough('h', 'coalesce($tailSources[i.kind], [])')} IS NOT NULL
       RETURN DISTINCT e.eid AS eid LIMIT toInteger($cap)`,
      { reversed: reversedValue(tail), idKinds, tailSources, raw: cap * 4, cap },
    );
    return r.records.map((x) => x.get('eid') as string);
  });
}

/** An entity's node as summaries use it: golden values and provenance, plus what its visible records say in brief. */
export interface NodeSummaryRow extends NeighbourRow {
  visible: boolean;
  lon: number | null;
  lat: number | null;
  /** Roles (`RESOLVED_TO.role`) of the visible records in the window the record path would read. */
  roles: string[];
  /** Some visible record in that window mentions `home` anywhere in its attrs (a superset of "a record says home"). */
  homeHint: boolean;
}

/**
 * Nodes of entities with their golden values and provenance, for summaries that need no record
 * attrs: per entity one bounded look at its visible records (the same newest-`recordLimit` window
 * as `readEntities`) returns only their roles and whether any mentions `home`, evaluated in the
 * database, so no attrs JSON crosses the wire or gets parsed.
 */
export async function readNodeSummaries(
  graph: Reader,
  eids: readonly string[],
  vs: readonly string[],
  recordLimit = 20,
): Promise<Map<string, NodeSummaryRow>> {
  if (eids.length === 0) return new Map();
  return read(graph, async (tx) => {
    const r = await tx.run(
      `UNWIND $eids AS id
       MATCH (e:Entity {eid: id})
       CALL (e) {
         ${nodeSummaryWindow('e', '$lim')}
       }
       RETURN {${nodeSummaryFields('e')}} AS row`,
      { eids, vs, kinds: KINDS, lim: recordLimit, scanFactor: RECORD_SCAN_FACTOR, homeWord: HOME_WORD, roleSep: PLACE_ROLE_SEPARATOR },
    );
    const out = new Map<string, NodeSummaryRow>();
    for (const x of r.records) {
      const o = toNodeSummary(x.get('row') as NodeSummaryRow);
      out.set(o.eid, o);
    }
    return out;
  });
}
