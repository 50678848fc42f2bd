/**
 * Early-warning rules (预警) as the pipeline's evaluator needs them: active rules naming touched
 * entities, the sightings that may fire them, and their hits (merged on a key, so a batch
 * delivered twice or evaluated twice fires once). Rules themselves are kept by the server's API.
 */
import { pointSourceCypher, provenanceSourceCypher } from '@onemap/graph-schema';
import { type Graph, isHomeCypher, readTx, writeTx } from '@onemap/graph-schema/server';

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

/** A sighting (VISITED edge) with its place, and the subject's sighting just before it. */
export interface SightingRow {
  eid: string;
  rid: string;
  source: string;
  at: string;
  kind: string;
  placeEid: string;
  lon: number | null;
  lat: number | null;
  /** The source the place's point was chosen from (null: not recorded): a polygon rule's hit needs it visible too. */
  pointSource: string | null;
  unitCode: string | null;
  /** The source the place's county code was chosen from (null: not recorded): a jurisdiction rule's hit needs it visible too. */
  divisionSource: string | null;
  placeKind: string | null;
  /** The source the place's kind was chosen from (null: not recorded): a checkpoint rule's hit needs it visible too. */
  kindSource: string | null;
  /** A home for some source (`isHomeCypher`): placed at its ~1 km cell, as answers show it. */
  home: boolean;
  prev: PlaceAt | null;
}

/** The sighting before, where it was (the same facts of its place). */
export type PlaceAt = Pick<SightingRow, 'rid' | 'source' | 'placeEid' | 'lon' | 'lat' | 'pointSource' | 'unitCode' | 'divisionSource' | 'placeKind' | 'home'>;

/** The facts of place `v` an area or checkpoint rule reads, each with the source it came from. */
const placeFacts = (v: string) =>
  `${v}.location.x AS lon, ${v}.location.y AS lat, ${pointSourceCypher(v)} AS pointSource, ${v}.unitCode AS unitCode,
   ${provenanceSourceCypher(v, 'unitCode')} AS divisionSource, ${v}.placeKind AS placeKind, ${provenanceSourceCypher(v, 'placeKind')} AS kindSource, ${isHomeCypher(v)} AS home`;

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
 * The sightings written under `rids` for subjects `eids`, each with the subject's sighting just
 * before it among the sources `vs` of its item (null: any source) — the view of the rules it is
 * evaluated for.
 */
export async function readSightings(graph: Graph, items: { eid: string; rid: string; vs: string[] | null }[]): Promise<(SightingRow & { vs: string[] | null })[]> {
  if (!items.length) return [];
  return readTx(graph, async (tx) => {
    const r = await tx.run(
      `UNWIND $items AS it
       MATCH (s:Entity {eid: it.eid})-[v:VISITED {rid: it.rid}]->(p:Place)
       CALL (s, v, it) {
         OPTIONAL MATCH (s)-[u:VISITED]->(q:Place) WHERE u.at < v.at AND (it.vs IS NULL OR u.source IN it.vs)
         WITH u, q ORDER BY u.at DESC LIMIT 1
         CALL (q) {
           WITH q WHERE q IS NOT NULL
           RETURN ${placeFacts('q')}
         }
         RETURN CASE WHEN u IS NULL THEN null ELSE {rid: u.rid, source: u.source, placeEid: q.eid, lon: lon, lat: lat, pointSource: pointSource, unitCode: unitCode,
                divisionSource: divisionSource, placeKind: placeKind, home: home} END AS prev
       }
       CALL (p) {
         RETURN ${placeFacts('p')}
       }
       RETURN s.eid AS eid, v.rid AS rid, v.source AS source, toString(v.at) AS at, v.kind AS kind, p.eid AS placeEid,
              lon, lat, pointSource, unitCode, divisionSource, placeKind, kindSource, home, prev, it.vs AS vs`,
      { items },
    );
    return r.records.map((x) => x.toObject() as SightingRow & { vs: string[] | null });
  });
}

/** Sightings of any of `eids` at `placeEid` within ±`minutes` of `at`. */
export async function readSightingsNear(
  graph: Graph,
  p: { placeEid: string; eids: string[]; at: string; minutes: number },
) {
  return readTx(graph, async (tx) => {
    const r = await tx.run(
      `MATCH (q:Place {eid: $placeEid})<-[v:VISITED]-(s:Entity)
       WHERE s.eid IN $eids AND v.at >= datetime($at) - duration({minutes: $minutes}) AND v.at <= datetime($at) + duration({minutes: $minutes})
       RETURN s.eid AS eid, v.rid AS rid, v.source AS source, toString(v.at) AS at ORDER BY v.at`,
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
