import { ArcLayer, ScatterplotLayer } from '@deck.gl/layers';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { api } from '../api/client.ts';
import type { GraphResult } from '../api/types.ts';
import { usePurpose } from '../auth/purpose.tsx';
import { type Arc, graphOnMap, type PositionedNode } from '../graph/graph-geo.ts';
import { edgeId, mergeGraph, RelationGraph } from '../graph/relation-graph.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { boundsOf, MapView } from '../map/map-view.tsx';
import { EntityPicker } from '../ui/entity-picker.tsx';
import { go, useRoute } from '../ui/route.ts';
import { ErrorBox, Loading } from '../ui/states.tsx';

const EMPTY: GraphResult = { nodes: [], edges: [] };

/** Relation graph with the same entities on the map; selection is shared by both views. */
export default function GraphScreen() {
  const { t } = useI18n();
  const route = useRoute();
  const root = route.params.get('eid');
  const { requirePurpose } = usePurpose();
  const [graph, setGraph] = useState<GraphResult>(EMPTY);
  const [selected, setSelected] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error | null>(null);
  const [hops, setHops] = useState(1);
  const [pathEnds, setPathEnds] = useState<{ from: string; to: string }>({ from: '', to: '' });
  const [highlight, setHighlight] = useState<{ nodes: Set<string>; edges: Set<string> }>({ nodes: new Set(), edges: new Set() });

  const expand = useCallback(
    async (eid: string, n = 1, reset = false) => {
      setBusy(true);
      setError(null);
      try {
        const g = await api.relations(eid, n, await requirePurpose());
        setGraph((old) => mergeGraph(reset ? EMPTY : old, g));
        setSelected(eid);
      } catch (e) {
        if ((e as Error).message !== 'purpose cancelled') setError(e as Error);
      } finally {
        setBusy(false);
      }
    },
    [requirePurpose],
  );

  useEffect(() => {
    // A new search starts a new picture: no old path, no old path ends.
    setHighlight({ nodes: new Set(), edges: new Set() });
    setPathEnds({ from: '', to: '' });
    if (root) void expand(root, hops, true);
    // biome-ignore lint/correctness/useExhaustiveDependencies: a new root resets the view
  }, [root]);

  async function findPath() {
    if (!pathEnds.from || !pathEnds.to) return;
    setBusy(true);
    setError(null);
    try {
      const p = await api.path(pathEnds.from, pathEnds.to, await requirePurpose());
      setGraph((old) => mergeGraph(old, p));
      setHighlight({ nodes: new Set(p.nodes.map((n) => n.eid)), edges: new Set(p.edges.map(edgeId)) });
    } catch (e) {
      setError(e as Error);
    } finally {
      setBusy(false);
    }
  }

  const geo = useMemo(() => graphOnMap(graph), [graph]);
  const layers = useMemo(
    () => [
      new ArcLayer<Arc>({
        id: 'relation-arcs',
        data: geo.arcs,
        getSourcePosition: (a) => a.from,
        getTargetPosition: (a) => a.to,
        getSourceColor: (a) => (highlight.edges.has(a.id) ? [215, 48, 31] : [31, 119, 180]),
        getTargetColor: (a) => (highlight.edges.has(a.id) ? [215, 48, 31] : [255, 127, 14]),
        getWidth: (a) => (highlight.edges.has(a.id) || a.source === selected || a.target === selected ? 4 : 2),
        updateTriggers: { getSourceColor: [highlight], getTargetColor: [highlight], getWidth: [highlight, selected] },
      }),
      new ScatterplotLayer<PositionedNode>({
        id: 'relation-nodes',
        data: geo.nodes,
        pickable: true,
        getPosition: (n) => n.position,
        radiusUnits: 'pixels',
        getRadius: (n) => (n.eid === selected ? 10 : 6),
        getFillColor: (n) => (n.eid === selected ? [20, 20, 20] : n.derived ? [31, 119, 180] : [255, 127, 14]),
        getLineColor: [255, 255, 255],
        stroked: true,
        lineWidthMinPixels: 1,
        updateTriggers: { getRadius: [selected], getFillColor: [selected] },
      }),
    ],
    [geo, highlight, selected],
  );
  const bounds = useMemo(() => boundsOf(geo.nodes.map((n) => n.position)), [geo]);
  const nodeOptions = graph.nodes.map((n) => (
    <option key={n.eid} value={n.eid}>
      {n.name} ({n.kind})
    </option>
  ));

  return (
    <div className="graph-screen">
      <section className="side">
        <EntityPicker onPick={(h) => go('graph', { eid: h.eid })} testId="graph-picker" />
        <div className="row">
          <label className="inline">
            {t('hops')}
            <select value={hops} onChange={(e) => setHops(Number(e.target.value))}>
              {[1, 2, 3].map((h) => (
                <option key={h}>{h}</option>
              ))}
            </select>
          </label>
          <button type="button" disabled={!selected || busy} onClick={() => selected && void expand(selected, hops)} data-testid="expand">
            {t('expand')} {selected ? (graph.nodes.find((n) => n.eid === selected)?.name ?? '') : ''}
          </button>
        </div>
        <p className="muted small">{t('expandHint')}</p>
        <p data-testid="graph-counts">
          {graph.nodes.length} {t('nodes')} · {graph.edges.length} {t('edges')}
        </p>
        <h4>{t('shortestPath')}</h4>
        <label>
          {t('pathFrom')}
          <select value={pathEnds.from} onChange={(e) => setPathEnds((p) => ({ ...p, from: e.target.value }))} data-testid="path-from">
            <option value="" />
            {nodeOptions}
          </select>
        </label>
        <label>
          {t('pathTo')}
          <select value={pathEnds.to} onChange={(e) => setPathEnds((p) => ({ ...p, to: e.target.value }))} data-testid="path-to">
            <option value="" />
            {nodeOptions}
          </select>
        </label>
        <button type="button" onClick={() => void findPath()} disabled={busy || !pathEnds.from || !pathEnds.to}>
          {t('findPath')}
        </button>
        {busy && <Loading />}
        {error && <ErrorBox error={error} />}
      </section>
      <section className="graph-pane">
        <RelationGraph graph={graph} selected={selected} highlight={highlight} onSelect={(eid) => void expand(eid, 1)} onExpand={(eid) => void expand(eid, 1)} />
      </section>
      <section className="graph-map">
        <MapView
          id="graph-map"
          layers={layers}
          fitBounds={bounds}
          onClick={(_, info) => {
            const o = info?.object as PositionedNode | undefined;
            if (o?.eid) setSelected(o.eid);
          }}
          getTooltip={(i) => (i.object ? (i.object as PositionedNode).name : null)}
        />
      </section>
    </div>
  );
}
