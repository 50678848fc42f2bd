import type { Graph } from '@onemap/graph-schema/server';
import type { Viewer } from '../access/viewer.ts';
import { httpError } from '../errors.ts';
import { hexAggregate } from '../geo/hex-aggregate.ts';
import { countByDay, countByJurisdiction, countByPlace, type LayerFilter, readFacilities } from '../repositories/layers.ts';
import type { FacilityQuery, HeatQuery, HexbinQuery, JurisdictionQuery, TrendQuery } from '../schemas/layers.ts';
import { timeRange } from './trajectory.ts';

type BBoxQuery = { minLon?: number; minLat?: number; maxLon?: number; maxLat?: number };

function bboxOf(q: BBoxQuery): LayerFilter['bbox'] {
  const given = [q.minLon, q.minLat, q.maxLon, q.maxLat].filter((x) => x !== undefined).length;
  if (given === 0) return null;
  if (given !== 4) throw httpError('VALIDATION', { detail: 'a bounding box needs all of minLon, minLat, maxLon, maxLat' });
  const b = { minLon: q.minLon as number, minLat: q.minLat as number, maxLon: q.maxLon as number, maxLat: q.maxLat as number };
  if (b.minLon >= b.maxLon || b.minLat >= b.maxLat) throw httpError('VALIDATION', { detail: 'the bounding box is empty (min must be below max)' });
  return b;
}

function filterOf(viewer: Viewer, q: { from: string; to: string; traceKind?: string[] } & BBoxQuery): LayerFilter {
  const range = timeRange(q.from, q.to, 3660);
  return { ...range, traceKinds: q.traceKind ?? null, vs: viewer.visibleSources, bbox: bboxOf(q) };
}

/**
 * k-anonymity: a cell stays only when it counts at least k distinct subjects and, if it counts
 * persons at all, at least k persons. Suppressed cells are absent, not zeroed.
 */
export function keep(k: number, subjects: number, persons = subjects): boolean {
  return subjects >= k && (persons === 0 || persons >= k);
}

/** Counts per jurisdiction of the visited places (county, or city). */
export async function jurisdictionLayer(graph: Graph, viewer: Viewer, q: JurisdictionQuery) {
  const rows = await countByJurisdiction(graph, filterOf(viewer, q), q.level);
  const k = viewer.kAnonymity;
  const cells = rows
    .filter((r) => keep(k, r.subjects, r.persons))
    .map((r) => ({ unitCode: r.unit, name: viewer.units.get(r.unit)?.name ?? null, persons: r.persons, traces: r.traces }));
  // Which units were suppressed (never their counts), so a map can draw them as "fewer than k"
  // instead of as empty: a planner must tell "nobody" from "too few to show".
  const shown = new Set(cells.map((c) => c.unitCode));
  const suppressedUnits = rows.filter((r) => !shown.has(r.unit)).map((r) => r.unit);
  return { level: q.level, k, suppressed: suppressedUnits.length, suppressedUnits, cells };
}

/** Density of traces on H3 hexagons (`hexAggregate`), cells under k suppressed. */
export async function hexbinLayer(graph: Graph, viewer: Viewer, q: HexbinQuery) {
  const places = await countByPlace(graph, filterOf(viewer, q));
  const cells = hexAggregate(places, { resolution: q.resolution });
  const k = viewer.kAnonymity;
  const out = cells.filter((c) => keep(k, c.subjects)).map((c) => ({ h3: c.h3, lon: c.lon, lat: c.lat, persons: c.subjects, traces: c.traces }));
  return { resolution: q.resolution, k, suppressed: cells.length - out.length, cells: out };
}

/** Heat points: visited places weighted by distinct subjects, small ones suppressed. */
export async function heatLayer(graph: Graph, viewer: Viewer, q: HeatQuery) {
  const places = await countByPlace(graph, filterOf(viewer, q));
  const k = viewer.kAnonymity;
  const points = places.filter((p) => keep(k, p.subjects.length)).map((p) => ({ lon: p.lon, lat: p.lat, weight: p.subjects.length }));
  return { k, suppressed: places.length - points.length, points };
}

/** Trend per day (走势图). */
export async function trendLayer(graph: Graph, viewer: Viewer, q: TrendQuery) {
  const rows = await countByDay(graph, filterOf(viewer, q), q.unitCode ?? null);
  const k = viewer.kAnonymity;
  const days = rows.filter((r) => keep(k, r.subjects)).map((r) => ({ day: r.day, persons: r.subjects, traces: r.traces }));
  return { k, suppressed: rows.length - days.length, days };
}

/** Facilities by kind (no homes): hotels, internet cafés, stations, checkpoints … from visible sources. */
export async function facilityLayer(graph: Graph, viewer: Viewer, q: FacilityQuery) {
  const rows = await readFacilities(graph, { vs: viewer.visibleSources, bbox: bboxOf(q) }, q.kind ?? null, q.limit + 1);
  const truncated = rows.length > q.limit;
  const kept = rows.slice(0, q.limit);
  const counts: Record<string, number> = {};
  for (const r of kept) counts[r.placeKind] = (counts[r.placeKind] ?? 0) + 1;
  return {
    counts,
    features: kept.map((r) => ({
      type: 'Feature' as const,
      geometry: { type: 'Point' as const, coordinates: [r.lon, r.lat] },
      properties: { eid: r.eid, name: r.name, placeKind: r.placeKind, unitCode: r.unitCode },
    })),
    truncated,
  };
}
