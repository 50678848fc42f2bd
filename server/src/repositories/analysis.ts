import { coarseHomeLocationCypher, HOME_GRID_DEGREES, HOME_GRID_SLACK_M } from '@onemap/graph-schema';
import { visitsAtPlaceCypher } from '@onemap/graph-schema/server';
import { HOME_FOR_VIEWER, VISIBLE_DIVISION, VISIBLE_POINT, visibleEntity } from './cypher.ts';
import { type Reader, read } from './reader.ts';

/**
 * Caps of the co-location query, named so an answer can say which one it hit:
 * the subject's sightings looked at (earliest first), and places within the radius looked at per sighting.
 */
export const CO_LOCATION_LIMITS = { subjectSightings: 5000, nearbyPlaces: 50 } as const;

/** Caps of one collision window: places within its radius, and subjects hit in it. */
export const WINDOW_HIT_LIMITS = { places: 500, subjects: 20_000 } as const;

/** Cypher point of place `v` as the viewer's answers show it: a home the viewer may know of (`HOME_FOR_VIEWER`) at its ~1 km cell (needs `$vs`). */
const shownLocation = (v: string) => coarseHomeLocationCypher(v, HOME_FOR_VIEWER(v));

/**
 * Places `q` whose position as answers show it lies within `$radius` of `center` (a Cypher point of
 * bound variables or parameters): found by the spatial index with the home grid's slack, then a home
 * compared at its cell — the home test only in the band where a cell and a position can disagree.
 * Every radius over places (collision circles, co-location, "near a case's scene" in series) goes
 * through it, so no radius locates a home more finely than a trajectory shows it, and only places
 * the viewer may see, by a point a visible source states, are found or counted against a cap
 * (needs `$vs`, `$radius`).
 */
export function placesWithin(center: string): string {
  return `MATCH (q:Place) WHERE point.distance(q.location, ${center}) <= $radius + ${HOME_GRID_SLACK_M}
           WITH *, point.distance(q.location, ${center}) AS qd
           WITH * WHERE ${VISIBLE_POINT('q')} AND ${visibleEntity('q')}
             AND CASE WHEN qd <= $radius - ${HOME_GRID_SLACK_M} THEN true
                      ELSE point.distance(${shownLocation('q')}, ${center}) <= $radius END`;
}

/** Which named caps a co-location read hit. */
export interface CoLocationTruncation {
  subjectSightings: boolean;
  nearbyPlaces: boolean;
}

/**
 * Co-location (同地出现): for each visible sighting of the subject, other entities (any kind) with a
 * visible sighting at a place within `radiusM` and within ±`windowMinutes`; counted per other entity.
 * Not the derived `CO_TRAVELED` edge (same place, persons, distinct place-days). Reads `limit + 1`
 * rows so the caller can tell when the answer was cut; `truncatedBy` says which named caps were hit.
 * The others at a place are found by the `(place, at)` index (`visitsAtPlaceCypher`): the visits
 * in the window, not a hub's every visit.
 */
export async function readCoLocation(
  graph: Reader,
  p: { eid: string; from: string; to: string; windowMinutes: number; radiusM: number; minCount: number; limit: number },
  vs: readonly string[],
) {
  return read(graph, async (tx) => {
    const params = { ...p, win: p.windowMinutes, radius: p.radiusM, vs, maxSightings: CO_LOCATION_LIMITS.subjectSightings, maxPlaces: CO_LOCATION_LIMITS.nearbyPlaces };
    const r = await tx.run(
      `MATCH (e:Entity {eid: $eid})-[v:VISITED]->(p:Place)
       WHERE v.source IN $vs AND v.at >= datetime($from) AND v.at < datetime($to)
       WITH e, v, p ORDER BY v.at LIMIT toInteger($maxSightings)
       CALL (p) {
         WITH p, ${shownLocation('p')} AS ps WHERE ${VISIBLE_POINT('p')}
         ${placesWithin('ps')}
         RETURN q LIMIT toInteger($maxPlaces)
         UNION
         RETURN p AS q
       }
       ${visitsAtPlaceCypher({ subject: 'o:Entity', visit: 'w', placeEid: 'q.eid', from: 'v.at - duration({minutes: $win})', to: 'v.at + duration({minutes: $win})' })}
         AND o <> e AND w.source IN $vs
       WITH o, count(DISTINCT v) AS together, min(w.at) AS first, max(w.at) AS last, collect(DISTINCT q.eid)[..10] AS places
       WHERE together >= $minCount
       RETURN o.eid AS eid, together, toString(first) AS first, toString(last) AS last, places
       ORDER BY together DESC, eid LIMIT toInteger($limit) + 1`,
      params,
    );
    const caps = await tx.run(
      `MATCH (e:Entity {eid: $eid})-[v:VISITED]->(p:Place)
       WHERE v.source IN $vs AND v.at >= datetime($from) AND v.at < datetime($to)
       WITH v, p ORDER BY v.at LIMIT toInteger($maxSightings) + 1
       WITH count(v) > $maxSightings AS sightings, collect(DISTINCT p)[..toInteger($maxSightings)] AS places
       RETURN sightings,
              any(p IN places WHERE ${VISIBLE_POINT('p')} AND COUNT { WITH p, ${shownLocation('p')} AS ps ${placesWithin('ps')} RETURN q } > $maxPlaces) AS nearby`,
      params,
    );
    const c = caps.records[0];
    const truncatedBy: CoLocationTruncation = { subjectSightings: Boolean(c?.get('sightings')), nearbyPlaces: Boolean(c?.get('nearby')) };
    return { rows: r.records.map((x) => x.toObject() as { eid: string; together: number; first: string; last: string; places: string[] }), truncatedBy };
  });
}

/** Where a collision window looks: a circle, or the places an area (polygon, jurisdiction) was resolved to. */
export type WindowPlaces = { lon: number; lat: number; radiusM: number } | { placeEids: readonly string[] };

/**
 * Place selection of a window, by mode (fixed fragments, never built from input). A circle finds
 * places by the spatial index with the home grid's slack, then keeps those whose position as
 * the viewer's answers show it lies inside: a home the viewer may know of at its ~1 km cell (`coarseHomeLocationCypher`),
 * so no radius locates a home more finely than its trajectory point.
 */
const WINDOW_PLACES = {
  circle: placesWithin('point({longitude: $lon, latitude: $lat})'),
  listed: 'MATCH (q:Place) WHERE q.eid IN $placeEids',
} as const;

/**
 * Subjects with a visible sighting inside one place/time window, with their first hit there.
 * `truncated` says a cap of `WINDOW_HIT_LIMITS` was hit (more places in the radius, or more subjects).
 * A place's visits in [`from`, `to`) are found by the `(place, at)` index (`visitsAtPlaceCypher`),
 * not by expanding a hub's every visit.
 */
export async function readWindowHits(graph: Reader, w: WindowPlaces & { from: string; to: string }, kinds: readonly string[], vs: readonly string[]) {
  return read(graph, async (tx) => {
    const places = 'placeEids' in w ? WINDOW_PLACES.listed : WINDOW_PLACES.circle;
    const params = { ...w, radius: 'radiusM' in w ? w.radiusM : 0, kinds, vs, maxPlaces: 'placeEids' in w ? w.placeEids.length : WINDOW_HIT_LIMITS.places, maxSubjects: WINDOW_HIT_LIMITS.subjects };
    const r = await tx.run(
      `${places}
       WITH q LIMIT toInteger($maxPlaces)
       ${visitsAtPlaceCypher({ subject: 'o:Entity', visit: 'v', placeEid: 'q.eid', from: 'datetime($from)', before: 'datetime($to)' })}
         AND v.source IN $vs AND any(l IN labels(o) WHERE l IN $kinds)
       WITH o, v, q ORDER BY v.at
       WITH o, collect({at: toString(v.at), placeEid: q.eid, source: v.source})[0] AS hit
       RETURN o.eid AS eid, hit LIMIT toInteger($maxSubjects) + 1`,
      params,
    );
    let cut = false;
    if (!('placeEids' in w)) {
      const more = await tx.run(
        `${places}
         WITH q LIMIT toInteger($maxPlaces) + 1
         RETURN count(q) > $maxPlaces AS cut`,
        params,
      );
      cut = Boolean(more.records[0]?.get('cut'));
    }
    const rows = r.records.map((x) => x.toObject() as { eid: string; hit: { at: string; placeEid: string; source: string } });
    const truncated = rows.length > WINDOW_HIT_LIMITS.subjects || cut;
    return { hits: rows.slice(0, WINDOW_HIT_LIMITS.subjects), truncated };
  });
}

/** Caps of the places an area (polygon, jurisdiction) resolves to before its hits are read. */
export const AREA_PLACE_LIMITS = { places: 5000 } as const;

/**
 * Places the viewer may see (through `vs`), by a point a visible source states, inside a bounding
 * box widened by one home-grid cell (a polygon's, filtered exactly by the caller, who places homes
 * at their cell: `placesInArea`): at most `AREA_PLACE_LIMITS.places` + 1.
 */
export async function readPlacesInBox(graph: Reader, box: { minLon: number; minLat: number; maxLon: number; maxLat: number }, vs: readonly string[]) {
  return read(graph, async (tx) => {
    const d = HOME_GRID_DEGREES;
    const r = await tx.run(
      `MATCH (q:Place)
       WHERE point.withinBBox(q.location, point({longitude: $minLon - ${d}, latitude: $minLat - ${d}}), point({longitude: $maxLon + ${d}, latitude: $maxLat + ${d}}))
         AND ${VISIBLE_POINT('q')} AND ${visibleEntity('q')}
       RETURN q.eid AS eid, q.location.x AS lon, q.location.y AS lat LIMIT toInteger($cap) + 1`,
      { ...box, vs, cap: AREA_PLACE_LIMITS.places * 4 },
    );
    return r.records.map((x) => x.toObject() as { eid: string; lon: number; lat: number });
  });
}

/** Which of these places are a home the viewer may know of (`HOME_FOR_VIEWER`, through `vs`). */
export async function readHomes(graph: Reader, eids: readonly string[], vs: readonly string[]): Promise<Set<string>> {
  if (!eids.length) return new Set();
  return read(graph, async (tx) => {
    const r = await tx.run(`UNWIND $eids AS eid MATCH (q:Place {eid: eid}) WITH q WHERE ${HOME_FOR_VIEWER('q')} RETURN q.eid AS eid`, { eids, vs });
    return new Set(r.records.map((x) => x.get('eid') as string));
  });
}

/** Places the viewer may see (through `vs`) whose county code starts with `prefix` (a jurisdiction): at most `AREA_PLACE_LIMITS.places` + 1. */
export async function readPlacesInJurisdiction(graph: Reader, prefix: string, vs: readonly string[]) {
  return read(graph, async (tx) => {
    const r = await tx.run(`MATCH (q:Place) WHERE q.unitCode STARTS WITH $prefix AND ${VISIBLE_DIVISION('q')} AND ${visibleEntity('q')} RETURN q.eid AS eid LIMIT toInteger($cap) + 1`, {
      prefix,
      vs,
      cap: AREA_PLACE_LIMITS.places,
    });
    return r.records.map((x) => x.get('eid') as string);
  });
}
