/**
 * Early-warning rules (预警) as the pipeline's evaluator needs them: active rules naming touched
 * entities, the sightings that may fire them, and their hits (merged on a key, so a batch
 * delivered twice or evaluated twice fires once). Rules themselves are kept by the server's API.
 */
import { pointSourceCypher, provenanceSourceCypher } from '@onemap/graph-schema';
import { type Graph, isHomeCypher, isHomeForSourcesCypher, pointStatedBySourcesCypher, pointStatingSourcesCypher, readTx, visitsAtPlaceCypher, writeTx } from '@onemap/graph-schema/server';

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

/** Active, unexpired rules naming any of `eids`. Rules are few per unit; the list test is cheap. */
export async function readActiveWarningRules(graph: Graph, eids: string[]): Promise<WarningRuleRow[]> {
  if (!eids.length) return [];
  return readTx(graph, async (tx) => {
    const r = await tx.run(
      `MATCH (w:WarningRule) WHERE w.active AND w.expiresAt > datetime() AND any(s IN w.subjects WHERE s IN $eids)
       RETURN w.id AS id, w.kind AS kind, w.unitCode AS unitCode, w.subjects AS subjects, w.areaJson AS areaJson, w.trigger AS trigger,
              w.placeEids AS placeEids, w.windowMinutes AS windowMinutes, w.minCount AS minCount, w.knownCompanions AS knownCompanions,
              w.viewSources AS viewSources`,
      { eids },
    );
    return r.records.map((x) => x.toObject() as WarningRuleRow);
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

/** Records hits; returns those that are new (a key seen before is not fired again). */
export async function writeWarningHits(
  graph: Graph,
  hits: WarningHitRow[],
): Promise<(WarningHitRow & { id: string })[]> {
  if (!hits.length) return [];
  return writeTx(graph, async (tx) => {
    const r = await tx.run(
      `UNWIND $hits AS h
       MERGE (n:WarningHit {key: h.key})
       ON CREATE SET n.id = 'H-' + randomUUID(), n.ruleId = h.ruleId, n.kind = h.kind, n.unitCode = h.unitCode, n.at = datetime(h.at),
                     n.eids = h.eids, n.placeEid = h.placeEid, n.sources = h.sources, n.rids = h.rids, n.detail = h.detail,
                     n.firedAt = datetime(), n.fresh = true
       WITH n, h, coalesce(n.fresh, false) AS fresh
       REMOVE n.fresh
       WITH n, h WHERE fresh
       RETURN n.id AS id, h AS hit`,
      { hits },
    );
    return r.records.map((x) => ({ ...(x.get('hit') as WarningHitRow), id: x.get('id') as string }));
  });
}
