/**
 * Early-warning rules (预警) as the pipeline's evaluator needs them: active rules following touched
 * entities (through merges), the sightings that may fire them, and their hits (merged on a key, so a batch
 * delivered twice or evaluated twice fires once). Rules themselves are kept by the server's API.
 */
import { Label, pointSourceCypher, provenanceSourceCypher } from '@onemap/graph-schema';
import {
  currentEidCypher,
  currentEidsCypher,
  eidsLeadingToCypher,
  type Graph,
  isHomeCypher,
  isHomeForSourcesCypher,
  pointStatedBySourcesCypher,
  pointStatingSourcesCypher,
  readTx,
  visitsAtPlaceCypher,
  writeTx,
} from '@onemap/graph-schema/server';

/** One active, unexpired rule (its kind-specific settings as stored). */
export interface WarningRuleRow {
  id: string;
  kind: 'area' | 'checkpoint' | 'meet' | 'gather' | 'cotravel';
  unitCode: string;
  subjects: string[];
  /** area: JSON `{polygon}` or `{prefix}` (a jurisdiction's county-code prefix). */
  areaJson: string | null;
  trigger: 'enter' | 'leave' | 'both' | null;
  placeEids: string[] | null;
  windowMinutes: number | null;
  minCount: number | null;
  /** cotravel: companions the subjects already had, by edges the rule's view saw, when it was made (never "new"). */
  knownCompanions: string[] | null;
  /**
   * The sources the rule is evaluated in the view of (its creator's when it was made; null for a
   * rule made before views were kept: every source): the sighting before one, and a companion,
   * come only from them, so no hidden record decides whether the unit is alerted.
   */
  viewSources: string[] | null;
}

/** A sighting (VISITED edge) with its place as the rule's view knows it (`placeInView`), and the subject's sighting just before it in that view. */
export interface SightingRow {
  eid: string;
  rid: string;
  source: string;
  at: string;
  kind: string;
  placeEid: string;
  /** The place's point, when chosen from a source of the view (or not recorded); else null. */
  lon: number | null;
  lat: number | null;
  /** The source the place's point was chosen from (null: not recorded, or outside the view): a polygon rule's hit names it. */
  pointSource: string | null;
  /** The place's county code, when chosen from a source of the view (or not recorded); else null. */
  unitCode: string | null;
  /** The source the place's county code was chosen from (null: not recorded, or outside the view): a jurisdiction rule's hit names it. */
  divisionSource: string | null;
  /** The place's kind, when chosen from a source of the view (or not recorded); else null. */
  placeKind: string | null;
  /** The source the place's kind was chosen from (null: not recorded, or outside the view): a checkpoint rule's hit names it. */
  kindSource: string | null;
  /** A home as the view may know it (`isHomeForSourcesCypher`): placed at its ~1 km cell, as the view's answers show it. */
  home: boolean;
  prev: PlaceAt | null;
}

/** The sighting before, where it was (the same facts of its place). */
export type PlaceAt = Pick<SightingRow, 'rid' | 'source' | 'placeEid' | 'lon' | 'lat' | 'pointSource' | 'unitCode' | 'divisionSource' | 'placeKind' | 'home'>;

/**
 * Cypher map: place `v` as the view `vs` (a Cypher list expression; null: every source, for rules
 * made before views were kept) knows it — the facts an area or checkpoint rule reads, each with
 * the source it came from. A node value (point, county code, kind) is merged over every source,
 * so it is read only where it was chosen from a source of the view (none recorded counts as
 * visible, as the server's `VISIBLE_POINT` / `VISIBLE_DIVISION` read it); the point also when a
 * record of a view's source states it (place facts `pointStatements`: a hidden record stating the
 * same point last took its provenance), the hit then naming that source as the point's; home-ness
 * only from the view's sources. What only a hidden source says about a place neither fires nor
 * suppresses a hit.
 */
function placeInView(v: string, vs: string): string {
  const inView = (source: string) => `(${vs} IS NULL OR coalesce(${source} IN ${vs}, true))`;
  const pointSource = pointSourceCypher(v);
  const divisionSource = provenanceSourceCypher(v, 'unitCode');
  const kindSource = provenanceSourceCypher(v, 'placeKind');
  const ifInView = (source: string, value: string) => `CASE WHEN ${inView(source)} THEN ${value} END`;
  const pointSeen = `(${inView(pointSource)} OR ${pointStatedBySourcesCypher(v, vs)})`;
  const ifPointSeen = (value: string) => `CASE WHEN ${pointSeen} THEN ${value} END`;
  return `{placeEid: ${v}.eid,
    lon: ${ifPointSeen(`${v}.location.x`)}, lat: ${ifPointSeen(`${v}.location.y`)},
    pointSource: CASE WHEN ${inView(pointSource)} THEN ${pointSource} ELSE ${pointStatingSourcesCypher(v, vs)}[0] END,
    unitCode: ${ifInView(divisionSource, `${v}.unitCode`)}, divisionSource: ${ifInView(divisionSource, divisionSource)},
    placeKind: ${ifInView(kindSource, `${v}.placeKind`)}, kindSource: ${ifInView(kindSource, kindSource)},
    home: CASE WHEN ${vs} IS NULL THEN ${isHomeCypher(v)} ELSE ${isHomeForSourcesCypher(v, vs)} END}`;
}

/** A hit to record; `key` makes it idempotent. */
export interface WarningHitRow {
  key: string;
  ruleId: string;
  kind: string;
  unitCode: string;
  at: string;
  eids: string[];
  placeEid: string | null;
  sources: string[];
  rids: string[];
  detail: string;
}

/** The active rules that follow the entities a batch touched, and where each touched eid leads now. */
export interface ActiveWarningRules {
  /** subjects, known companions and checkpoints as the eids their entities have now (distinct) */
  rules: WarningRuleRow[];
  /** each touched eid → the eid its entity has now (itself, or its survivor when merged away since the write) */
  current: Map<string, string>;
}

/**
 * Active, unexpired rules of `kinds` that follow any of the entities `eids` name now. A rule is of
 * real-world entities, not of eids (as a watch is: graph-schema `watches.ts`): it keeps the eids it
 * was made on, and is read here with each subject, known companion and checkpoint where it leads
 * now through the merge redirects (`currentEidCypher`: an analyst's merge and its chains, the pipeline's merge;
 * an undone merge's eid is its own again). A touched eid merged away just after the write is
 * followed too: its survivor's rules are its rules.
 *
 * Cost, one read: none per touched eid when no rule of `kinds` is active (the rules are looked at
 * first, by label, up to the first active one); else per touched eid two index seeks (where it leads; what leads to that) and nothing
 * more when nothing was merged; the rules are scanned by label with a list test against those eids
 * (no seek per rule); each rule that follows a touched entity then costs one seek per subject (and
 * per checkpoint of a checkpoint rule, per known companion of a co-travel rule; one more per
 * redirect hop of one merged away).
 */
export async function readActiveWarningRules(
  graph: Graph,
  eids: string[],
  kinds: readonly WarningRuleRow['kind'][],
): Promise<ActiveWarningRules> {
  if (!eids.length) return { rules: [], current: new Map() };
  return readTx(graph, async (tx) => {
    const r = await tx.run(
      // no active rule of these kinds (the usual case after most writes): no touched eid is followed
      `UNWIND CASE WHEN EXISTS { MATCH (w:WarningRule) WHERE w.active AND w.expiresAt > datetime() AND w.kind IN $kinds } THEN $eids ELSE [] END AS eid
       WITH eid, ${currentEidCypher('eid')} AS current
       WITH eid, current, ${eidsLeadingToCypher('current')} AS same
       WITH collect({eid: eid, current: current}) AS touched, reduce(acc = [], s IN collect(same) | acc + s) AS following
       RETURN touched, COLLECT {
         MATCH (w:WarningRule) WHERE w.active AND w.expiresAt > datetime() AND w.kind IN $kinds AND any(s IN w.subjects WHERE s IN following)
         RETURN w {.id, .kind, .unitCode, .areaJson, .trigger, .windowMinutes, .minCount, .viewSources,
                   subjects: ${currentEidsCypher('w.subjects')},
                   placeEids: CASE WHEN w.placeEids IS NULL THEN null ELSE ${currentEidsCypher('w.placeEids')} END,
                   knownCompanions: CASE WHEN w.knownCompanions IS NULL THEN null ELSE ${currentEidsCypher('w.knownCompanions')} END}
       } AS rules`,
      { eids, kinds: [...kinds] },
    );
    const row = r.records[0];
    if (!row) return { rules: [], current: new Map() };
    const distinct = (xs: string[] | null) => (xs === null ? null : [...new Set(xs)]);
    const rules = (row.get('rules') as WarningRuleRow[]).map((w) => ({
      ...w,
      subjects: distinct(w.subjects) ?? [],
      placeEids: distinct(w.placeEids),
      knownCompanions: distinct(w.knownCompanions),
    }));
    const current = new Map((row.get('touched') as { eid: string; current: string }[]).map((t) => [t.eid, t.current]));
    return { rules, current };
  });
}

/**
 * The sightings written under `rids` for subjects `eids` that the view `vs` of their item sees
 * (null: any source) — the view of the rules it is evaluated for; a sighting of a source outside
 * it is no sighting for those rules. Each comes with its place as that view knows it and the
 * subject's sighting just before it in that view (null for the subject's first: the sighting is
 * still evaluated).
 */
export async function readSightings(graph: Graph, items: { eid: string; rid: string; vs: string[] | null }[]): Promise<(SightingRow & { vs: string[] | null })[]> {
  if (!items.length) return [];
  return readTx(graph, async (tx) => {
    const r = await tx.run(
      `UNWIND $items AS it
       MATCH (s:Entity {eid: it.eid})-[v:VISITED {rid: it.rid}]->(p:Place)
       WHERE it.vs IS NULL OR v.source IN it.vs
       OPTIONAL CALL (s, v, it) {
         MATCH (s)-[u:VISITED]->(q:Place) WHERE u.at < v.at AND (it.vs IS NULL OR u.source IN it.vs)
         WITH u, q ORDER BY u.at DESC LIMIT 1
         WITH u, ${placeInView('q', 'it.vs')} AS place
         RETURN place {.*, rid: u.rid, source: u.source} AS prev
       }
       RETURN s.eid AS eid, v.rid AS rid, v.source AS source, toString(v.at) AS at, v.kind AS kind, ${placeInView('p', 'it.vs')} AS place, prev, it.vs AS vs`,
      { items },
    );
    return r.records.map((x) => {
      const { place, ...row } = x.toObject() as Omit<SightingRow, keyof PlaceAt> & { place: PlaceAt; prev: PlaceAt | null; vs: string[] | null };
      return { ...row, ...place } as SightingRow & { vs: string[] | null };
    });
  });
}

/**
 * Sightings of any of `eids` (distinct: a rule's subjects) at `placeEid` within ±`minutes` of `at`, of sources the view `vs`
 * sees (null: any source) — a hidden sighting neither makes nor completes a meeting or gathering.
 * Read by the `(place, at)` index (`visitsAtPlaceCypher`): the place's visits in the window, never
 * a hub's every visit nor a subject's every sighting.
 */
export async function readSightingsNear(
  graph: Graph,
  p: { placeEid: string; eids: string[]; at: string; minutes: number; vs: string[] | null },
) {
  return readTx(graph, async (tx) => {
    const r = await tx.run(
      `${visitsAtPlaceCypher({ subject: 's:Entity', visit: 'v', placeEid: '$placeEid', from: 'datetime($at) - duration({minutes: $minutes})', to: 'datetime($at) + duration({minutes: $minutes})' })}
         AND s.eid IN $eids AND ($vs IS NULL OR v.source IN $vs)
       RETURN s.eid AS eid, v.rid AS rid, v.source AS source, toString(v.at) AS at ORDER BY v.at, v.rid`,
      p,
    );
    return r.records.map((x) => x.toObject() as { eid: string; rid: string; source: string; at: string });
  });
}

/** Companions (CO_TRAVELED, either direction) of `eid`, with the sources the edge was derived from. */
export async function readCompanions(graph: Graph, eids: string[]) {
  return readTx(graph, async (tx) => {
    const r = await tx.run(
      `UNWIND $eids AS eid
       MATCH (a:Person {eid: eid})-[c:CO_TRAVELED]-(b:Person)
       RETURN a.eid AS eid, b.eid AS other, coalesce(c.sources, []) AS sources, toString(c.last) AS last`,
      { eids },
    );
    return r.records.map((x) => x.toObject() as { eid: string; other: string; sources: string[]; last: string | null });
  });
}

/**
 * The pairs co-travel rules `ruleIds` have fired for, each `<ruleId>|<subject>+<companion>` by the
 * eids those entities have now (`currentEidsCypher`): a companion a rule fired for, merged into
 * another entity since (or whose subject was), is not new again. One seek on `warning_hit_rule`
 * per rule, one per eid of each of its hits.
 */
export async function readFiredPairs(graph: Graph, ruleIds: string[]): Promise<Set<string>> {
  if (!ruleIds.length) return new Set();
  return readTx(graph, async (tx) => {
    const r = await tx.run(
      `UNWIND $ruleIds AS id
       MATCH (h:WarningHit {ruleId: id}) WHERE h.kind = 'cotravel'
       RETURN id, ${currentEidsCypher('h.eids')} AS eids`,
      { ruleIds },
    );
    return new Set(r.records.map((x) => `${x.get('id') as string}|${(x.get('eids') as string[]).join('+')}`));
  });
}

/**
 * Records hits; returns those that are new (a key seen before is not fired again). Each new hit is
 * also counted on its rule's `WarningHitTally` for its set of sources (one node per rule and
 * distinct `sources`, migration V058), so the rules page counts what a viewer may see from a few
 * tallies instead of reading every hit a rule ever fired (`listWarningRules`).
 */
export async function writeWarningHits(
  graph: Graph,
  hits: WarningHitRow[],
): Promise<(WarningHitRow & { id: string })[]> {
  if (!hits.length) return [];
  return writeTx(graph, async (tx) => {
    const r = await tx.run(
      `UNWIND $hits AS row
       WITH row.hit AS h, row.sources AS sources, row.sourcesKey AS sourcesKey
       MERGE (n:WarningHit {key: h.key})
       ON CREATE SET n.id = 'H-' + randomUUID(), n.ruleId = h.ruleId, n.kind = h.kind, n.unitCode = h.unitCode, n.at = datetime(h.at),
                     n.eids = h.eids, n.placeEid = h.placeEid, n.sources = h.sources, n.rids = h.rids, n.detail = h.detail,
                     n.firedAt = datetime(), n.fresh = true
       WITH n, h, sources, sourcesKey, coalesce(n.fresh, false) AS fresh
       REMOVE n.fresh
       WITH n, h, sources, sourcesKey WHERE fresh
       MERGE (t:${Label.WarningHitTally} {ruleId: h.ruleId, sourcesKey: sourcesKey})
       ON CREATE SET t.sources = sources, t.hits = 0
       SET t.hits = t.hits + 1, t.lastAt = CASE WHEN t.lastAt IS NULL OR n.at > t.lastAt THEN n.at ELSE t.lastAt END
       RETURN n.id AS id, h AS hit`,
      { hits: hits.map((h) => ({ hit: h, ...tallyOf(h.sources) })) },
    );
    return r.records.map((x) => ({ ...(x.get('hit') as WarningHitRow), id: x.get('id') as string }));
  });
}

/** The tally a hit of `sources` counts on: its distinct sources sorted, and their key (as migration V058 makes it). */
function tallyOf(sources: readonly string[]): { sources: string[]; sourcesKey: string } {
  const sorted = [...new Set(sources)].sort();
  return { sources: sorted, sourcesKey: sorted.join(',') };
}
