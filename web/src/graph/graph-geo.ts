import type { GraphResult, GraphNode } from '../api/types.ts';

export interface PositionedNode extends GraphNode {
  position: [number, number];
  /** true when placed at the mean of its located neighbours rather than its own location. */
  derived: boolean;
}

export interface Arc {
  id: string;
  source: string;
  target: string;
  type: string;
  from: [number, number];
  to: [number, number];
}

/**
 * Places graph nodes on the map: nodes with a location keep it; a node without one (a
 * person, a phone) sits at the mean of its located neighbours. Edges between two placed
 * nodes become arcs.
 */
export function graphOnMap(g: GraphResult): { nodes: PositionedNode[]; arcs: Arc[] } {
  const pos = new Map<string, { p: [number, number]; derived: boolean }>();
  for (const n of g.nodes) if (typeof n.lon === 'number' && typeof n.lat === 'number') pos.set(n.eid, { p: [n.lon, n.lat], derived: false });
  for (const n of g.nodes) {
    if (pos.has(n.eid)) continue;
    const nb: [number, number][] = [];
    for (const e of g.edges) {
      const other = e.source === n.eid ? e.target : e.target === n.eid ? e.source : null;
      const p = other ? pos.get(other) : undefined;
      if (p && !p.derived) nb.push(p.p);
    }
    if (nb.length) pos.set(n.eid, { p: [nb.reduce((s, x) => s + x[0], 0) / nb.length, nb.reduce((s, x) => s + x[1], 0) / nb.length], derived: true });
  }
  const nodes = g.nodes.flatMap((n) => {
    const p = pos.get(n.eid);
    return p ? [{ ...n, position: p.p, derived: p.derived }] : [];
  });
  const arcs = g.edges.flatMap((e) => {
    const a = pos.get(e.source);
    const b = pos.get(e.target);
    return a && b ? [{ id: e.id ?? `${e.source}|${e.type}|${e.target}`, source: e.source, target: e.target, type: e.type, from: a.p, to: b.p }] : [];
  });
  return { nodes, arcs };
}

/** A place a drawn person was seen at, from the person's trajectory (as the server masks it). */
export interface PersonPlace {
  person: string;
  eid: string;
  name: string;
  lon: number;
  lat: number;
  /** The trace kinds seen there (`hotel_stay`, `checkpoint_pass`, `residence` …). */
  kinds: string[];
}

/**
 * The graph with the drawn persons' places added for the map: each place becomes a located Place
 * node and each person a `VISITED` edge to it, so `graphOnMap` puts the person among its places.
 * Places already in the graph are not doubled; places without coordinates are left out.
 */
export function withPersonPlaces(g: GraphResult, places: PersonPlace[]): GraphResult {
  const have = new Set(g.nodes.map((n) => n.eid));
  const nodes = [...g.nodes];
  const edges = [...g.edges];
  const seenEdge = new Set(g.edges.map((e) => `${e.source}|${e.type}|${e.target}`));
  for (const p of places) {
    if (!Number.isFinite(p.lon) || !Number.isFinite(p.lat) || !have.has(p.person)) continue;
    if (!have.has(p.eid)) {
      nodes.push({ eid: p.eid, kind: 'Place', name: p.name, lon: p.lon, lat: p.lat });
      have.add(p.eid);
    }
    const key = `${p.person}|VISITED|${p.eid}`;
    if (!seenEdge.has(key)) {
      edges.push({ source: p.person, target: p.eid, type: 'VISITED' });
      seenEdge.add(key);
    }
  }
  return { nodes, edges };
}

/** The distinct located places of a trajectory's points, with the trace kinds seen at each. */
export function placesOfTrajectory(person: string, points: { kind: string; place: { eid: string; name: string; lon: number; lat: number } }[]): PersonPlace[] {
  const byEid = new Map<string, PersonPlace>();
  for (const pt of points) {
    const { eid, name, lon, lat } = pt.place;
    if (!Number.isFinite(lon) || !Number.isFinite(lat)) continue;
    const p = byEid.get(eid) ?? { person, eid, name, lon, lat, kinds: [] };
    if (!p.kinds.includes(pt.kind)) p.kinds.push(pt.kind);
    byEid.set(eid, p);
  }
  return [...byEid.values()];
}
