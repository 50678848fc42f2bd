import type { Graph } from '@onemap/graph-schema/server';
import { countTravellers, findCoOccurrences, replaceCoTravelEdges } from '../graph/co-travel.ts';
import { type CoTravelScoreSettings, companionReach, DEFAULT_COTRAVEL_SCORE, scoreCoTravel } from './co-travel-score.ts';

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
  const settings: CoTravelScoreSettings = { ...DEFAULT_COTRAVEL_SCORE, ...s.score, minOccasions: s.minCount };
  const population = await countTravellers(graph);
  let written = 0;
  for (let i = 0; i < personEids.length; i += COTRAVEL_CHUNK) {
    const eids = personEids.slice(i, i + COTRAVEL_CHUNK);
    // only pairs that can be companions are read (`companionReach`)
    const rows = await findCoOccurrences(graph, eids, s.toleranceMinutes, companionReach(settings));
    const edges = scoreCoTravel(rows, population, settings)
      .filter((p) => p.companions)
      .map((p) => ({
        x: p.x,
        y: p.y,
        count: p.count,
        first: p.first,
        last: p.last,
        sources: p.sources,
        score: p.score,
        reasons: JSON.stringify(p.reasons),
      }));
    written += await replaceCoTravelEdges(graph, eids, edges, s.toleranceMinutes);
  }
  return written;
}
