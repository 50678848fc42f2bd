import { visitsAtPlaceCypher } from '@onemap/graph-schema/server';
import { placesWithin } from './analysis.ts';
import { HAS_HIDDEN_SOURCE, VISIBLE_POINT } from './cypher.ts';
import { type Reader, read } from './reader.ts';

/**
 * Series linking (类案串并) reads: candidate cases around a seed, what links each case to persons,
 * phones and vehicles, and who was sighted near each scene. Visible records and edges only.
 */

/** Visible cases known also to a source the viewer may not see, read per seed at most (in eid order; the answer says `truncated` past it). */
export const SERIES_PARTLY_HIDDEN_CAP = 1000;

/**
 * A little more than `km` for the database's distance filter: Neo4j's and the scorer's haversine
 * use slightly different earth radii, and the caller decides the window on `sceneDistanceKm`, so
 * the database must never drop a case that distance keeps.
 */
const KM_SLACK = 1.01;

/**
 * Candidate cases for a seed's series, in two parts, so no value a hidden source chose decides
 * which cases are compared:
 * - `whole`: visible cases the viewer sees whole (no source they are known from is hidden), whose
 *   node — its values chosen over the viewer's sources only — says they are of `caseType`, occurred
 *   within [`from`, `to`) (local Beijing time strings, as the pipeline writes `occurredAt`) and
 *   within about `km` of the seed's scene; nearest in time first, `limit + 1` so the caller can
 *   tell a cut;
 * - `partly`: visible cases also known to a hidden source, whose node's type, time and scene are
 *   merged over that source too: only a visible record mentioning `caseType` is asked for here
 *   (what the viewer's own type needs), in eid order, at most `SERIES_PARTLY_HIDDEN_CAP + 1`; the
 *   caller decides them on the values of their visible records.
 */
export async function readSeriesCandidates(
  graph: Reader,
  p: {
    eid: string;
    caseType: string;
    from: string;
    to: string;
    at: string;
    lon: number;
    lat: number;
    km: number;
    limit: number;
  },
  vs: readonly string[],
): Promise<{ whole: string[]; partly: string[] }> {
  return read(graph, async (tx) => {
    const whole = await tx.run(
      `MATCH (c:Case)
       WHERE c.caseType = $caseType AND c.eid <> $eid AND c.occurredAt >= $from AND c.occurredAt < $to
         AND ${VISIBLE_POINT('c')}
         AND point.distance(c.location, point({longitude: $lon, latitude: $lat})) <= $km * 1000 * $slack
         AND EXISTS { MATCH (c)<-[:RESOLVED_TO]-(vr:SourceRecord) WHERE vr.source IN $vs }
         AND NOT ${HAS_HIDDEN_SOURCE('c', '$vs')}
       WITH c, abs(duration.inSeconds(localdatetime(c.occurredAt), localdatetime($at)).seconds) AS apart
       RETURN c.eid AS eid ORDER BY apart, eid LIMIT toInteger($limit) + 1`,
      { ...p, vs, slack: KM_SLACK },
    );
    const partly = await tx.run(
      `MATCH (c:Case)
       WHERE c.eid <> $eid
         AND EXISTS { MATCH (c)<-[:RESOLVED_TO]-(vr:SourceRecord) WHERE vr.source IN $vs AND vr.attrs CONTAINS $caseTypeAttr }
         AND ${HAS_HIDDEN_SOURCE('c', '$vs')}
       RETURN c.eid AS eid ORDER BY eid LIMIT toInteger($cap) + 1`,
      // the case type attribute itself, not any text of the record (a masked description or address)
      { eid: p.eid, caseTypeAttr: `"caseType":${JSON.stringify(p.caseType)}`, vs, cap: SERIES_PARTLY_HIDDEN_CAP },
    );
    const eids = (x: typeof whole) => x.records.map((y) => y.get('eid') as string);
    return { whole: eids(whole), partly: eids(partly) };
  });
}

/**
 * Per case, the persons involved in it other than in `skipRoles` (reporters, victims), and their
 * phones and vehicles — each through an edge the viewer may see.
 */
export async function readCaseLinks(
  graph: Reader,
  eids: readonly string[],
  skipRoles: readonly string[],
  vs: readonly string[],
): Promise<Map<string, string[]>> {
  if (eids.length === 0) return new Map();
  return read(graph, async (tx) => {
    const r = await tx.run(
      `UNWIND $eids AS id
       MATCH (c:Case {eid: id})<-[i:INVOLVED_IN]-(p:Person)
       WHERE i.source IN $vs AND NOT coalesce(i.role, '') IN $skipRoles
       OPTIONAL MATCH (p)-[h:HAS_PHONE|OWNS]->(x:Phone|Vehicle) WHERE h.source IN $vs
       WITH id, p, collect(DISTINCT x.eid) AS xs
       RETURN id, p.eid AS person, xs AS linked`,
      { eids, skipRoles, vs },
    );
    const out = new Map<string, Set<string>>();
    for (const x of r.records) {
      const id = x.get('id') as string;
      let s = out.get(id);
      if (!s) out.set(id, (s = new Set()));
      s.add(x.get('person') as string);
      for (const e of x.get('linked') as string[]) if (e) s.add(e);
    }
    return new Map([...out].map(([k, v]) => [k, [...v].sort()]));
  });
}

/** Caps of "who was near the scene": places within the radius, subjects per scene. */
export const SCENE_LIMITS = { places: 500, subjects: 2000 } as const;

/**
 * Per scene, the persons and vehicles with a visible sighting (not the case's own involvement
 * trace) at a place within `radiusM` — a home by its ~1 km cell, as every radius compares places
 * (`placesWithin`) — in [`from`, `to`) — leaving out those routinely there (sighted
 * within the radius on `routineDays` or more distinct days in [`routineFrom`, `routineTo`)) — and the
 * visible owners of those vehicles. A place's visits in [`from`, `to`) are found by the `(place, at)`
 * index (`visitsAtPlaceCypher`), not by expanding a hub's every visit.
 */
export async function readSceneSubjects(
  graph: Reader,
  scenes: readonly {
    eid: string;
    lon: number;
    lat: number;
    from: string;
    to: string;
    routineFrom: string;
    routineTo: string;
  }[],
  p: { radiusM: number; routineDays: number },
  vs: readonly string[],
): Promise<{ subjects: Map<string, string[]>; truncated: boolean }> {
  if (scenes.length === 0) return { subjects: new Map(), truncated: false };
  return read(graph, async (tx) => {
    const r = await tx.run(
      `UNWIND $scenes AS s
       CALL (s) {
         ${placesWithin('point({longitude: s.lon, latitude: s.lat})')}
         WITH q LIMIT toInteger($maxPlaces)
         WITH collect(q) AS qs
         UNWIND qs AS q
         ${visitsAtPlaceCypher({ subject: 'o:Person|Vehicle', visit: 'v', placeEid: 'q.eid', from: 'datetime(s.from)', before: 'datetime(s.to)' })}
           AND v.source IN $vs AND v.kind <> 'incident'
         WITH qs, collect(DISTINCT o)[..toInteger($maxSubjects) + 1] AS os
         UNWIND os AS o
         CALL (o, qs, s) {
           MATCH (o)-[w:VISITED]->(q2:Place)
           WHERE q2 IN qs AND w.source IN $vs AND w.at >= datetime(s.routineFrom) AND w.at < datetime(s.routineTo)
           RETURN count(DISTINCT date(w.at)) AS days
         }
         WITH size(os) AS found, o, days WHERE days < $routineDays
         OPTIONAL MATCH (o)<-[x:OWNS]-(owner:Person) WHERE x.source IN $vs
         RETURN max(found) AS found, collect(DISTINCT o.eid) AS seen, collect(DISTINCT owner.eid) AS owners
       }
       RETURN s.eid AS eid, found, seen, owners`,
      {
        scenes: [...scenes],
        radius: p.radiusM,
        routineDays: p.routineDays,
        vs,
        maxPlaces: SCENE_LIMITS.places,
        maxSubjects: SCENE_LIMITS.subjects,
      },
    );
    let truncated = false;
    const subjects = new Map<string, string[]>();
    for (const x of r.records) {
      const seen = x.get('seen') as string[];
      if (Number(x.get('found') ?? 0) > SCENE_LIMITS.subjects) truncated = true;
      subjects.set(
        x.get('eid') as string,
        [...new Set([...seen.slice(0, SCENE_LIMITS.subjects), ...(x.get('owners') as string[])])].sort(),
      );
    }
    return { subjects, truncated };
  });
}
