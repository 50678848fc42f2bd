import type { Graph } from '@onemap/graph-schema/server';
import type { Viewer } from '../access/viewer.ts';
import { intersectWindows, type WindowHit } from '../geo/window-intersection.ts';
import { readCoLocation, readWindowHits, type WindowPlaces } from '../repositories/analysis.ts';
import { withRead } from '../repositories/reader.ts';
import { type CollisionBody, type CoLocationQuery, DEFAULT_COLLISION_RADIUS_M } from '../schemas/analysis.ts';
import { placesInArea } from './areas.ts';
import type { EntitySummary } from '../schemas/common.ts';
import { requireVisibleEntity, summaries } from './entity-view.ts';
import { timeRange } from './trajectory.ts';

/**
 * Co-location (同地出现): which entities, of any kind, had sightings at places within `radiusM` of
 * this entity's sightings and within ±`windowMinutes`, and how often — from visible traces only.
 * Not the derived `CO_TRAVELED` edge ("companions": persons at the same place on ≥ 2 place-days).
 * `truncated` says the answer was cut: by `limit`, or by a named cap of the query (`truncatedBy`).
 */
export async function coLocation(graph: Graph, viewer: Viewer, q: CoLocationQuery) {
  return withRead(graph, async (r) => {
    const range = timeRange(q.from, q.to);
    const { row } = await requireVisibleEntity(r, q.eid, viewer, { records: 0 });
    const { rows, truncatedBy: caps } = await readCoLocation(r, { ...q, ...range, eid: row.eid }, viewer.visibleSources);
    const kept = rows.slice(0, q.limit);
    const sums = await summaries(
      r,
      kept.map((x) => x.eid),
      viewer,
    );
    const truncatedBy = { limit: rows.length > q.limit, ...caps };
    return {
      eid: row.eid,
      coLocated: kept.filter((x) => sums.has(x.eid)).map((x) => ({ entity: sums.get(x.eid) as EntitySummary, together: x.together, first: x.first, last: x.last, places: x.places })),
      truncated: Object.values(truncatedBy).some(Boolean),
      truncatedBy,
    };
  });
}

/**
 * Spatio-temporal collision (时空碰撞): who was in every one of these place/time windows. A window's
 * area is a circle, a drawn polygon or a jurisdiction the viewer may name (else 400).
 */
export async function collision(graph: Graph, viewer: Viewer, body: CollisionBody) {
  return withRead(graph, async (r) => {
    const kinds = body.kinds ?? ['Person', 'Vehicle'];
    let capped = false;
    // Every area is checked before any hit is read, so a bad jurisdiction in the last window is a 400 whatever the data.
    const windows: (WindowPlaces & { from: string; to: string })[] = [];
    for (const w of body.windows) {
      const range = timeRange(w.from, w.to, 31);
      if (w.polygon || w.jurisdiction) {
        const area = await placesInArea(r, viewer, w.polygon ? { polygon: w.polygon } : { jurisdiction: w.jurisdiction as string });
        capped ||= area.truncated;
        windows.push({ placeEids: area.placeEids, ...range });
      } else windows.push({ lon: w.lon as number, lat: w.lat as number, radiusM: w.radiusM ?? DEFAULT_COLLISION_RADIUS_M, ...range });
    }
    const perWindow: WindowHit[][] = [];
    for (const w of windows) {
      const { hits, truncated } = await readWindowHits(r, w, kinds, viewer.visibleSources);
      perWindow.push(hits);
      capped ||= truncated;
      if (intersectWindows(perWindow).size === 0) break;
    }
    const common = intersectWindows(perWindow);
    const ids = [...common.keys()].slice(0, body.limit);
    const sums = await summaries(r, ids, viewer);
    return {
      windows: windows.length,
      matches: ids.filter((id) => sums.has(id)).map((id) => ({ entity: sums.get(id) as EntitySummary, hits: common.get(id) ?? [] })),
      truncated: capped || common.size > body.limit,
    };
  });
}
