/** The derived CO_TRAVELED edge: reading co-occurrences with their crowd, writing scored edges. */
import { Label, Rel } from '@onemap/graph-schema';
import { type Graph, readTx, visitsAtPlaceCypher, writeTx } from '@onemap/graph-schema/server';

/** One co-occurrence of a touched person `a` with another person `b` (see `CoOccurrence` in derive/). */
export interface CoOccurrenceRow {
  a: string;
  b: string;
  place: string;
  day: string;
  at: string;
  ridA: string;
  ridB: string;
  sourceA: string;
  sourceB: string;
  crowd: number;
  leftApart: boolean;
}

/** A scored pair to write: `x` < `y`; `reasons` is the JSON the API shows. */
export interface CoTravelEdgeRow {
  x: string;
  y: string;
  count: number;
  first: string;
  last: string;
  sources: string[];
  score: number;
  reasons: string;
}

/** What the last exact count of travellers saw, per driver and database (`countTravellers`). */
const lastCounts = new WeakMap<object, Map<string, { persons: number; visits: number; travellers: number }>>();

/**
 * Persons with at least one sighting: the denominator of every chance in the co-travel score.
 * The exact count reads every person (two db hits each: 40,000 at 20,000 persons, about a second of
 * the database at a million, once per derivation on the real-time path), so it is reused while the
 * graph's persons and their visits (two counts from the count store, O(1)) both stay within
 * `recountAfter` of what they were at that count — the score takes the log of the population, so a
 * 1 % change moves a threshold by 0.004. A graph of fewer than `exactBelow` persons is always
 * counted exactly (cheap there, and tests compare small graphs exactly).
 */
export async function countTravellers(
  graph: Graph,
  opts: { exactBelow?: number; recountAfter?: number } = {},
): Promise<number> {
  const exactBelow = opts.exactBelow ?? 10_000;
  const recountAfter = opts.recountAfter ?? 0.01;
  return readTx(graph, async (tx) => {
    const sizes = await tx.run(
      `CALL () { MATCH (p:${Label.Person}) RETURN count(p) AS persons }
       CALL () { MATCH (:${Label.Person})-[v:${Rel.Visited}]->() RETURN count(v) AS visits }
       RETURN persons, visits`,
    );
    const persons = Number(sizes.records[0]?.get('persons') ?? 0);
    const visits = Number(sizes.records[0]?.get('visits') ?? 0);
    let byDatabase = lastCounts.get(graph.driver);
    if (!byDatabase) {
      byDatabase = new Map();
      lastCounts.set(graph.driver, byDatabase);
    }
    const last = byDatabase.get(graph.database);
    const near = (was: number, now: number) => Math.abs(now - was) <= Math.floor(recountAfter * was);
    if (last && last.persons >= exactBelow && near(last.persons, persons) && near(last.visits, visits))
      return last.travellers;
    const r = await tx.run(`MATCH (p:${Label.Person}) WHERE EXISTS { (p)-[:${Rel.Visited}]->() } RETURN count(p) AS n`);
    const travellers = Number(r.records[0]?.get('n') ?? 0);
    byDatabase.set(graph.database, { persons, visits, travellers });
    return travellers;
  });
}

/**
 * What a pair's co-occurrences must reach before they are worth reading: distinct places and
 * (place, day) occasions, counted over both orientations of the pair as `scoreCoTravel` merges
 * them (legs, which need every row's record ids, are left to the score). Zero reads every pair.
 */
export interface CompanionReach {
  places: number;
  occasions: number;
}

/** Every pair read (`findCoOccurrences` without a reach). */
export const EVERY_PAIR: CompanionReach = { places: 0, occasions: 0 };

/**
 * Cypher: a visit's values as a map (`v`: a VISITED edge) — read once (a sighting's visit, each
 * visit of a pair) and then compared and returned from the map, the same as from the edge.
 */
const visitValues = (v: string) => `{place: ${v}.place, at: ${v}.at, rid: ${v}.rid, source: ${v}.source, until: ${v}.until}`;

/**
 * `findCoOccurrences`' statement (`$eids`, `$tol` in minutes, `$reach`). A sighting's others are
 * carried as (node, visit) until their pair is known to reach `$reach`: the properties and rows of
 * the pairs that do not are never read or built, and another's visits that repeat one sighting
 * are reduced to the one with the smallest rid only for the pairs kept (the crowd counts persons,
 * the reach places and days: neither needs it). 500 hotel guests at 1 M: 1.11 M → 0.92 M db hits,
 * 1.5–2.1 → 1.1–1.4 s, the same rows (the sort by rid was over every visit of every window).
 * The others are carried as nodes, their eids read only for the pairs kept, and each sighting's
 * visit as its values, read once (`visitValues`): a rail traveller's windows hold ~37 visits each
 * at 1 M, and reading every other's eid was a third of the statement's db hits (100 rail
 * travellers: 148,000 → 103,000 db hits, Neo4j CPU ~141 → ~125 ms, the same rows on 40 combinations of
 * sets, reaches and tolerances).
 */
export const CO_OCCURRENCES_CYPHER = `UNWIND $eids AS eid
       MATCH (a:${Label.Person} {eid: eid})-[v:${Rel.Visited}]->(p:${Label.Place})
       WITH a, p, v ORDER BY v.rid
       WITH a, p, v.at AS at, head(collect(v)) AS first
       WITH a, p, ${visitValues('first')} AS v1
       CALL (p, v1) {
         ${visitsAtPlaceCypher({ subject: `o:${Label.Person}`, visit: 'v', placeEid: 'p.eid', from: 'v1.at - duration({minutes: $tol})', to: 'v1.at + duration({minutes: $tol})' })}
         RETURN count(DISTINCT o) AS crowd, collect([o, v]) AS near
       }
       WITH a, p.eid AS place, v1, crowd, near, toString(date(v1.at)) AS day
       UNWIND near AS n
       WITH a, place, v1, crowd, day, n[0] AS b, n[1] AS v2 WHERE b <> a
       WITH CASE WHEN elementId(a) < elementId(b) THEN a ELSE b END AS x, CASE WHEN elementId(a) < elementId(b) THEN b ELSE a END AS y,
            collect([a, b, place, day, v1, v2, crowd]) AS occ,
            count(DISTINCT place) AS places, count(DISTINCT place + '|' + day) AS occasions
       WHERE places >= $reach.places AND occasions >= $reach.occasions
       WITH x, y, occ, x.eid AS xe, y.eid AS ye
       UNWIND occ AS o
       WITH CASE WHEN o[0] = x THEN xe ELSE ye END AS a, CASE WHEN o[0] = x THEN ye ELSE xe END AS b,
            o[2] AS place, o[3] AS day, o[4] AS v1, o[5] AS v2, o[6] AS crowd
       WITH a, b, place, day, v1, crowd, v2 ORDER BY v2.rid
       WITH a, b, place, day, v1, crowd, v2.at AS atB, head(collect(v2)) AS v2
       RETURN a, b, place, day, toString(v1.at) AS at, v1.rid AS ridA, v2.rid AS ridB, v1.source AS sourceA, v2.source AS sourceB,
              crowd, (v1.until IS NOT NULL AND v2.until IS NOT NULL AND
                      abs(duration.inSeconds(v1.until, v2.until).seconds) > $tol * 60) AS leftApart`;

/** New sightings of one person (`VISITED.rid` of the records just written), whose co-travel is derived incrementally. */
export interface PersonSightings {
  eid: string;
  rids: string[];
}

/** Cypher: the visits of persons at place eid `place` within `$tol` minutes of datetime `at` (`o`, `w`). */
const withinTolerance = (place: string, at: string) =>
  visitsAtPlaceCypher({ subject: `o:${Label.Person}`, visit: 'w', placeEid: place, from: `${at} - duration({minutes: $tol})`, to: `${at} + duration({minutes: $tol})` });

/**
 * `findSightingCoOccurrences`' statement (`$marks`, `$tol`, `$reach`, `$crowdMax`). The pairs a new sighting
 * can change are the persons at its place within the tolerance: only they are read, each pair
 * in both orientations (as `findCoOccurrences` reads a pair both of whose persons it was given,
 * and as the bulk load counts it): one person's sightings that the other's visits meet within
 * the tolerance, found by joining the two persons' visits (a few each) — not by reading the
 * crowd at every sighting of the person, which made a hotel guest's derivation read every
 * stranger met at every station and hotel of their history (~380 rows a guest at a million
 * records). The crowd is read only for the sightings of pairs that reach `$reach`, once per
 * sighting (place and time): the rows of a trio's pairs, and both orientations of a pair met in
 * several windows, name the same sightings again — 500 hotel guests of the 1 M bench graph gave
 * 2,322 rows in 515 windows, and counting each row's crowd was 222,000 of the query's 316,000 db
 * hits (now 121,000 in all, the same rows). Each pair's two histories are read once, as value
 * maps (`visitValues`), for both orientations and for the rows returned: reading them per
 * orientation, and the returned properties from the edges again, made 242,000 db hits for another
 * 500 guests where the maps make 148,000 (Neo4j CPU 157 → 135 ms a run, the same rows).
 */
export const SIGHTING_CO_OCCURRENCES_CYPHER = `UNWIND $marks AS m
       MATCH (:${Label.Person} {eid: m.eid})-[nv:${Rel.Visited}]->(np:${Label.Place}) WHERE nv.rid IN m.rids
       CALL (np, nv) {
         ${withinTolerance('np.eid', 'nv.at')}
         RETURN collect(DISTINCT o) AS others
       }
       WITH m.eid AS a, collect(others) AS seen, max(size(others)) AS crowd
       WITH collect(CASE WHEN $crowdMax IS NOT NULL AND crowd > $crowdMax THEN a END) AS crowded,
            collect(CASE WHEN $crowdMax IS NULL OR crowd <= $crowdMax THEN [a, seen] END) AS light
       OPTIONAL CALL (light) {
         UNWIND light AS l
         WITH l[0] AS a, l[1] AS seen
         UNWIND seen AS others
         UNWIND others AS other
         WITH DISTINCT a, other
         WITH a, other.eid AS b
         WITH DISTINCT CASE WHEN a < b THEN a ELSE b END AS x, CASE WHEN a < b THEN b ELSE a END AS y
         WHERE x <> y
         CALL (x, y) {
           MATCH (:${Label.Person} {eid: x})-[v:${Rel.Visited}]->()
           WITH collect(${visitValues('v')}) AS xv
           MATCH (:${Label.Person} {eid: y})-[w:${Rel.Visited}]->()
           WITH xv, collect(${visitValues('w')}) AS yv
           UNWIND [[x, y, xv, yv], [y, x, yv, xv]] AS dir
           UNWIND dir[2] AS v
           WITH dir, v, [w IN dir[3] WHERE w.place = v.place AND w.at >= v.at - duration({minutes: $tol}) AND w.at <= v.at + duration({minutes: $tol})] AS near
           WHERE size(near) > 0
           WITH dir, v, near ORDER BY v.rid
           WITH dir[0] AS a, dir[1] AS b, v.place AS place, v.at AS at, head(collect(v)) AS v1, head(collect(near)) AS near
           RETURN a, b, place, v1, near
         }
         WITH x, y, a, b, place, v1, near, toString(date(v1.at)) AS day
         WITH x, y, collect([a, b, place, day, v1, near]) AS occ,
              count(DISTINCT place) AS places, count(DISTINCT place + '|' + day) AS occasions
         WHERE places >= $reach.places AND occasions >= $reach.occasions
         UNWIND occ AS o
         WITH o[2] AS place, o[4].at AS at, collect([o[0], o[1], o[3], o[4], o[5]]) AS same
         CALL (place, at) {
           ${withinTolerance('place', 'at')}
           RETURN count(DISTINCT o) AS crowd
         }
         UNWIND same AS s
         WITH s[0] AS a, s[1] AS b, place, s[2] AS day, s[3] AS v1, crowd, s[4] AS near
         UNWIND near AS v2
         WITH a, b, place, day, v1, crowd, v2 ORDER BY v2.rid
         WITH a, b, place, day, v1, crowd, v2.at AS atB, head(collect(v2)) AS v2
         RETURN a, b, place, day, toString(v1.at) AS at, v1.rid AS ridA, v2.rid AS ridB, v1.source AS sourceA, v2.source AS sourceB,
                crowd, (v1.until IS NOT NULL AND v2.until IS NOT NULL AND
                        abs(duration.inSeconds(v1.until, v2.until).seconds) > $tol * 60) AS leftApart
       }
       RETURN crowded, a, b, place, day, at, ridA, ridB, sourceA, sourceB, crowd, leftApart`;

/**
 * Every sighting of another person at the same place within `toleranceMinutes` of a sighting of
 * one of `eids`, with the crowd then (distinct persons at the place within the tolerance, the
 * pair included) and whether both were stays that ended more than the tolerance apart.
 *
 * A sighting is a person at a place at a time: VISITED edges that repeat one (the same stay
 * delivered again under another record id) are one sighting, the one with the smallest rid, on
 * both sides. So the rows grow with distinct sightings, not with deliveries:
 * before, a guest pushed R times next to n others R times made R²·n rows (1.4 million rows,
 * 1 GiB of heap, for 500 persons of the real-time bench), and duplicates added legs to a score.
 * `bulkCoTravel` reads the same sightings. The others at the place are found by the `(place, at)`
 * index (`visitsAtPlaceCypher`): a sighting at a hub reads the visits within the tolerance, not the
 * hub's every visit (a station's 27 541 at a million records, once per sighting there).
 *
 * `reach` keeps only the rows of pairs whose co-occurrences (among these rows) reach it, decided
 * in the database: most pairs are strangers met once in a crowd (500 hotel guests of a province
 * of a million records: 190,000 rows, 175,000 pairs, 150 companions), and sending, decoding and
 * scoring their rows cost the real-time worker a second of its event loop per derivation (there
 * it shares the loop with the resolve leader) and Neo4j the properties and rows of every one.
 */
export async function findCoOccurrences(
  graph: Graph,
  eids: string[],
  toleranceMinutes: number,
  reach: CompanionReach = EVERY_PAIR,
): Promise<CoOccurrenceRow[]> {
  return readTx(graph, async (tx) => {
    const r = await tx.run(CO_OCCURRENCES_CYPHER, { eids, tol: toleranceMinutes, reach });
    return r.records.map(coOccurrenceOf);
  });
}

/** What `findSightingCoOccurrences` reads: the rows of the pairs met, and the persons left to derive whole. */
export interface SightingCoOccurrences {
  /** every co-occurrence of the pairs the marked sightings of persons not `crowded` meet */
  rows: CoOccurrenceRow[];
  /** the marked persons with a marked sighting among more than `crowdMax` persons (none without a limit) */
  crowded: string[];
}

/**
 * The co-occurrences of the pairs that new sightings can change (`SIGHTING_CO_OCCURRENCES_CYPHER`):
 * every pair of a person of `marks` and another person at the place of one of its new sightings
 * within the tolerance, with every co-occurrence of that pair in both orientations — the rows
 * `findCoOccurrences` gives for those pairs when given both persons.
 *
 * With a `crowdMax`, a person with a marked sighting among more persons than that at its place
 * and time (the person included) has no rows and is named in `crowded` instead (the caller derives
 * it whole). The crowd is counted from the same read of each sighting's window that finds its
 * pairs: a separate count read every window again, about a quarter of the derivation's reads (500
 * hotel guests of the 1 M bench graph, warm: 30–45 ms counting, 76–102 ms for the pairs; 74–84 ms
 * both in one). A person whose marks no visit holds any more (merged, corrected) is in neither.
 */
export async function findSightingCoOccurrences(
  graph: Graph,
  marks: readonly PersonSightings[],
  toleranceMinutes: number,
  reach: CompanionReach = EVERY_PAIR,
  crowdMax: number | null = null,
): Promise<SightingCoOccurrences> {
  if (!marks.length) return { rows: [], crowded: [] };
  return readTx(graph, async (tx) => {
    const r = await tx.run(SIGHTING_CO_OCCURRENCES_CYPHER, { marks, tol: toleranceMinutes, reach, crowdMax });
    // every row names the crowded persons; with no pair met, one row names them alone
    const crowded = (r.records[0]?.get('crowded') as string[] | undefined) ?? [];
    return { rows: r.records.filter((x) => x.get('a') !== null).map(coOccurrenceOf), crowded };
  });
}

function coOccurrenceOf(x: { get(key: string): unknown }): CoOccurrenceRow {
  return {
    a: x.get('a') as string,
    b: x.get('b') as string,
    place: x.get('place') as string,
    day: x.get('day') as string,
    at: x.get('at') as string,
    ridA: x.get('ridA') as string,
    ridB: x.get('ridB') as string,
    sourceA: x.get('sourceA') as string,
    sourceB: x.get('sourceB') as string,
    crowd: Number(x.get('crowd')),
    leftApart: x.get('leftApart') === true,
  };
}

/**
 * Writes scored edges (`$edges`, `$tol`): one edge per pair whichever side derived it — the pair is
 * ordered by eid, so a pair derived from both persons (touched in different chunks) is merged,
 * never doubled — and an edge whose values did not change is not written at all.
 */
const MERGE_COTRAVEL_EDGES = `UNWIND $edges AS e
 WITH e, CASE WHEN e.x < e.y THEN e.x ELSE e.y END AS a, CASE WHEN e.x < e.y THEN e.y ELSE e.x END AS b
 MATCH (x:${Label.Person} {eid: a}), (y:${Label.Person} {eid: b})
 MERGE (x)-[c:${Rel.CoTraveled}]->(y)
 WITH c, e, datetime(e.first) AS first, datetime(e.last) AS last
 WITH c, e, first, last,
      NOT coalesce(c.count = e.count AND c.first = first AND c.last = last AND c.toleranceMinutes = $tol
                   AND c.sources = e.sources AND c.score = e.score AND c.reasons = e.reasons, false) AS changed
 FOREACH (_ IN CASE WHEN changed THEN [1] ELSE [] END |
   SET c.count = e.count, c.first = first, c.last = last, c.toleranceMinutes = $tol,
       c.sources = e.sources, c.score = e.score, c.reasons = e.reasons)
 RETURN count(c) AS written`;

/**
 * Replaces the CO_TRAVELED edges of `eids` by `edges` in one transaction: an edge of a touched
 * person that is no longer scored as companions goes, and so does one pointing the wrong way (an
 * edge points from the smaller eid to the larger); an edge whose values did not change is not
 * written at all — a busy person's companions are derived again with every batch that touches
 * them, and deleting and re-creating each of their edges every time cost the real-time path a
 * relationship write, its index entries and its commit for nothing. Returns the edges derived
 * (written or already as derived).
 */
export async function replaceCoTravelEdges(
  graph: Graph,
  eids: string[],
  edges: CoTravelEdgeRow[],
  toleranceMinutes: number,
): Promise<number> {
  // a pair whichever side derived it: ordered by eid
  const keys = edges.map((e) => (e.x < e.y ? `${e.x}|${e.y}` : `${e.y}|${e.x}`));
  return writeTx(graph, async (tx) => {
    await tx.run(
      `UNWIND $eids AS eid
       MATCH (:${Label.Person} {eid: eid})-[c:${Rel.CoTraveled}]-(:${Label.Person})
       WITH DISTINCT c, startNode(c).eid AS s, endNode(c).eid AS t
       WHERE s >= t OR NOT s + '|' + t IN $keys
       DELETE c`,
      { eids, keys },
    );
    const r = await tx.run(MERGE_COTRAVEL_EDGES, { edges, tol: toleranceMinutes });
    return Number(r.records[0]?.get('written') ?? 0);
  });
}

/**
 * Replaces the CO_TRAVELED edges of the scored pairs `pairs` (both eids each, any order) by `edges`
 * in one transaction: a pair scored and not companions loses its edge, one pointing the wrong way
 * goes, and the others are written as `replaceCoTravelEdges` writes them. The edges of pairs not
 * scored are left alone (an incremental derivation scores only the pairs new sightings changed).
 * Returns the edges derived.
 */
export async function replacePairEdges(
  graph: Graph,
  pairs: readonly { x: string; y: string }[],
  edges: CoTravelEdgeRow[],
  toleranceMinutes: number,
): Promise<number> {
  if (!pairs.length) return 0;
  const keep = new Set(edges.map((e) => (e.x < e.y ? `${e.x}|${e.y}` : `${e.y}|${e.x}`)));
  const ordered = pairs.map((p) => (p.x < p.y ? { x: p.x, y: p.y } : { x: p.y, y: p.x }));
  // an edge that must go: the pair is no companions now (either direction), or points from the larger eid
  const gone = ordered.map((p) => ({ ...p, both: !keep.has(`${p.x}|${p.y}`) }));
  return writeTx(graph, async (tx) => {
    await tx.run(
      `UNWIND $gone AS g
       MATCH (x:${Label.Person} {eid: g.x})-[c:${Rel.CoTraveled}]-(y:${Label.Person} {eid: g.y})
       WITH g, c, y WHERE g.both OR startNode(c) = y
       DELETE c`,
      { gone },
    );
    if (!edges.length) return 0;
    const r = await tx.run(MERGE_COTRAVEL_EDGES, { edges, tol: toleranceMinutes });
    return Number(r.records[0]?.get('written') ?? 0);
  });
}
