import type { Graph } from '@onemap/graph-schema/server';
import { type CoTravelEdgeRow, countTravellers, findCoOccurrences, findSightingCoOccurrences, type PersonSightings, replaceCoTravelEdges, replacePairEdges } from '../graph/co-travel.ts';
import { parseCoTravelMarks } from './derive-queue.ts';
import { type CoTravelScoreSettings, companionReach, DEFAULT_COTRAVEL_SCORE, type ScoredPair, scoreCoTravel } from './co-travel-score.ts';

export interface CoTravelSettings {
  /** two sightings at the same place count together when this close in time */
  toleranceMinutes: number;
  /** minimum number of distinct (place, day) co-occurrences for a CO_TRAVELED edge */
  minCount: number;
  /** chance-based thresholds (legs, places, coincidences); default `DEFAULT_COTRAVEL_SCORE` */
  score?: Partial<Omit<CoTravelScoreSettings, 'minOccasions'>>;
}

/** Persons recomputed per read and write transaction. */
export const COTRAVEL_CHUNK = 500;

/**
 * Recomputes `CO_TRAVELED {count, first, last, toleranceMinutes, sources, score, reasons}` for
 * the given persons: every pair seen at the same place within the tolerance is scored by how
 * unlikely its co-occurrences are by chance (`scoreCoTravel`), and only companions keep an edge
 * (an edge of these persons that no longer qualifies is removed). Incremental: only pairs
 * involving these persons are recomputed. The edge points from the smaller eid to the larger
 * one. `sources` lists the sources of the sightings it was derived from: a viewer sees the edge
 * only if every one is visible to them. `reasons` is JSON (`CoTravelReasons`).
 */
export async function deriveCoTravel(graph: Graph, personEids: string[], s: CoTravelSettings): Promise<number> {
  if (!personEids.length) return 0;
  const settings = scoreSettingsOf(s);
  const population = await countTravellers(graph);
  let written = 0;
  for (let i = 0; i < personEids.length; i += COTRAVEL_CHUNK) {
    const eids = personEids.slice(i, i + COTRAVEL_CHUNK);
    // only pairs that can be companions are read (`companionReach`)
    const rows = await findCoOccurrences(graph, eids, s.toleranceMinutes, companionReach(settings));
    const edges = scoreCoTravel(rows, population, settings).filter((p) => p.companions).map(edgeRowOf);
    written += await replaceCoTravelEdges(graph, eids, edges, s.toleranceMinutes);
  }
  return written;
}

function scoreSettingsOf(s: CoTravelSettings): CoTravelScoreSettings {
  return { ...DEFAULT_COTRAVEL_SCORE, ...s.score, minOccasions: s.minCount };
}

function edgeRowOf(p: ScoredPair): CoTravelEdgeRow {
  return { x: p.x, y: p.y, count: p.count, first: p.first, last: p.last, sources: p.sources, score: p.score, reasons: JSON.stringify(p.reasons) };
}

/**
 * Derives `CO_TRAVELED` for the pairs that new sightings can change: each person of `sightings`
 * with every person at the place of one of its new sightings within the tolerance
 * (`findSightingCoOccurrences`), scored on every co-occurrence of the pair, as `deriveCoTravel`
 * scores them; the edges of other pairs are left as they are. New sightings only add
 * co-occurrences, so no other pair of these persons can have changed (a sighting taken away
 * derives its person whole: `coTravelMark.person`). Its cost follows the new sightings' crowds,
 * not the persons' histories. Returns the edges derived.
 */
export async function deriveCoTravelOfSightings(graph: Graph, sightings: readonly PersonSightings[], s: CoTravelSettings): Promise<number> {
  return (await deriveSightingPairs(graph, sightings, s, null)).written;
}

/**
 * `deriveCoTravelOfSightings` for the persons whose marked sightings are in crowds of at most
 * `crowdMax` persons (no limit: null); the others are not derived and are returned as `crowded`.
 */
async function deriveSightingPairs(
  graph: Graph,
  sightings: readonly PersonSightings[],
  s: CoTravelSettings,
  crowdMax: number | null,
): Promise<{ written: number; crowded: string[] }> {
  if (!sightings.length) return { written: 0, crowded: [] };
  const settings = scoreSettingsOf(s);
  const population = await countTravellers(graph);
  let written = 0;
  const crowded: string[] = [];
  for (let i = 0; i < sightings.length; i += COTRAVEL_CHUNK) {
    const read = await findSightingCoOccurrences(graph, sightings.slice(i, i + COTRAVEL_CHUNK), s.toleranceMinutes, companionReach(settings), crowdMax);
    crowded.push(...read.crowded);
    const scored = scoreCoTravel(read.rows, population, settings);
    written += await replacePairEdges(graph, scored, scored.filter((p) => p.companions).map(edgeRowOf), s.toleranceMinutes);
  }
  return { written, crowded };
}

/**
 * The most persons at a new sighting's place and time for which its pairs are derived one by one
 * (`deriveCoTravelOfSightings`); a person with a sighting in a larger crowd is derived whole
 * (`deriveCoTravel`). Deriving a pair joins both persons' visits, so a sighting's cost grows with
 * its crowd: at a hotel or an internet café, a few others, far cheaper than reading the crowds of
 * every place of the person's history; at a station at rush hour, hundreds, dearer than that.
 */
export const SIGHTING_CROWD_MAX = 20;

/**
 * Derives co-travel for pending marks as a derive job takes them (`coTravelMark`): persons whole,
 * sightings incrementally — but a person with a sighting among more than `crowdMax` persons
 * whole. Resolves with the edges derived and the persons marked.
 */
export async function deriveCoTravelMarks(
  graph: Graph,
  marks: readonly string[],
  s: CoTravelSettings,
  crowdMax = SIGHTING_CROWD_MAX,
): Promise<{ written: number; persons: string[] }> {
  const parsed = parseCoTravelMarks(marks);
  const bySightings = await deriveSightingPairs(graph, parsed.sightings, s, Number.isFinite(crowdMax) ? crowdMax : null);
  const whole = [...parsed.persons, ...bySightings.crowded];
  const crowded = new Set(bySightings.crowded);
  const written = bySightings.written + (await deriveCoTravel(graph, whole, s));
  return { written, persons: [...whole, ...parsed.sightings.map((x) => x.eid).filter((eid) => !crowded.has(eid))] };
}
