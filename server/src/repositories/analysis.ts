import { read, type Reader } from './reader.ts';

/**
 * Companions: for each visible sighting of the subject, other subjects with a visible sighting at
 * a place within `radiusM` and within `windowMinutes`; counted per companion.
 */
export async function readCoTravel(
  graph: Reader,
  p: { eid: string; from: string; to: string; windowMinutes: number; radiusM: number; minCount: number; limit: number },
  vs: readonly string[],
) {
  return read(graph, async (tx) => {
    const r = await tx.run(
      `MATCH (e:Entity {eid: $eid})-[v:VISITED]->(p:Place)
       WHERE v.source IN $vs AND v.at >= datetime($from) AND v.at < datetime($to)
       WITH e, v, p ORDER BY v.at LIMIT 5000
       CALL (p) {
         MATCH (q:Place) WHERE point.distance(q.location, p.location) <= $radius
         RETURN q LIMIT 50
         UNION
         RETURN p AS q
       }
       MATCH (q)<-[w:VISITED]-(o:Entity)
       WHERE o <> e AND w.source IN $vs
         AND w.at >= v.at - duration({minutes: $win}) AND w.at <= v.at + duration({minutes: $win})
       WITH o, count(DISTINCT v) AS together, min(w.at) AS first, max(w.at) AS last, collect(DISTINCT q.eid)[..10] AS places
       WHERE together >= $minCount
       RETURN o.eid AS eid, together, toString(first) AS first, toString(last) AS last, places
       ORDER BY together DESC, eid LIMIT toInteger($limit)`,
      { ...p, win: p.windowMinutes, radius: p.radiusM, vs },
    );
    return r.records.map((x) => x.toObject() as { eid: string; together: number; first: string; last: string; places: string[] });
  });
}

/** Subjects with a visible sighting inside one place/time window. */
export async function readWindowHits(graph: Reader, w: { lon: number; lat: number; radiusM: number; from: string; to: string }, kinds: readonly string[], vs: readonly string[]) {
  return read(graph, async (tx) => {
    const r = await tx.run(
      `MATCH (q:Place) WHERE point.distance(q.location, point({longitude: $lon, latitude: $lat})) <= $radius
       WITH q LIMIT 500
       MATCH (q)<-[v:VISITED]-(o:Entity)
       WHERE v.source IN $vs AND v.at >= datetime($from) AND v.at < datetime($to) AND any(l IN labels(o) WHERE l IN $kinds)
       WITH o, v, q ORDER BY v.at
       WITH o, collect({at: toString(v.at), placeEid: q.eid, source: v.source})[0] AS hit
       RETURN o.eid AS eid, hit LIMIT 20000`,
      { ...w, radius: w.radiusM, kinds, vs },
    );
    return r.records.map((x) => x.toObject() as { eid: string; hit: { at: string; placeEid: string; source: string } });
  });
}
