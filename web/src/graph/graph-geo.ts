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
