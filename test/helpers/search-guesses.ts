/**
 * Search as an oracle: a right and a wrong guess at what a mask hides must give the same answer and
 * cost the same work (candidates found, nodes read), or the answer's time confirms the guess.
 */
import type { Graph } from '@onemap/graph-schema/server';
import { expect } from 'vitest';
import type { Viewer } from '../../server/src/access/viewer.ts';
import { type SearchStats, search } from '../../server/src/services/search.ts';

/** What a search says (total, `truncated`) and the work it did (candidates found, nodes read). */
export async function searchWork(graph: Graph, viewer: Viewer, q: string) {
  const stats = {} as SearchStats;
  const res = await search(graph, viewer, q, null, 1, 20, { stats });
  return { total: res.total, truncated: res.truncated ?? false, candidates: stats.candidates, nodesRead: stats.nodesRead };
}

/** No hit and no work: no candidate found, no node read, no truncation said. */
export const NO_WORK = { total: 0, truncated: false, candidates: 0, nodesRead: 0 };

/**
 * Expects each pair's right and wrong guess to say and cost the same, and that to be nothing
 * unless `findsAnyway(right)` (a term beside the guess, a name, finds the entity for both).
 */
export async function expectGuessesAlike(graph: Graph, viewer: Viewer, pairs: readonly (readonly [string, string])[], findsAnyway: (q: string) => boolean = () => false) {
  for (const [right, wrong] of pairs) {
    const [r, w] = [await searchWork(graph, viewer, right), await searchWork(graph, viewer, wrong)];
    expect(r, right).toEqual(w);
    if (!findsAnyway(right)) expect(r, right).toEqual(NO_WORK);
  }
}
