import { NETWORK_RELATION_TYPES } from '@onemap/graph-schema';
import type { Graph } from '@onemap/graph-schema/server';
import { type Reader, withRead } from '../repositories/reader.ts';
import type { Viewer } from '../access/viewer.ts';
import { expandHop, shortestPaths } from '../repositories/relations.ts';
import type { EntitySummary } from '../schemas/common.ts';
import { requireVisibleEntity, summaries, summarize, summarizeNode } from './entity-view.ts';

/** Relation types traversed when the caller names none: the network without VISITED, which would swamp the answer. */
export const DEFAULT_RELATION_TYPES: readonly string[] = NETWORK_RELATION_TYPES;

/** A companions score (log10 units) to the nearest half unit: how strong, not the crowds behind it. */
export const coarseScore = (score: number) => Math.round(score * 2) / 2;

/** Edge properties that are safe to show: provenance and time, never copied personal values. */
function edgeProps(p: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of ['role', 'count', 'first', 'last', 'at', 'until', 'kind', 'rid', 'since']) if (p[k] !== undefined) out[k] = p[k];
  // CO_TRAVELED: why the pair is companions (legs, places, days, the most surprising legs, by time). A leg's
  // crowd and surprise count everyone at the place then, from every source: small counts of persons
  // the viewer's sources may not show, so they stay in the graph and never reach an answer. The
  // score and the score needed are sums of such surprises over the population of every source, so
  // they are shown coarsely (to half a unit) and the population not at all: exact, they would
  // give the product of the legs' crowds back.
  if (typeof p.score === 'number') out.score = coarseScore(p.score);
  if (typeof p.reasons === 'string') {
    try {
      const { population: _p, minScore, ...reasons } = JSON.parse(p.reasons) as { top?: Record<string, unknown>[]; population?: number; minScore?: number };
      // the legs listed by time, not by surprise: their order would say which place was less crowded, hidden persons included
      if (Array.isArray(reasons.top))
        reasons.top = reasons.top
          .map(({ crowd: _c, surprise: _s, ...leg }) => leg)
          .sort((a, b) => String(a.at ?? '').localeCompare(String(b.at ?? '')) || String(a.place ?? '').localeCompare(String(b.place ?? '')));
      out.reasons = typeof minScore === 'number' ? { ...reasons, minScore: coarseScore(minScore) } : reasons;
    } catch {
      // an unreadable reasons string is left out rather than failing the answer
    }
  }
  return out;
}

/** n-hop neighbourhood, breadth first, with a cap on edges; only visible edges and entities. */
export async function neighbourhood(graph: Reader, eid: string, viewer: Viewer, depth: number, types: string[] | undefined, limit: number) {
  return withRead(graph, async (r) => {
    const { row } = await requireVisibleEntity(r, eid, viewer);
    const hopOf = new Map<string, number>([[row.eid, 0]]);
    // Summaries from each neighbour's golden values as the hops find them; the rest from visible records below.
    const sums = new Map<string, EntitySummary>([[row.eid, summarize(row, viewer)]]);
    const edges: { from: string; to: string; type: string; source: string | null; props: Record<string, unknown> }[] = [];
    const seenEdge = new Set<string>();
    // neighbours a hop read whose node cannot name them for this viewer: only their records can
    const fromRecords = new Set<string>();
    let frontier = [row.eid];
    let truncated = false;
    for (let hop = 1; hop <= depth && frontier.length > 0; hop++) {
      const remaining = limit - edges.length;
      const found = await expandHop(r, frontier, types ?? DEFAULT_RELATION_TYPES, viewer.visibleSources, remaining + 1);
      if (found.length > remaining) truncated = true;
      const next: string[] = [];
      for (const e of found.slice(0, remaining)) {
        const [s, t] = e.outgoing ? [e.from, e.to] : [e.to, e.from];
        const key = `${s}|${e.type}|${t}|${(e.props.rid as string) ?? ''}`;
        if (seenEdge.has(key)) continue;
        seenEdge.add(key);
        edges.push({ from: s, to: t, type: e.type, source: (e.props.source as string) ?? null, props: edgeProps(e.props) });
        if (!sums.has(e.to)) {
          const sum = summarizeNode(e.neighbour, viewer);
          if (sum) sums.set(e.to, sum);
          // a place is named by its facts (`placeFromNode`), which the hop does not read
          else if (e.neighbour.kind !== 'Place') fromRecords.add(e.to);
        }
        if (!hopOf.has(e.to)) {
          hopOf.set(e.to, hop);
          next.push(e.to);
        }
      }
      frontier = next;
      if (edges.length >= limit) break;
    }
    const unresolved = [...hopOf.keys()].filter((id) => !sums.has(id));
    if (unresolved.length > 0) for (const [k, v] of await summaries(r, unresolved, viewer, fromRecords)) sums.set(k, v);
    const nodes = [...hopOf.entries()].filter(([id]) => sums.has(id)).map(([id, hop]) => ({ ...(sums.get(id) as NonNullable<ReturnType<typeof sums.get>>), hop }));
    const kept = new Set(nodes.map((n) => n.eid));
    return { root: row.eid, nodes, edges: edges.filter((e) => kept.has(e.from) && kept.has(e.to)), truncated };
  });
}

/** Shortest paths between two visible entities, through visible edges and visible entities only. */
export async function paths(graph: Graph, from: string, to: string, viewer: Viewer, maxHops: number, types: string[] | undefined, limit: number) {
  return withRead(graph, async (r) => {
    const a = await requireVisibleEntity(r, from, viewer, { records: 0 });
    const b = await requireVisibleEntity(r, to, viewer, { records: 0 });
    const found = a.row.eid === b.row.eid ? [] : await shortestPaths(r, a.row.eid, b.row.eid, maxHops, types ?? DEFAULT_RELATION_TYPES, viewer.visibleSources, limit * 3);
    const sums = await summaries(
      r,
      found.flatMap((p) => p.eids),
      viewer,
    );
    const out = [];
    for (const p of found) {
      if (!p.eids.every((e) => sums.has(e))) continue; // a path through an entity the viewer cannot see is absent
      out.push({
        nodes: p.eids.map((e) => sums.get(e) as NonNullable<ReturnType<typeof sums.get>>),
        edges: p.rels.map((r) => ({ from: r.from, to: r.to, type: r.type, source: (r.props.source as string) ?? null, props: edgeProps(r.props) })),
      });
      if (out.length >= limit) break;
    }
    return { from: a.row.eid, to: b.row.eid, paths: out };
  });
}
