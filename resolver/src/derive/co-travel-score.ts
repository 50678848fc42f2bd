/**
 * Scoring co-travel (同行) by how unlikely a pair's co-occurrences are by chance, not by a count.
 *
 * A co-occurrence is one sighting of each person at one place within the time tolerance. The
 * chance that a given stranger is among the others at that place and time is about
 * `(crowd - 1) / population`; its surprise is `log10(population / (crowd - 1))`: a hotel
 * check-in shared by two scores about 3 in a province of a few thousand travellers, a train
 * station at rush hour scores little. Sightings from the same two records (the origin and the
 * destination of one ticket) are one *leg*: strangers on one train share one leg however many
 * stations they pass. The pair's score is the sum of its legs' surprises (the log-odds that
 * their legs together are chance, assuming independence), and a pair becomes companions only
 * with at least `minLegs` legs on `minOccasions` distinct (place, day) occasions at `minPlaces`
 * distinct places (a busy station or a café met at twice is not travelling together) and a
 * score of at least `minCoincidences × log10(population)`.
 */

/** One co-occurrence as read from the graph; `a`/`b` in any order. */
export interface CoOccurrence {
  a: string;
  b: string;
  place: string;
  /** `YYYY-MM-DD` of a's sighting */
  day: string;
  /** ISO time of a's sighting */
  at: string;
  ridA: string;
  ridB: string;
  sourceA: string;
  sourceB: string;
  /** distinct persons at the place within the tolerance of a's sighting, a and b included */
  crowd: number;
  /** both sightings are stays (an end time each) that ended more than the tolerance apart */
  leftApart?: boolean;
}

export interface CoTravelScoreSettings {
  /** minimum distinct legs (record pairs) together */
  minLegs: number;
  /** minimum distinct (place, day) occasions */
  minOccasions: number;
  /** minimum distinct places: travelling together, not meeting at one haunt */
  minPlaces: number;
  /**
   * minimum score, in one-in-the-population coincidences: the pair needs a score of at least
   * `minCoincidences × log10(population)`. A person has about `population` possible partners, so
   * one such coincidence is expected by chance; the threshold grows with the province.
   */
  minCoincidences: number;
}

/** Defaults measured on the sample and a generated province (docs/analysis.md, `npm run bench cotravel`). */
export const DEFAULT_COTRAVEL_SCORE: CoTravelScoreSettings = {
  minLegs: 2,
  minOccasions: 2,
  minPlaces: 2,
  minCoincidences: 1.8,
};

/**
 * Weight of a stay the two began together but ended apart (a hotel check-in at the same hour,
 * check-outs on different days): strangers arriving on one train do that, companions rarely.
 */
export const LEFT_APART_WEIGHT = 0.5;

/** How many legs a CO_TRAVELED edge's reasons list (the most surprising first). */
export const COTRAVEL_REASON_LEGS = 5;

/** One leg in a pair's reasons. */
export interface CoTravelLeg {
  place: string;
  at: string;
  /** persons at the place then, the pair included */
  crowd: number;
  /** log10 of how unlikely this leg is by chance */
  surprise: number;
  /** a stay begun together and ended apart (weighted by LEFT_APART_WEIGHT) */
  leftApart?: boolean;
}

/** Why a pair is (or is not) companions: stored as JSON on the edge and shown by the API. */
export interface CoTravelReasons {
  legs: number;
  places: number;
  days: number;
  /** successive legs less than 24 h apart: travelling on together, not meeting twice */
  chainedLegs: number;
  /** persons with any sighting when scored: the denominator of every chance */
  population: number;
  /** the score a pair needed */
  minScore: number;
  top: CoTravelLeg[];
}

export interface ScoredPair {
  /** the smaller eid (the edge's start) */
  x: string;
  y: string;
  score: number;
  /** distinct (place, day) occasions */
  count: number;
  first: string;
  last: string;
  sources: string[];
  reasons: CoTravelReasons;
  companions: boolean;
}

const DAY_MS = 24 * 3600 * 1000;
const round2 = (n: number) => Math.round(n * 100) / 100;

/** The score a pair needs in a population of this size. */
export function minScoreOf(population: number, s: CoTravelScoreSettings): number {
  return s.minCoincidences * Math.log10(Math.max(population, 10));
}

/**
 * What a pair's co-occurrences must reach to make it companions whatever its score: distinct
 * places, (place, day) occasions and legs, as `scoreCoTravel` counts them. A pair short of one is
 * not worth scoring (most pairs meet once, strangers in a crowd): the real-time derivation reads
 * only the others (`findCoOccurrences`), the bulk load scores only the others (`bulkCoTravel`).
 */
export function companionReach(s: CoTravelScoreSettings): { places: number; occasions: number; legs: number } {
  return { places: s.minPlaces, occasions: s.minOccasions, legs: s.minLegs };
}

/** Surprise of one co-occurrence: log10 of 1 / (chance a given stranger is in that crowd). */
export function surpriseOf(crowd: number, population: number): number {
  return Math.log10(Math.max(population, 2) / Math.max(crowd - 1, 1));
}

/**
 * Scores every pair in `rows` (both orientations of a pair are merged).
 *
 * @param rows co-occurrences of the pairs to score
 * @param population persons with sightings (the chance denominator)
 * @param settings thresholds for `companions`
 * @returns one scored pair per unordered pair, companions or not
 * @example
 * scoreCoTravel(rows, 2500, DEFAULT_COTRAVEL_SCORE).filter((p) => p.companions)
 */
export function scoreCoTravel(rows: CoOccurrence[], population: number, settings: CoTravelScoreSettings): ScoredPair[] {
  const byPair = new Map<string, CoOccurrence[]>();
  for (const r of rows) {
    if (r.a === r.b) continue;
    const o =
      r.a < r.b ? r : { ...r, a: r.b, b: r.a, ridA: r.ridB, ridB: r.ridA, sourceA: r.sourceB, sourceB: r.sourceA };
    const k = `${o.a}|${o.b}`;
    const list = byPair.get(k);
    if (list) list.push(o);
    else byPair.set(k, [o]);
  }
  const out: ScoredPair[] = [];
  for (const list of byPair.values()) out.push(scorePair(list, population, settings));
  return out;
}

/** Whether a row's sighting comes before a leg's: by time, then by place (a total order for ties). */
function earlier(r: Pick<CoOccurrence, 'at' | 'place'>, leg: Pick<CoTravelLeg, 'at' | 'place'>): boolean {
  const d = Date.parse(r.at) - Date.parse(leg.at);
  return d < 0 || (d === 0 && r.place < leg.place);
}

function scorePair(list: CoOccurrence[], population: number, s: CoTravelScoreSettings): ScoredPair {
  const first0 = list[0] as CoOccurrence;
  // one leg per record pair; its surprise is its least crowded sighting
  const legs = new Map<string, CoTravelLeg>();
  const occasions = new Set<string>();
  const places = new Set<string>();
  const days = new Set<string>();
  const sources = new Set<string>();
  let first = first0.at;
  let last = first0.at;
  for (const r of list) {
    occasions.add(`${r.place}|${r.day}`);
    places.add(r.place);
    days.add(r.day);
    sources.add(r.sourceA);
    sources.add(r.sourceB);
    if (Date.parse(r.at) < Date.parse(first)) first = r.at;
    if (Date.parse(r.at) > Date.parse(last)) last = r.at;
    const k = `${r.ridA}|${r.ridB}`;
    const surprise = surpriseOf(r.crowd, population) * (r.leftApart ? LEFT_APART_WEIGHT : 1);
    const prev = legs.get(k);
    // a tie keeps the earliest sighting, whatever order the rows came in (both orientations of a
    // pair give a row for the same two records, each at its own person's time)
    if (!prev || surprise > prev.surprise || (surprise === prev.surprise && earlier(r, prev)))
      legs.set(k, { place: r.place, at: r.at, crowd: r.crowd, surprise, ...(r.leftApart ? { leftApart: true } : {}) });
  }
  const legList = [...legs.values()];
  const score = legList.reduce((acc, l) => acc + l.surprise, 0);
  const byTime = [...legList].sort((p, q) => Date.parse(p.at) - Date.parse(q.at));
  let chainedLegs = 0;
  for (let i = 1; i < byTime.length; i++)
    if (Date.parse((byTime[i] as CoTravelLeg).at) - Date.parse((byTime[i - 1] as CoTravelLeg).at) < DAY_MS)
      chainedLegs++;
  const top = [...legList]
    .sort((p, q) => q.surprise - p.surprise || p.at.localeCompare(q.at) || p.place.localeCompare(q.place))
    .slice(0, COTRAVEL_REASON_LEGS)
    .map((l) => ({ ...l, surprise: round2(l.surprise) }));
  const companions =
    legs.size >= s.minLegs &&
    occasions.size >= s.minOccasions &&
    places.size >= s.minPlaces &&
    score >= minScoreOf(population, s);
  return {
    x: first0.a,
    y: first0.b,
    score: round2(score),
    count: occasions.size,
    first,
    last,
    sources: [...sources].sort(),
    reasons: {
      legs: legs.size,
      places: places.size,
      days: days.size,
      chainedLegs,
      population,
      minScore: round2(minScoreOf(population, s)),
      top,
    },
    companions,
  };
}
