import cytoscape, { type Core, type ElementDefinition } from 'cytoscape';
import { useEffect, useRef } from 'react';
import type { GraphResult } from '../api/types.ts';
import { translateValue, useI18n } from '../i18n/i18n.tsx';

export interface RelationGraphProps {
  graph: GraphResult;
  selected: string | null;
  /** Node ids and edge ids of the highlighted path. */
  highlight: { nodes: Set<string>; edges: Set<string> };
  onSelect: (eid: string) => void;
  onExpand: (eid: string) => void;
}

/** Colour of each node kind, shared by the graph and its legend. */
export const KIND_COLORS: Record<string, string> = {
  Person: '#1f77b4',
  Organization: '#2ca02c',
  Place: '#ff7f0e',
  Vehicle: '#9467bd',
  Phone: '#8c564b',
  Case: '#d62728',
};

export function edgeId(e: { id?: string; source: string; target: string; type: string }): string {
  return e.id ?? `${e.source}|${e.type}|${e.target}`;
}

declare global {
  interface Window {
    __onemapGraph?: Core;
  }
}

/**
 * The relation graph (cytoscape): node-link view, tap selects, double-tap (or the expand
 * button) expands. New elements are laid out around the existing ones without moving them.
 */
export function RelationGraph({ graph, selected, highlight, onSelect, onExpand }: RelationGraphProps) {
  const el = useRef<HTMLDivElement>(null);
  const cyRef = useRef<Core | null>(null);
  const { t } = useI18n();
  const cb = useRef({ onSelect, onExpand });
  cb.current = { onSelect, onExpand };

  useEffect(() => {
    if (!el.current) return;
    const cy = cytoscape({
      container: el.current,
      wheelSensitivity: 0.3,
      style: [
        {
          selector: 'node',
          style: {
            label: 'data(label)',
            'font-size': 11,
            'background-color': 'data(color)',
            width: 22,
            height: 22,
            'text-valign': 'bottom',
            'text-margin-y': 3,
            'font-family': 'Noto Sans CJK SC, sans-serif',
            // readable over edges and neighbours: a light plate, long names cut
            'text-background-color': '#ffffff',
            'text-background-opacity': 0.85,
            'text-background-padding': '1px',
            'text-wrap': 'ellipsis',
            'text-max-width': '90px',
            'min-zoomed-font-size': 7,
          },
        },
        { selector: 'edge', style: { width: 1.5, 'line-color': '#b0b0b0', 'curve-style': 'bezier', label: 'data(label)', 'font-size': 8, color: '#666', 'text-rotation': 'autorotate', 'text-background-color': '#ffffff', 'text-background-opacity': 0.7, 'min-zoomed-font-size': 9, 'target-arrow-shape': 'triangle', 'target-arrow-color': '#b0b0b0' } },
        { selector: 'node:selected, node.sel', style: { 'border-width': 4, 'border-color': '#111' } },
        { selector: 'node.path', style: { 'border-width': 4, 'border-color': '#d7301f', width: 28, height: 28 } },
        { selector: 'edge.path', style: { width: 4, 'line-color': '#d7301f', 'target-arrow-color': '#d7301f' } },
      ],
    });
    cy.on('tap', 'node', (e) => cb.current.onSelect(e.target.id()));
    cy.on('dbltap', 'node', (e) => cb.current.onExpand(e.target.id()));
    cyRef.current = cy;
    window.__onemapGraph = cy;
    return () => {
      cy.destroy();
      cyRef.current = null;
      if (window.__onemapGraph === cy) window.__onemapGraph = undefined;
    };
  }, []);

  useEffect(() => {
    const cy = cyRef.current;
    if (!cy) return;
    // A new search replaces the graph: drop what the new one no longer holds.
    const keep = new Set([...graph.nodes.map((n) => n.eid), ...graph.edges.map(edgeId)]);
    cy.elements().filter((x) => !keep.has(x.id())).remove();
    const add: ElementDefinition[] = [];
    for (const n of graph.nodes)
      if (cy.getElementById(n.eid).empty()) add.push({ group: 'nodes', data: { id: n.eid, label: n.name, kind: n.kind, color: KIND_COLORS[n.kind] ?? '#777' } });
    for (const e of graph.edges) {
      const id = edgeId(e);
      if (cy.getElementById(id).empty()) add.push({ group: 'edges', data: { id, source: e.source, target: e.target, type: e.type, label: translateValue(t, 'rel', e.type) } });
    }
    if (!add.length) return;
    const existing = cy.nodes().length;
    const added = cy.add(add);
    // New nodes start next to the node they hang off; a force layout seeded with the current
    // positions (randomize: false) then spreads them without scrambling the picture.
    if (existing) {
      for (const n of added.nodes()) {
        const anchor = n.neighborhood().nodes().filter((m) => !added.contains(m));
        if (anchor.nonempty()) {
          const p = anchor[0]?.position() ?? { x: 0, y: 0 };
          n.position({ x: p.x + (Math.random() - 0.5) * 80, y: p.y + (Math.random() - 0.5) * 80 });
        }
      }
    }
    cy.layout({ name: 'cose', animate: false, fit: true, padding: 30, randomize: !existing, nodeRepulsion: () => 8000, idealEdgeLength: () => 80 } as cytoscape.LayoutOptions).run();
    // biome-ignore lint/correctness/useExhaustiveDependencies: labels follow the graph; a language switch re-renders the screen
  }, [graph]);

  useEffect(() => {
    const cy = cyRef.current;
    if (!cy) return;
    cy.nodes().removeClass('sel');
    if (selected) cy.getElementById(selected).addClass('sel');
  }, [selected]);

  useEffect(() => {
    const cy = cyRef.current;
    if (!cy) return;
    cy.elements().removeClass('path');
    for (const id of highlight.nodes) cy.getElementById(id).addClass('path');
    for (const id of highlight.edges) cy.getElementById(id).addClass('path');
  }, [highlight]);

  const kinds = [...new Set(graph.nodes.map((n) => n.kind))];
  return (
    <>
      <div ref={el} className="graph-canvas" data-testid="relation-graph" data-nodes={graph.nodes.length} />
      {kinds.length > 0 && (
        <div className="graph-legend row wrap small" data-testid="graph-legend" aria-label={t('graph.legend')}>
          {kinds.map((k) => (
            <span key={k} className="inline">
              <span className="swatch" style={{ background: KIND_COLORS[k] ?? '#777' }} /> {translateValue(t, 'kind', k)}
            </span>
          ))}
        </div>
      )}
    </>
  );
}

/** Merges a new neighbourhood into a graph (dedup by id). */
export function mergeGraph(a: GraphResult, b: GraphResult): GraphResult {
  const nodes = new Map(a.nodes.map((n) => [n.eid, n]));
  for (const n of b.nodes) if (!nodes.has(n.eid)) nodes.set(n.eid, n);
  const edges = new Map(a.edges.map((e) => [edgeId(e), e]));
  for (const e of b.edges) if (!edges.has(edgeId(e)) && nodes.has(e.source) && nodes.has(e.target)) edges.set(edgeId(e), e);
  return { nodes: [...nodes.values()], edges: [...edges.values()] };
}
