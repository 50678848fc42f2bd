import type { Graph } from '@onemap/graph-schema/server';
import { withRead } from '../repositories/reader.ts';
import type { Viewer } from '../access/viewer.ts';
import { readCoTravel, readWindowHits } from '../repositories/analysis.ts';
import type { CollisionBody, CoTravelQuery } from '../schemas/analysis.ts';
import type { EntitySummary } from '../schemas/common.ts';
import { requireVisibleEntity, summaries } from './entity-view.ts';
import { timeRange } from './trajectory.ts';

/** Co-travel (同行): who was repeatedly near this entity in space and time, from visible traces only. */
export async function coTravel(graph: Graph, viewer: Viewer, q: CoTravelQuery) {
  return withRead(graph, async (r) => {
    const range = timeRange(q.from, q.to);
    const { row } = await requireVisibleEntity(r, q.eid, viewer);
    const rows = await readCoTravel(r, { ...q, ...range, eid: row.eid }, viewer.visibleSources);
    const sums = await summaries(
      r,
      rows.map((r) => r.eid),
      viewer,
    );
    return {
      eid: row.eid,
      companions: rows.filter((r) => sums.has(r.eid)).map((r) => ({ entity: sums.get(r.eid) as EntitySummary, together: r.together, first: r.first, last: r.last, places: r.places })),
    };
  });
}

/** Spatio-temporal collision (时空碰撞): who was in every one of these place/time windows. */
export async function collision(graph: Graph, viewer: Viewer, body: CollisionBody) {
  return withRead(graph, async (r) => {
    const windows = body.windows.map((w) => ({ ...w, ...timeRange(w.from, w.to, 31) }));
    const kinds = body.kinds ?? ['Person', 'Vehicle'];
    let common: Map<string, { window: number; at: string; placeEid: string; source: string }[]> | null = null;
    for (const [i, w] of windows.entries()) {
      const hits = await readWindowHits(r, w, kinds, viewer.visibleSources);
      const next = new Map<string, { window: number; at: string; placeEid: string; source: string }[]>();
      for (const h of hits) {
        if (common && !common.has(h.eid)) continue;
        next.set(h.eid, [...(common?.get(h.eid) ?? []), { window: i, ...h.hit }]);
      }
      common = next;
      if (common.size === 0) break;
    }
    const ids = [...(common?.keys() ?? [])].slice(0, body.limit);
    const sums = await summaries(r, ids, viewer);
    return {
      windows: windows.length,
      matches: ids.filter((id) => sums.has(id)).map((id) => ({ entity: sums.get(id) as EntitySummary, hits: common?.get(id) ?? [] })),
    };
  });
}
