import type { Graph } from '@onemap/graph-schema/server';
import { getHexagonEdgeLengthAvg, UNITS } from 'h3-js';
import { attrsOf, type VisibleRecord } from '../access/golden.ts';
import { effectiveGrade } from '../access/policy.ts';
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

/**
 * Published counts are rounded to a multiple of this base (after cells under k are dropped), so
 * the difference between two overlapping aggregates that isolates fewer than ROUNDING_BASE people
 * does not show (docs/security.md, "Aggregates and differencing").
 */
export const ROUNDING_BASE = 5;

const DAY_MS = 86_400_000;

/**
 * Aggregates are computed over whole UTC days only: a window is widened to the days it touches,
 * so two answers can differ by whole days at most, never by an hour around one home.
 * @example alignedDays('2026-11-01T07:30:00Z', '2026-11-01T08:30:00Z') // { from: '2026-11-01T00:00:00.000Z', to: '2026-11-02T00:00:00.000Z' }
 */
export function alignedDays(from: string, to: string, maxDays = 3660): { from: string; to: string } {
  const r = timeRange(from, to, maxDays);
  const a = Math.floor(Date.parse(r.from) / DAY_MS) * DAY_MS;
  const b = Math.ceil(Date.parse(r.to) / DAY_MS) * DAY_MS;
  if (b - a > maxDays * DAY_MS) throw httpError('VALIDATION', { detail: `the time range may span at most ${maxDays} days` });
  return { from: new Date(a).toISOString(), to: new Date(b).toISOString() };
}

/**
 * The data's time extent as a layer may publish it: widened to the whole UTC days it touches, as
 * every other layer answers — the last trace is often one person's sighting, its second is not an
 * aggregate.
 */
export function extentInWholeDays(r: { from: string | null; to: string | null }): { from: string | null; to: string | null } {
  const day = (t: string | null, round: (x: number) => number) => (t === null ? null : new Date(round(Date.parse(t) / DAY_MS) * DAY_MS).toISOString());
  return { from: day(r.from, Math.floor), to: day(r.to, Math.ceil) };
}

/**
 * A count as published: null (the cell is left out, and not counted anywhere) below k, else
 * rounded to the nearest multiple of ROUNDING_BASE (never to 0).
 */
export function publish(k: number, count: number): number | null {
  if (count < k) return null;
  return Math.max(ROUNDING_BASE, Math.round(count / ROUNDING_BASE) * ROUNDING_BASE);
}

function filterOf(viewer: Viewer, q: { from: string; to: string; traceKind?: string[] } & BBoxQuery): LayerFilter {
  return { ...alignedDays(q.from, q.to), traceKinds: q.traceKind ?? null, vs: viewer.visibleSources, bbox: bboxOf(q) };
}

/**
 * k-anonymity: a cell stays only when it counts at least k distinct subjects and, if it counts
 * persons at all, at least k persons. Suppressed cells are absent, not zeroed, and their number is
 * not published either (a "1 suppressed" for a box around one home says someone was there). The
 * same rule, in Cypher, keeps the county cells a city cell or a trend day is made of
 * (`KEPT_COUNTY_CELLS` in repositories/layers.ts).
 */
export function keep(k: number, subjects: number, persons: number): boolean {
  return subjects >= k && (persons === 0 || persons >= k);
}

/** The persons of a kept cell as published: 0 when it counts none (vehicles only), else rounded (`publish`). */
function publishPersons(k: number, persons: number): number {
  return persons === 0 ? 0 : (publish(k, persons) as number);
}

/** Counts per jurisdiction of the visited places (county, or city). */
export async function jurisdictionLayer(graph: Graph, viewer: Viewer, q: JurisdictionQuery) {
  const f = filterOf(viewer, q);
  const k = viewer.kAnonymity;
  const rows = await countByJurisdiction(graph, f, q.level, k);
  const cells = rows
    .filter((r) => keep(k, r.subjects, r.persons))
    .map((r) => ({ unitCode: r.unit, name: viewer.units.get(r.unit)?.name ?? null, persons: publishPersons(k, r.persons), traces: publish(k, r.traces) as number }));
  return { level: q.level, k, roundedTo: ROUNDING_BASE, from: f.from, to: f.to, cells };
}

/** Density of traces on H3 hexagons (`hexAggregate`), cells under k left out, counts rounded. */
export async function hexbinLayer(graph: Graph, viewer: Viewer, q: HexbinQuery) {
  // A box only chooses which whole cells come back: the places of every cell it touches are
  // counted, so moving the box's edges changes no count.
  const f = filterOf(viewer, q);
  const bbox = f.bbox;
  const margin = (getHexagonEdgeLengthAvg(q.resolution, UNITS.km) * 2) / 90; // ≥ one cell, in degrees (cos 36° ≈ 0.8)
  const places = await countByPlace(graph, { ...f, bbox: bbox && { minLon: bbox.minLon - margin, minLat: bbox.minLat - margin, maxLon: bbox.maxLon + margin, maxLat: bbox.maxLat + margin } });
  const k = viewer.kAnonymity;
  // distinct persons per cell beside distinct subjects (persons and vehicles): k applies to both
  const out = (await hexAggregate(places, { resolution: q.resolution }))
    .map((c) => ({ ...c, persons: c.persons ?? 0 }))
    .filter((c) => keep(k, c.subjects, c.persons))
    .filter((c) => !bbox || (c.lon >= bbox.minLon && c.lon <= bbox.maxLon && c.lat >= bbox.minLat && c.lat <= bbox.maxLat))
    .map((c) => ({ h3: c.h3, lon: c.lon, lat: c.lat, persons: publishPersons(k, c.persons), traces: publish(k, c.traces) as number }));
  return { resolution: q.resolution, k, roundedTo: ROUNDING_BASE, from: f.from, to: f.to, cells: out };
}

/** Heat points: visited places weighted by distinct subjects, small ones suppressed. */
export async function heatLayer(graph: Graph, viewer: Viewer, q: HeatQuery) {
  const f = filterOf(viewer, q);
  const places = await countByPlace(graph, f);
  const k = viewer.kAnonymity;
  // a place is a fixed cell; homes are never points of their own (their position is an address)
  const points = places.filter((p) => !p.home && keep(k, p.subjects.length, p.persons.length)).map((p) => ({ lon: p.lon, lat: p.lat, weight: publish(k, p.subjects.length) as number }));
  return { k, roundedTo: ROUNDING_BASE, from: f.from, to: f.to, points };
}

/** Trend per day (走势图). */
export async function trendLayer(graph: Graph, viewer: Viewer, q: TrendQuery) {
  const f = filterOf(viewer, q);
  const k = viewer.kAnonymity;
  const rows = await countByDay(graph, f, q.unitCode ?? null, k);
  const days = rows.filter((r) => keep(k, r.subjects, r.persons)).map((r) => ({ day: r.day, persons: publishPersons(k, r.persons), traces: publish(k, r.traces) as number }));
  return { k, roundedTo: ROUNDING_BASE, from: f.from, to: f.to, days };
}

/**
 * Facilities by kind: hotels, internet cafés, stations, checkpoints … as the viewer's visible
 * sources describe them (a place another source calls an incident site stays a hotel for a unit
 * that cannot see that source). A place any source calls a home is never returned.
 */
export async function facilityLayer(graph: Graph, viewer: Viewer, q: FacilityQuery) {
  const rows = await readFacilities(graph, { vs: viewer.visibleSources, bbox: bboxOf(q) }, q.kind ? MAX_FACILITIES + 1 : q.limit + 1);
  const features = [];
  for (const r of rows) {
    const v = facilityView(r.recs, viewer);
    if (!v.placeKind || v.placeKind === 'home') continue;
    if (q.kind && !q.kind.includes(v.placeKind)) continue;
    features.push({
      type: 'Feature' as const,
      geometry: { type: 'Point' as const, coordinates: [r.lon, r.lat] },
      properties: { eid: r.eid, name: v.name, placeKind: v.placeKind, unitCode: r.unitCode },
    });
  }
  const truncated = features.length > q.limit || rows.length > (q.kind ? MAX_FACILITIES : q.limit);
  const kept = features.slice(0, q.limit);
  const counts: Record<string, number> = {};
  for (const f of kept) counts[f.properties.placeKind] = (counts[f.properties.placeKind] ?? 0) + 1;
  return { counts, features: kept, truncated };
}

/** The most a facilities answer returns (the route's `limit` maximum). */
const MAX_FACILITIES = 20_000;

/**
 * Kind and name of a facility from the records the viewer may see, chosen like golden values
 * (authority, then the latest). The name shows only when its grade is public (≤ 2) in that source:
 * a facility's name is not personal data, and planners (who see no field in plain) still see it.
 */
function facilityView(records: readonly VisibleRecord[], viewer: Viewer): { placeKind: string | null; name: string | null } {
  const pick = (attr: string) => {
    let best: { value: string; r: VisibleRecord; auth: boolean } | null = null;
    for (const r of records) {
      const value = attrsOf(r)[attr];
      if (value === null || value === undefined || value === '' || typeof value === 'object') continue;
      const auth = viewer.isAuthority(r.source, `Place.${attr}`);
      if (!best || (auth && !best.auth) || (auth === best.auth && (r.receivedAt ?? '') > (best.r.receivedAt ?? ''))) best = { value: String(value), r, auth };
    }
    return best;
  };
  const kind = pick('placeKind');
  const name = pick('name');
  const publicName = name && effectiveGrade(viewer.source(name.r.source), name.r.role, 'name') <= 2 ? name.value : null;
  return { placeKind: kind?.value ?? null, name: publicName };
}
