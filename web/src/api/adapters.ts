/**
 * Adapters: server answer shapes (@onemap/server/schemas, imported as types only) → the view models
 * in ./types.ts. A server change is absorbed here. Pure functions (no storage, no network), so they
 * are unit-tested on their own.
 */
import type { EntityKind, GraphResult, PlaceFeature, Profile, StayPoint, TracePoint, Trajectory } from './types.ts';
import type * as W from './wire.ts';

/** A display name: the visible name, `***` when masked, else the eid (never blank). */
export const name = (n: string | null, masked: boolean, eid = '—') => n ?? (masked ? '***' : eid);

export function toProfile(p: W.Profile): Profile {
  const attributes = Object.entries(p.golden).map(([k, v]) => ({
    name: k,
    value: v.value === null || typeof v.value === 'boolean' ? (v.value === null ? null : String(v.value)) : v.value,
    masked: v.masked,
    source: v.source,
    rid: v.rid,
  }));
  // an identifier the golden values already show, from the same source (a place's code), is not listed twice
  const shown = new Set(attributes.map((a) => `${a.value}\u0000${a.source}`));
  for (const i of p.identifiers) {
    if (shown.has(`${i.value}\u0000${i.source}`)) continue;
    attributes.push({ name: `id:${i.kind}`, value: i.value, masked: i.masked, source: i.source, rid: '' });
  }
  const nm = p.golden.name?.value ?? p.golden.plate?.value ?? p.golden.number?.value ?? p.eid;
  return {
    eid: p.eid,
    kind: p.kind as EntityKind,
    name: String(nm),
    attributes,
    relations: p.relations.map((r) => ({
      type: r.type,
      direction: r.direction,
      eid: r.other.eid,
      kind: r.other.kind as EntityKind,
      name: name(r.other.name, r.other.nameMasked, r.other.eid),
      props: { source: r.source, role: r.role },
    })),
    traces: p.recentTraces.map((t) => ({
      at: t.at,
      until: t.until,
      kind: t.kind,
      source: t.source,
      place: {
        eid: t.place.eid,
        name: t.place.name ?? '—',
        lon: t.place.lon ?? Number.NaN,
        lat: t.place.lat ?? Number.NaN,
      },
    })),
    quality: [], // the profile answer carries no quality flags (yet): tickets live under /api/quality
    sources: p.records.map((r) => ({ rid: r.rid, source: r.source, receivedAt: r.receivedAt ?? undefined })),
  };
}

export function toTrajectory(t: W.Trajectory, placeIdx: Map<string, PlaceFeature>): Trajectory {
  const points: TracePoint[] = (
    t.points.features as { geometry: { coordinates: [number, number] }; properties: Record<string, unknown> }[]
  ).map((f) => ({
    at: String(f.properties.at),
    until: (f.properties.until as string | null) ?? null,
    kind: String(f.properties.kind),
    source: String(f.properties.source),
    place: {
      eid: String(f.properties.placeEid),
      name: String(f.properties.placeName ?? '—'),
      kind: f.properties.placeKind as string | undefined,
      lon: f.geometry.coordinates[0],
      lat: f.geometry.coordinates[1],
    },
  }));
  const stays: StayPoint[] = t.stayPoints.map((s) => ({
    lon: s.lon,
    lat: s.lat,
    from: s.start,
    to: s.end,
    placeEid: s.placeEids[0],
    placeName: s.placeEids
      .map((e) => placeIdx.get(e)?.name ?? points.find((p) => p.place.eid === e)?.place.name ?? e)
      .join('、'),
  }));
  return { eid: t.eid, points, stays };
}

export function toGraph(
  nodes: W.EntitySummary[],
  edges: W.GraphEdgeW[],
  placeIdx: Map<string, PlaceFeature>,
): GraphResult {
  return {
    nodes: nodes.map((n) => {
      const p = placeIdx.get(n.eid);
      return {
        eid: n.eid,
        kind: n.kind as EntityKind,
        name: name(n.name, n.nameMasked, n.eid),
        lon: p?.lon ?? null,
        lat: p?.lat ?? null,
      };
    }),
    edges: edges.map((e) => ({ source: e.from, target: e.to, type: e.type, props: e.props })),
  };
}
