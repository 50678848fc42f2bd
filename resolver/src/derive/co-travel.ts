import type { Graph } from '@onemap/graph-schema/server';
import { mergeCoTravelEdges } from '../graph/co-travel.ts';

export interface CoTravelSettings {
  /** two sightings at the same place count together when this close in time */
  toleranceMinutes: number;
  /** minimum number of distinct (place, day) co-occurrences for a CO_TRAVELED edge */
  minCount: number;
}

/**
 * Recomputes `CO_TRAVELED {count, first, last}` for the given persons: pairs seen at the same
 * place within the time tolerance on at least `minCount` distinct (place, day) occasions.
 * Incremental: only pairs involving these persons are recomputed. The edge points from the
 * smaller eid to the larger one, so a pair has one edge. `sources` lists the sources of the
 * sightings it was derived from: a viewer sees the edge only if every one is visible to them.
 */
export async function deriveCoTravel(graph: Graph, personEids: string[], s: CoTravelSettings): Promise<number> {
  if (!personEids.length) return 0;
  let written = 0;
  for (let i = 0; i < personEids.length; i += 500) {
    const eids = personEids.slice(i, i + 500);
    written += await mergeCoTravelEdges(graph, eids, s.toleranceMinutes, s.minCount);
  }
  return written;
}
