import type { EntityKind } from '@onemap/graph-schema';
import type { CoTravelSettings } from '../derive/co-travel.ts';
import {
  type CoOccurrence,
  type CoTravelScoreSettings,
  DEFAULT_COTRAVEL_SCORE,
  companionReach,
  scoreCoTravel,
} from '../derive/co-travel-score.ts';
import type { CoTravelEdgeRow } from '../graph/co-travel.ts';
import type { VisitRow } from '../graph/write-rows.ts';

interface Sighting {
  person: string;
  rid: string;
  source: string;
  at: string;
  /** `YYYY-MM-DD` of `at`, cut once (the pair sweep compares it per co-occurrence) */
  day: string;
  t: number;
  until: number | null;
  /** the window of sightings at its place within the tolerance: [lo, hi) of the place's sorted list */
  lo: number;
  hi: number;
  /** distinct persons in the window, itself included */
  crowd: number;
}

/**
 * What a pair's co-occurrences reach, counted up to two: distinct places, distinct (place, day)
 * occasions of either side's sighting, distinct legs (record pairs) — as `scoreCoTravel` counts them.
 */
class PairReach {
  places = 1;
  occasions = 1;
  legs = 1;
  private readonly place: string;
  private readonly day: string;
  private readonly ridA: string;
  private readonly ridB: string;

  constructor(place: string, a: Sighting, b: Sighting) {
    this.place = place;
    this.day = a.day;
    this.ridA = a.rid;
    this.ridB = b.rid;
    this.occasion(place, b.day);
  }

  add(place: string, a: Sighting, b: Sighting): void {
    if (this.places < 2 && place !== this.place) this.places = 2;
    this.occasion(place, a.day);
    this.occasion(place, b.day);
    if (this.legs < 2 && (a.rid !== this.ridA || b.rid !== this.ridB)) this.legs = 2;
  }

  reaches(need: { places: number; occasions: number; legs: number }): boolean {
    return this.places >= need.places && this.occasions >= need.occasions && this.legs >= need.legs;
  }

  private occasion(place: string, day: string): void {
    if (this.occasions < 2 && (place !== this.place || day !== this.day)) this.occasions = 2;
  }
}

/**
 * The CO_TRAVELED edges of a bulk load, computed in memory from its VISITED rows before the
 * import, so they are written by neo4j-admin with the rest instead of being derived by queries
 * on the started database (the largest stage of a bulk load before). The co-occurrences are the
 * ones `findCoOccurrences` reads (a sighting is a person at a place at a time, records that
 * repeat one counting once; every sighting of another person at the same place within the
 * tolerance, the crowd then with the pair included, `leftApart` for stays that ended more than
 * the tolerance apart), from both persons' sightings, scored by the same `scoreCoTravel`; only
 * companions get an edge, from the smaller eid to the larger. Pairs are scored in chunks of
 * `personsPerChunk` persons (by their smaller eid), so a province's hubs do not hold every
 * co-occurrence of the load at once.
 * @param visits the load's VISITED rows
 * @param kindOf the kind of every entity (only Person → Place sightings count)
 * @param s the pipeline's co-travel settings
 * @returns the edges to write
 * @example bulkCoTravel(plan.graph.visits, kinds, { toleranceMinutes: 30, minCount: 2 })
 */
export function bulkCoTravel(
  visits: VisitRow[],
  kindOf: Map<string, EntityKind>,
  s: CoTravelSettings,
  personsPerChunk = 2000,
): CoTravelEdgeRow[] {
  const settings: CoTravelScoreSettings = { ...DEFAULT_COTRAVEL_SCORE, ...s.score, minOccasions: s.minCount };
  const tolMs = s.toleranceMinutes * 60_000;
  const byPlace = new Map<string, Sighting[]>();
  const travellers = new Set<string>();
  // One sighting per (person, place, time), the one with the smallest rid, as `findCoOccurrences` reads them.
  const sightings = new Map<string, VisitRow>();
  for (const v of visits) {
    if (kindOf.get(v.subject) !== 'Person') continue;
    travellers.add(v.subject);
    if (kindOf.get(v.place) !== 'Place') continue;
    const t = Date.parse(v.at);
    if (Number.isNaN(t)) continue;
    const key = `${v.subject}\u0000${v.place}\u0000${t}`;
    const held = sightings.get(key);
    if (!held || v.rid < held.rid) sightings.set(key, v);
  }
  for (const v of sightings.values()) {
    const t = Date.parse(v.at);
    const until = v.until ? Date.parse(v.until) : Number.NaN;
    let list = byPlace.get(v.place);
    if (!list) byPlace.set(v.place, (list = []));
    list.push({
      person: v.subject,
      rid: v.rid,
      source: v.source,
      at: v.at,
      day: v.at.slice(0, 10),
      t,
      until: Number.isNaN(until) ? null : until,
      lo: 0,
      hi: 0,
      crowd: 0,
    });
  }
  // Each sighting's window (the sightings at its place within the tolerance) and crowd, once.
  const ofPerson = new Map<string, { place: string; list: Sighting[]; i: number }[]>();
  for (const [place, list] of byPlace) {
    list.sort((x, y) => x.t - y.t);
    let lo = 0;
    let hi = 0;
    for (let i = 0; i < list.length; i++) {
      const a = list[i]!;
      while (list[lo]!.t < a.t - tolMs) lo++;
      while (hi < list.length && list[hi]!.t <= a.t + tolMs) hi++;
      a.lo = lo;
      a.hi = hi;
      if (hi - lo < 2) continue;
      const crowd = new Set<string>();
      for (let j = lo; j < hi; j++) crowd.add(list[j]!.person);
      a.crowd = crowd.size;
      if (crowd.size < 2) continue;
      let mine = ofPerson.get(a.person);
      if (!mine) ofPerson.set(a.person, (mine = []));
      mine.push({ place, list, i });
    }
  }
  const row = (place: string, a: Sighting, b: Sighting): CoOccurrence => ({
    a: a.person,
    b: b.person,
    place,
    day: a.day,
    at: a.at,
    ridA: a.rid,
    ridB: b.rid,
    sourceA: a.source,
    sourceB: b.source,
    crowd: a.crowd,
    leftApart:
      a.until !== null && b.until !== null && Math.trunc(Math.abs(a.until - b.until) / 1000) > s.toleranceMinutes * 60,
  });
  // A pair is scored once, in the chunk of its smaller eid, from both sides' sightings (each side's
  // crowd is the one around its own sighting), so memory is bounded by a chunk's pairs. Most pairs
  // meet once (strangers in a station's crowd): a first sweep keeps, per pair, whether it reaches
  // two distinct places, occasions and legs (what `scoreCoTravel` requires of companions, counted
  // the same way), and only pairs that can be companions get their co-occurrence rows scored.
  const edges: CoTravelEdgeRow[] = [];
  const persons = [...ofPerson.keys()].sort();
  const index = new Map(persons.map((p, i) => [p, i]));
  // a pair's key: smaller × span + larger person index, an exact integer below 2^53
  const span = persons.length;
  // (`PairReach` counts to two)
  const companion = companionReach(settings);
  const need = { places: Math.min(companion.places, 2), occasions: Math.min(companion.occasions, 2), legs: Math.min(companion.legs, 2) };
  // every co-occurrence of a chunk's persons with a larger eid, with its pair's key
  const eachPair = (chunk: readonly string[], f: (key: number, place: string, a: Sighting, b: Sighting) => void) => {
    for (const p of chunk) {
      const pi = index.get(p)!;
      for (const { place, list, i } of ofPerson.get(p)!) {
        const a = list[i]!;
        for (let j = a.lo; j < a.hi; j++) {
          const b = list[j]!;
          // b's own window holds a (windows are symmetric), so b is a listed person
          if (b.person > p) f(pi * span + index.get(b.person)!, place, a, b);
        }
      }
    }
  };
  for (let c = 0; c < persons.length; c += personsPerChunk) {
    const chunk = persons.slice(c, c + personsPerChunk);
    const reach = new Map<number, PairReach>();
    eachPair(chunk, (key, place, a, b) => {
      const r = reach.get(key);
      if (r) r.add(place, a, b);
      else reach.set(key, new PairReach(place, a, b));
    });
    const rows: CoOccurrence[] = [];
    eachPair(chunk, (key, place, a, b) => {
      if (reach.get(key)!.reaches(need)) rows.push(row(place, a, b), row(place, b, a));
    });
    for (const x of scoreCoTravel(rows, travellers.size, settings)) {
      if (x.companions)
        edges.push({
          x: x.x,
          y: x.y,
          count: x.count,
          first: x.first,
          last: x.last,
          sources: x.sources,
          score: x.score,
          reasons: JSON.stringify(x.reasons),
        });
    }
  }
  return edges;
}
