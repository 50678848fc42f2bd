/**
 * Series linking of similar cases (类案串并): a score per case pair as a sum of explained
 * contributions (log-odds style, like a match explanation), and series as clusters of pairs at or
 * above the threshold.
 *
 * Features, each with comparison levels whose weights are data (`SeriesSettings`):
 * - `caseType`: a series is one kind of offence; another type vetoes;
 * - `moText`: TF-IDF cosine of the Chinese summaries (`MoCorpus`, jieba words);
 * - `spaceTime`: kilometres between scenes and days between occurrences;
 * - `timeOfDay`: offenders keep their hours;
 * - `sharedEntities`: persons, phones or vehicles linked to both cases in the graph;
 * - `trajectory`: someone (a person, or a vehicle and its owner) sighted near both scenes at the time,
 *   or involved in one case and sighted near the other's scene.
 */
import { MoCorpus } from './mo-text.ts';

/**
 * Which cases are compared with a seed, and what "near the scene" means for trajectory proximity
 * (named caps: an answer says when `candidates` cut it).
 */
export const SERIES_WINDOW = {
  /** candidates: same case type, occurred within ± days of the seed */
  days: 15,
  /** candidates: scene within this many km of the seed's */
  km: 250,
  /** candidates compared at most (nearest in time first) */
  candidates: 200,
  /** a sighting at a place within this radius of a scene … */
  nearbyRadiusM: 5000,
  /** … from this many minutes before the case … */
  nearbyBeforeMinutes: 180,
  /** … to this many minutes after it is "near the scene" … */
  nearbyAfterMinutes: 120,
  /** … unless the subject is routinely there: sighted within the radius on this many distinct days … */
  routineDays: 3,
  /** … within ± this many days of the case (commuters and residents pass every scene near them) */
  routineWindowDays: 7,
} as const;

/** Involvement roles that do not link cases (the reporter and the victim are not the offender). */
export const NON_SUSPECT_ROLES: readonly string[] = ['报警人', '受害人'];

/** A case as series linking sees it (values as the viewer may see them). */
export interface SeriesCase {
  eid: string;
  caseType: string | null;
  /** epoch ms, or null when unknown */
  occurredAt: number | null;
  lon: number | null;
  lat: number | null;
  /** persons, phones and vehicles linked to the case (involved persons other than reporters and victims, their phones and vehicles) */
  entities: readonly string[];
  /** subjects sighted near the scene around the time (vehicles also by their owners) */
  nearby: readonly string[];
}

/** One comparison level: applies when `at` ≤ the value (or ≥ for `min`). */
export interface SeriesLevel {
  label: string;
  weight: number;
}

/** Weights and thresholds of series linking; serialisable, versioned. */
export interface SeriesSettings {
  version: 1;
  /** pairs at or above this link (and join one series) */
  threshold: number;
  caseTypeMismatch: number;
  /** cosine ≥ min → weight, first match wins; below every level → `moTextBelow` */
  moText: { min: number; weight: number }[];
  moTextBelow: number;
  /** km ≤ and days ≤ → weight, first match wins; otherwise `spaceTimeFar` */
  spaceTime: { km: number; days: number; weight: number }[];
  spaceTimeFar: number;
  /** hours apart (on the clock) ≤ → weight */
  timeOfDayHours: number;
  timeOfDayWeight: number;
  /** weight of the first shared entity, and of each further one (capped) */
  sharedEntity: number;
  sharedEntityMore: number;
  sharedEntityCap: number;
  /** weight of the first subject near both scenes, and of each further one (capped) */
  trajectory: number;
  trajectoryMore: number;
  trajectoryCap: number;
}

/** Default settings, tuned on generated provinces (`npm run bench series`; docs/analysis.md). */
export const DEFAULT_SERIES_SETTINGS: SeriesSettings = {
  version: 1,
  threshold: 4,
  caseTypeMismatch: -20,
  moText: [
    { min: 0.6, weight: 2.5 },
    { min: 0.45, weight: 1.5 },
    { min: 0.3, weight: 0.5 },
  ],
  moTextBelow: -1.5,
  spaceTime: [
    { km: 30, days: 3, weight: 1.5 },
    { km: 120, days: 7, weight: 0.8 },
    { km: 250, days: 15, weight: 0 },
  ],
  spaceTimeFar: -3,
  timeOfDayHours: 3,
  timeOfDayWeight: 0.5,
  sharedEntity: 5,
  sharedEntityMore: 1,
  sharedEntityCap: 7,
  trajectory: 3.5,
  trajectoryMore: 0.5,
  trajectoryCap: 4.5,
};

export type SeriesFeatureName = 'caseType' | 'moText' | 'spaceTime' | 'timeOfDay' | 'sharedEntities' | 'trajectory';

/** One feature's part in a pair's score. */
export interface SeriesFeature {
  feature: SeriesFeatureName;
  /** the compared value: cosine, `{km, days}`, hours, shared ids; null when unknown */
  value: number | string | { km: number; days: number } | string[] | null;
  /** the level that applied */
  level: string;
  contribution: number;
}

/** A scored pair, `a < b`. */
export interface SeriesPair {
  a: string;
  b: string;
  score: number;
  features: SeriesFeature[];
}

const DAY_MS = 86_400_000;

/**
 * Kilometres between two scenes (haversine), null when either is not placed: the one distance of
 * series linking — the pair score's `spaceTime` and the server's `SERIES_WINDOW.km` candidate window.
 */
export function sceneDistanceKm(
  a: { lon: number | null; lat: number | null },
  b: { lon: number | null; lat: number | null },
): number | null {
  if (a.lon === null || a.lat === null || b.lon === null || b.lat === null) return null;
  const r = Math.PI / 180;
  const dLat = (b.lat - a.lat) * r;
  const dLon = (b.lon - a.lon) * r;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * r) * Math.cos(b.lat * r) * Math.sin(dLon / 2) ** 2;
  return 6371 * 2 * Math.asin(Math.sqrt(h));
}

function shared(a: readonly string[], b: readonly string[]): string[] {
  const s = new Set(a);
  return [...new Set(b)].filter((x) => s.has(x)).sort();
}

function capped(n: number, first: number, more: number, cap: number): number {
  return n === 0 ? 0 : Math.min(cap, first + (n - 1) * more);
}

/**
 * Score one pair of cases.
 * @param corpus MO text vectors of the cases compared (the pair's summaries must be in it to count)
 * @returns score and each feature's contribution, `a`/`b` ordered by eid
 * @example scoreSeriesPair(c1, c2, new MoCorpus(texts)).features.map((f) => f.contribution)
 */
export function scoreSeriesPair(
  x: SeriesCase,
  y: SeriesCase,
  corpus: MoCorpus,
  s: SeriesSettings = DEFAULT_SERIES_SETTINGS,
): SeriesPair {
  const [a, b] = x.eid < y.eid ? [x, y] : [y, x];
  const features: SeriesFeature[] = [];
  const sameType = a.caseType !== null && a.caseType === b.caseType;
  features.push({
    feature: 'caseType',
    value: a.caseType === b.caseType ? a.caseType : null,
    level: sameType ? 'same' : 'different',
    contribution: sameType ? 0 : s.caseTypeMismatch,
  });

  const sim = corpus.similarity(a.eid, b.eid);
  if (sim === null) features.push({ feature: 'moText', value: null, level: 'unknown', contribution: 0 });
  else {
    const lvl = s.moText.find((l) => sim >= l.min);
    features.push({
      feature: 'moText',
      value: Math.round(sim * 1000) / 1000,
      level: lvl ? `cosine ≥ ${lvl.min}` : 'dissimilar',
      contribution: lvl ? lvl.weight : s.moTextBelow,
    });
  }

  const d = sceneDistanceKm(a, b);
  const days = a.occurredAt !== null && b.occurredAt !== null ? Math.abs(a.occurredAt - b.occurredAt) / DAY_MS : null;
  if (d === null || days === null)
    features.push({ feature: 'spaceTime', value: null, level: 'unknown', contribution: 0 });
  else {
    const lvl = s.spaceTime.find((l) => d <= l.km && days <= l.days);
    const value = { km: Math.round(d * 10) / 10, days: Math.round(days * 10) / 10 };
    features.push({
      feature: 'spaceTime',
      value,
      level: lvl ? `≤ ${lvl.km} km and ≤ ${lvl.days} days` : 'far',
      contribution: lvl ? lvl.weight : s.spaceTimeFar,
    });
  }

  if (a.occurredAt !== null && b.occurredAt !== null) {
    const h = ((((a.occurredAt - b.occurredAt) / 3_600_000) % 24) + 24) % 24;
    const apart = Math.round(Math.min(h, 24 - h) * 10) / 10;
    const close = apart <= s.timeOfDayHours;
    features.push({
      feature: 'timeOfDay',
      value: apart,
      level: close ? `≤ ${s.timeOfDayHours} h apart on the clock` : 'other hours',
      contribution: close ? s.timeOfDayWeight : 0,
    });
  }

  const ents = shared(a.entities, b.entities);
  features.push({
    feature: 'sharedEntities',
    value: ents,
    level: `${ents.length} shared`,
    contribution: capped(ents.length, s.sharedEntity, s.sharedEntityMore, s.sharedEntityCap),
  });

  // near both scenes, or involved in one case and near the other's scene; someone already counted
  // as a linked entity is not counted again
  const near = [
    ...new Set([...shared(a.nearby, b.nearby), ...shared(a.entities, b.nearby), ...shared(a.nearby, b.entities)]),
  ]
    .filter((e) => !ents.includes(e))
    .sort();
  features.push({
    feature: 'trajectory',
    value: near,
    level: `${near.length} near both scenes (or in one case and near the other)`,
    contribution: capped(near.length, s.trajectory, s.trajectoryMore, s.trajectoryCap),
  });

  const score = Math.round(features.reduce((t, f) => t + f.contribution, 0) * 100) / 100;
  return { a: a.eid, b: b.eid, score, features };
}

/**
 * Series as clusters: connected components of the pairs at or above `threshold` (union–find),
 * each sorted by eid; singletons are left out.
 * @example clusterSeries([{a:'C1',b:'C2',score:5,features:[]}], 4) // [['C1','C2']]
 */
export function clusterSeries(pairs: readonly Pick<SeriesPair, 'a' | 'b' | 'score'>[], threshold: number): string[][] {
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    let r = x;
    while (parent.get(r) !== r) r = parent.get(r) as string;
    let c = x;
    while (c !== r) {
      const n = parent.get(c) as string;
      parent.set(c, r);
      c = n;
    }
    return r;
  };
  for (const p of pairs) {
    if (p.score < threshold) continue;
    for (const e of [p.a, p.b]) if (!parent.has(e)) parent.set(e, e);
    const ra = find(p.a);
    const rb = find(p.b);
    if (ra !== rb) parent.set(ra < rb ? rb : ra, ra < rb ? ra : rb);
  }
  const groups = new Map<string, string[]>();
  for (const e of parent.keys()) {
    const r = find(e);
    let g = groups.get(r);
    if (!g) groups.set(r, (g = []));
    g.push(e);
  }
  return [...groups.values()].map((g) => g.sort()).sort((x, y) => ((x[0] as string) < (y[0] as string) ? -1 : 1));
}

/**
 * Score every pair among `cases` and cluster: the whole of series linking over one set of cases.
 * Pairs of different case types are not scored (they can never link).
 */
export function linkSeries(
  cases: readonly SeriesCase[],
  corpus: MoCorpus,
  s: SeriesSettings = DEFAULT_SERIES_SETTINGS,
): { pairs: SeriesPair[]; series: string[][] } {
  const pairs: SeriesPair[] = [];
  for (let i = 0; i < cases.length; i++)
    for (let j = i + 1; j < cases.length; j++) {
      const a = cases[i] as SeriesCase;
      const b = cases[j] as SeriesCase;
      if (a.caseType !== b.caseType) continue;
      pairs.push(scoreSeriesPair(a, b, corpus, s));
    }
  return { pairs, series: clusterSeries(pairs, s.threshold) };
}

/** The series around one case: the seed's cluster among the seed and its candidates. */
export interface SeriesAround {
  /** the seed's series, seed included, sorted; just the seed when nothing links */
  members: string[];
  /** every pair scored (same case type) */
  pairs: SeriesPair[];
  /** the MO text vectors the pairs were scored with (for `sharedWords`) */
  corpus: MoCorpus;
}

/**
 * From a case, its likely series: score every pair among the seed and its candidates (MO text
 * vectors over exactly these cases), cluster, and keep the seed's cluster. The server and
 * `npm run bench series` both answer "the series of this case" with this function.
 * @param texts case eid → MO summary, for the cases whose summary may be compared
 */
export function seriesAround(
  seed: string,
  cases: readonly SeriesCase[],
  texts: ReadonlyMap<string, string>,
  s: SeriesSettings = DEFAULT_SERIES_SETTINGS,
): SeriesAround {
  const corpus = new MoCorpus(texts);
  const { pairs, series } = linkSeries(cases, corpus, s);
  const mine = series.find((g) => g.includes(seed));
  return { members: mine ?? [seed], pairs, corpus };
}
