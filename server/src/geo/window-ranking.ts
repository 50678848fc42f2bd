import type { IndexedHit, WindowHit } from './window-intersection.ts';

/** Options of `rankByWindows`. */
export interface RankByWindowsOptions {
  /** keep subjects hit in at least this many windows; default `DEFAULT_MIN_WINDOWS` */
  minWindows?: number;
  /** keep at most this many subjects; default `Infinity` */
  limit?: number;
}

/** A subject needs to be in two windows to say anything about a series. */
export const DEFAULT_MIN_WINDOWS = 2;

/**
 * Multi-scene collision (多点碰撞) as a ranking: unlike `intersectWindows`, a subject need not be in
 * every window; subjects are ranked by how many windows they were hit in (then by their earliest
 * hit, then eid), each with its first hit per window. "Who was near these N scenes at those times."
 * @param windows per window, the subjects hit there (one hit per subject; a repeat keeps the first)
 * @param options `minWindows`, `limit`
 * @returns subjects, most windows first, with their hits in window order
 * @example rankByWindows([[{ eid: 'P-1', hit: a }], [{ eid: 'P-1', hit: b }, { eid: 'P-2', hit: c }]], { minWindows: 1 })
 *   // [{ eid: 'P-1', hits: [{window:0,...a},{window:1,...b}] }, { eid: 'P-2', hits: [{window:1,...c}] }]
 */
export function rankByWindows(
  windows: readonly (readonly WindowHit[])[],
  options: RankByWindowsOptions = {},
): { eid: string; hits: IndexedHit[] }[] {
  const min = options.minWindows ?? DEFAULT_MIN_WINDOWS;
  const bySubject = new Map<string, IndexedHit[]>();
  for (const [i, hits] of windows.entries()) {
    for (const h of hits) {
      let list = bySubject.get(h.eid);
      if (!list) bySubject.set(h.eid, (list = []));
      if (list.some((x) => x.window === i)) continue;
      list.push({ window: i, ...h.hit });
    }
  }
  const first = (l: IndexedHit[]) => l.reduce((m, x) => (x.at < m ? x.at : m), l[0]?.at ?? '');
  return [...bySubject]
    .filter(([, l]) => l.length >= min)
    .sort(([ea, a], [eb, b]) => b.length - a.length || first(a).localeCompare(first(b)) || ea.localeCompare(eb))
    .slice(0, options.limit ?? Number.POSITIVE_INFINITY)
    .map(([eid, hits]) => ({ eid, hits }));
}
