import type { Graph } from '@onemap/graph-schema/server';
import { withRead } from '../repositories/reader.ts';
import type { Viewer } from '../access/viewer.ts';
import { httpError } from '../errors.ts';
import { stayPoints, type TimedPoint } from '../geo/stay-points.ts';
import { readTrajectory } from '../repositories/traces.ts';
import { placeViews, requireVisibleEntity, tracePlace } from './entity-view.ts';

/** Parses a time range and checks it: from < to, at most 366 days. */
export function timeRange(from: string, to: string, maxDays = 366): { from: string; to: string } {
  const a = Date.parse(from);
  const b = Date.parse(to);
  if (Number.isNaN(a) || Number.isNaN(b)) throw httpError('VALIDATION', { detail: 'from and to must be ISO 8601 times' });
  if (a >= b) throw httpError('VALIDATION', { detail: 'from must be before to' });
  if (b - a > maxDays * 86_400_000) throw httpError('VALIDATION', { detail: `the time range may span at most ${maxDays} days` });
  return { from: new Date(a).toISOString(), to: new Date(b).toISOString() };
}

/** Trajectory of a person or vehicle: GeoJSON points and line, stay points, and trace kinds on one timeline (多轨联控). */
export async function trajectory(
  graph: Graph,
  eid: string,
  viewer: Viewer,
  q: { from: string; to: string; stayRadiusM: number; stayMinMinutes: number; limit: number },
) {
  return withRead(graph, async (r) => {
    const range = timeRange(q.from, q.to);
    const { row } = await requireVisibleEntity(r, eid, viewer, { records: 0 });
    if (row.kind !== 'Person' && row.kind !== 'Vehicle') throw httpError('BAD_REQUEST', { detail: `a trajectory is for a Person or Vehicle, ${eid} is a ${row.kind}` });
    const rows = await readTrajectory(r, row.eid, range.from, range.to, viewer.visibleSources, q.limit + 1);
    const truncated = rows.length > q.limit;
    const traces = rows.slice(0, q.limit);
    const features = [];
    const timed: TimedPoint[] = [];
    const places = await placeViews(
      r,
      traces.map((t) => t.placeEid),
      viewer,
    );
    for (const t of traces) {
      const pl = tracePlace(viewer, t, places);
      const pos = pl.position;
      if (!pos) continue;
      features.push({
        type: 'Feature' as const,
        geometry: { type: 'Point' as const, coordinates: [pos.lon, pos.lat] },
        properties: { at: t.at, until: t.until, kind: t.kind, source: t.source, placeEid: t.placeEid, placeName: pl.name, placeKind: pl.placeKind, coarsened: pos.coarsened },
      });
      timed.push({ lon: pos.lon, lat: pos.lat, at: t.at, until: t.until, placeEid: t.placeEid });
    }
    const lanes = new Map<string, { kind: string; count: number; first: string; last: string; items: { at: string; until: string | null; placeEid: string; source: string }[] }>();
    for (const t of traces) {
      const lane = lanes.get(t.kind) ?? { kind: t.kind, count: 0, first: t.at, last: t.at, items: [] };
      lane.count++;
      lane.last = t.at;
      lane.items.push({ at: t.at, until: t.until, placeEid: t.placeEid, source: t.source });
      lanes.set(t.kind, lane);
    }
    return {
      eid: row.eid,
      kind: row.kind,
      from: range.from,
      to: range.to,
      points: { type: 'FeatureCollection' as const, features },
      line:
        timed.length >= 2
          ? { type: 'Feature', geometry: { type: 'LineString', coordinates: timed.map((p) => [p.lon, p.lat]) }, properties: { times: timed.map((p) => p.at) } }
          : null,
      stayPoints: stayPoints(timed, { radiusM: q.stayRadiusM, minMinutes: q.stayMinMinutes }),
      timeline: [...lanes.values()],
      truncated,
    };
  });
}
