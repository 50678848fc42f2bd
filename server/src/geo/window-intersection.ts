/** One subject's first sighting inside one place/time window. */
export interface WindowHit {
  eid: string;
  hit: { at: string; placeEid: string; source: string };
}

/** A subject's hit in window `window` (0-based, in the order the windows were given). */
export interface IndexedHit {
  window: number;
  at: string;
  placeEid: string;
  source: string;
}

/** Options of `intersectWindows`. */
export interface IntersectWindowsOptions {
  /** keep at most this many subjects; default `Infinity` */
  limit?: number;
}

/**
 * Spatio-temporal collision (时空碰撞) as a set operation: the subjects hit in every window, each
 * with its hit per window. Windows are intersected in order; subjects come in the order of the
 * last window's hits. A subject listed twice in one window keeps its first hit there.
 * @param windows per window, the subjects hit there (one hit per subject)
 * @param options `limit` on the subjects returned
 * @returns subject eid → its hits, one per window, in window order; empty when any window is empty
 * @example intersectWindows([[{ eid: 'P-1', hit: a }], [{ eid: 'P-1', hit: b }, { eid: 'P-2', hit: c }]]) // Map { 'P-1' => [{window:0,...a}, {window:1,...b}] }
 */
export function intersectWindows(windows: readonly (readonly WindowHit[])[], options: IntersectWindowsOptions = {}): Map<string, IndexedHit[]> {
  let common: Map<string, IndexedHit[]> | null = null;
  for (const [i, hits] of windows.entries()) {
    const next = new Map<string, IndexedHit[]>();
    for (const h of hits) {
      if (common && !common.has(h.eid)) continue;
      if (next.has(h.eid)) continue;
      next.set(h.eid, [...(common?.get(h.eid) ?? []), { window: i, ...h.hit }]);
    }
    common = next;
    if (common.size === 0) break;
  }
  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  return new Map([...(common ?? new Map<string, IndexedHit[]>())].slice(0, limit));
}
