import { useCallback, useEffect, useMemo, useState } from 'react';
import { api, type TimeRange } from '../api/client.ts';
import type { DensityCell, IncidentPoint, JurisdictionCount, PlaceFeature, TrendPoint } from '../api/types.ts';
import { formatBeijing, parseBeijingLocal, toBeijingIso } from '@onemap/graph-schema';
import { seesAggregates } from '../auth/roles.ts';
import { useSession } from '../auth/session.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { GEO_URLS } from '../map/base-style.ts';
import { LayerPanel, type LayerState, RampLegend } from '../map/layer-panel.tsx';
import { asOfTime, type LayerStatus, statusOfFailure } from '../map/layer-status.ts';
import { CHOROPLETH, DENSITY, PLACE_COLORS, rgbCss } from '../map/layers/colors.ts';
import { type BinaryPoints, densityLayer } from '../map/layers/density-layer.ts';
import { incidentLayer } from '../map/layers/incident-layer.ts';
import { choroplethEnds, jurisdictionLayer, SUPPRESSED_CSS, suppressedLayer, uncountedCounties } from '../map/layers/jurisdiction-layer.ts';
import { hexRadiusForZoom, jurisdictionLabels, labelLayer } from '../map/layers/label-layer.ts';
import { placesLayer } from '../map/layers/places-layer.ts';
import { MapView } from '../map/map-view.tsx';
import { TimeFilter } from '../map/time-filter.tsx';
import { TrendChart } from '../map/trend-chart.tsx';

type LayerId = 'jurisdictions' | 'places' | 'density' | 'incidents';
const PLACE_KINDS = ['hotel', 'internet_cafe', 'rail_station', 'checkpoint', 'company', 'incident_site', 'other'] as const;

/** Synthetic points for the bench (`?benchPoints=1000000`): clustered around Gansu's cities. */
function benchPoints(n: number): BinaryPoints {
  const centers = [
    [103.82, 36.06],
    [104.17, 35.58],
    [100.45, 38.93],
    [98.49, 39.73],
    [105.72, 34.58],
    [107.64, 35.71],
  ];
  const positions = new Float32Array(n * 2);
  let s = 1;
  const rnd = () => {
    s = (s * 16807) % 2147483647;
    return s / 2147483647;
  };
  for (let i = 0; i < n; i++) {
    const c = centers[i % centers.length] ?? [0, 0];
    const r = Math.sqrt(-2 * Math.log(rnd() + 1e-9)) * 0.25;
    const a = rnd() * Math.PI * 2;
    positions[i * 2] = (c[0] ?? 0) + r * Math.cos(a);
    positions[i * 2 + 1] = (c[1] ?? 0) + r * Math.sin(a) * 0.8;
  }
  return { length: n, positions };
}

/**
 * A layer's data, loaded while `enabled` and again when `deps` change. A layer the server is still
 * computing (LAYER_COMPUTING) is asked for again after its Retry-After; meanwhile the last answer
 * stays on the map (never a blank map) and the status says so.
 */
function useLayerData<T>(enabled: boolean, load: () => Promise<T>, deps: unknown[], initial: T): [T, LayerStatus] {
  const [data, setData] = useState<T>(initial);
  const [status, setStatus] = useState<LayerStatus>(enabled ? { state: 'loading' } : undefined);
  const [attempt, setAttempt] = useState(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: deps are explicit
  useEffect(() => {
    if (!enabled) return;
    let live = true;
    let retry: ReturnType<typeof setTimeout> | undefined;
    // a retry keeps saying "computing" until the answer comes
    setStatus((s) => (s?.state === 'computing' ? s : { state: 'loading' }));
    load()
      .then((d) => {
        if (live) {
          setData(d);
          setStatus(undefined);
        }
      })
      .catch((e: unknown) => {
        if (!live) return;
        const s = statusOfFailure(e);
        setStatus(s);
        if (s.state === 'computing') retry = setTimeout(() => setAttempt((a) => a + 1), s.retryInS * 1000);
      });
    return () => {
      live = false;
      clearTimeout(retry);
    };
  }, [enabled, attempt, ...deps]);
  return [data, status];
}

const NO_COUNTS = { counts: [] as JurisdictionCount[], k: 0, computedAt: null };
/** How often the layer panel's "as of" labels look at the clock. */
const AS_OF_TICK_MS = 30_000;
const NO_PLACES = { places: [] as PlaceFeature[], computedAt: null };
const NO_CELLS = { cells: [] as DensityCell[], computedAt: null };
const NO_POINTS = { points: [] as IncidentPoint[], computedAt: null };
/**
 * The playback window the map starts with: a week. With one day nearly every county of the sample
 * is under k and the choropleth shows nothing (issue 16); a week shows counts in most of them.
 */
const PLAYBACK_WINDOW_HOURS = 168;

/** 一张图: the base map with thematic layers, a time filter with playback and a trend chart. */
export default function MapScreen() {
  const { t } = useI18n();
  const { user } = useSession();
  // An admin's map: base map, boundaries and names only — the server keeps aggregates to the
  // roles that analyse (no 403s on screen, issue 16).
  const aggregates = user ? seesAggregates(user) : false;
  const [layers, setLayers] = useState<Record<LayerId, LayerState>>({
    jurisdictions: { visible: aggregates, opacity: 0.7 },
    places: { visible: false, opacity: 0.9 },
    density: { visible: false, opacity: 0.8 },
    incidents: { visible: false, opacity: 0.8 },
  });
  const [kinds, setKinds] = useState<Set<string>>(new Set(PLACE_KINDS));
  const [range, setRange] = useState<TimeRange | null>(null);
  const [zoom, setZoom] = useState(5.4);
  const bench = useMemo(() => Number(new URLSearchParams(location.search).get('benchPoints') ?? 0), []);
  const synthetic = useMemo(() => (bench > 0 ? benchPoints(bench) : null), [bench]);

  const [geo, setGeo] = useState<GeoJSON.FeatureCollection | null>(null);
  useEffect(() => {
    void fetch(GEO_URLS.jurisdictions)
      .then((r) => r.json())
      .then(setGeo);
  }, []);

  // The data's time extent (one cheap answer) sets the time filter's domain; the trend asks for that span only.
  const [extent, extentStatus] = useLayerData<{ from: string | null; to: string | null } | null>(aggregates, () => api.extent(), [], null);
  const domain = useMemo<[number, number]>(() => {
    if (extent?.from && extent.to) {
      const from = parseBeijingLocal(formatBeijing(extent.from, 'date'));
      return [from, parseBeijingLocal(formatBeijing(extent.to, 'date')) + 86_400_000];
    }
    const now = Date.now();
    return [now - 30 * 86_400_000, now];
  }, [extent]);
  const [trend, trendStatus] = useLayerData<TrendPoint[]>(aggregates && extentStatus === undefined, () => api.trend({ from: toBeijingIso(domain[0]), to: toBeijingIso(domain[1]) }), [domain[0], domain[1], extentStatus?.state], []);

  const haveRange = range !== null;
  const [jur, countsStatus] = useLayerData<{ counts: JurisdictionCount[]; k: number; computedAt: string | null }>(layers.jurisdictions.visible && haveRange, () => api.jurisdictionCounts(range as TimeRange), [range?.from, range?.to], NO_COUNTS);
  const counts = jur.counts;
  const [facilities, placesStatus] = useLayerData<{ places: PlaceFeature[]; computedAt: string | null }>(layers.places.visible, () => api.places(), [], NO_PLACES);
  const places = facilities.places;
  const [density, cellsStatus] = useLayerData<{ cells: DensityCell[]; computedAt: string | null }>(layers.density.visible && haveRange && !synthetic, () => api.density(range as TimeRange), [range?.from, range?.to], NO_CELLS);
  const cells = density.cells;
  const [heat, incidentsStatus] = useLayerData<{ points: IncidentPoint[]; computedAt: string | null }>(layers.incidents.visible && haveRange, () => api.incidents(range as TimeRange), [range?.from, range?.to], NO_POINTS);
  const incidents = heat.points;
  // the clock the "as of" labels read: an answer left on screen grows old without a new load
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    const tick = setInterval(() => setNow(Date.now()), AS_OF_TICK_MS);
    return () => clearInterval(tick);
  }, []);

  const deckLayers = useMemo(
    () => [
      // without aggregates the boundaries still draw (empty counts: outlines only)
      jurisdictionLayer({ geo, counts, ...layers.jurisdictions, ...(aggregates ? {} : { visible: true }) }),
      suppressedLayer({ geo, counts, ...layers.jurisdictions }),
      densityLayer({ data: synthetic ?? cells, radius: hexRadiusForZoom(zoom), ...layers.density }),
      incidentLayer({ incidents, ...layers.incidents }),
      placesLayer({ places, kinds, ...layers.places }),
      // names last: above every fill
      labelLayer({ labels: jurisdictionLabels(geo), zoom }),
    ],
    [geo, counts, cells, synthetic, incidents, places, kinds, layers, zoom, aggregates],
  );

  const onChange = useCallback((id: string, s: LayerState) => setLayers((l) => ({ ...l, [id]: s })), []);
  const ends = choroplethEnds(counts, countsStatus?.state === 'loading' || countsStatus?.state === 'computing');
  const uncounted = useMemo(() => uncountedCounties(geo, counts).size, [geo, counts]);

  return (
    <div className="map-screen">
      {!aggregates && (
        <aside className="layer-panel" data-testid="map-base-only">
          <p className="muted small">{t('map.baseOnly')}</p>
        </aside>
      )}
      {aggregates && <LayerPanel
        onChange={onChange}
        entries={[
          {
            id: 'jurisdictions',
            label: 'layer.jurisdictions',
            state: layers.jurisdictions,
            status: countsStatus,
            asOf: asOfTime(jur.computedAt, now),
            legend: (
              <>
                <RampLegend colors={CHOROPLETH} min={ends.min} max={ends.max} />
                <div className="legend-row" data-testid="legend-suppressed">
                  <span className="swatch hatch" style={{ background: SUPPRESSED_CSS }} /> {t('legend.suppressed').replace('{k}', String(jur.k || 5))}
                  {uncounted > 0 && (
                    <span className="muted small">
                      {' '}
                      · {uncounted} {t('legend.suppressedCount')}
                    </span>
                  )}
                </div>
                <p className="muted small">{t('legend.suppressedWhy').replace('{k}', String(jur.k || 5))}</p>
              </>
            ),
          },
          {
            id: 'places',
            label: 'layer.places',
            state: layers.places,
            status: placesStatus,
            asOf: asOfTime(facilities.computedAt, now),
            extra: (
              <div className="kinds">
                {PLACE_KINDS.map((k) => (
                  <label key={k} className="inline">
                    <input
                      type="checkbox"
                      checked={kinds.has(k)}
                      onChange={(e) => {
                        const n = new Set(kinds);
                        if (e.target.checked) n.add(k);
                        else n.delete(k);
                        setKinds(n);
                      }}
                    />
                    <span className="swatch" style={{ background: rgbCss(PLACE_COLORS[k] ?? [0, 0, 0]) }} />
                    {t(`place.${k}`)}
                  </label>
                ))}
              </div>
            ),
          },
          { id: 'density', label: 'layer.density', state: layers.density, status: cellsStatus, asOf: asOfTime(density.computedAt, now), legend: <RampLegend colors={DENSITY} min={t('legend.low')} max={t('legend.high')} /> },
          { id: 'incidents', label: 'layer.incidents', state: layers.incidents, status: incidentsStatus, asOf: asOfTime(heat.computedAt, now), legend: <RampLegend colors={[[255, 255, 178], [254, 204, 92], [253, 141, 60], [240, 59, 32], [189, 0, 38]]} min="" max="" /> },
        ]}
      />}
      <div className="map-column">
        <MapView
          id="onemap"
          layers={deckLayers}
          onZoom={setZoom}
          ownLabels
          getTooltip={(info) => {
            const o = info.object as Record<string, unknown> | undefined;
            if (!o) return null;
            if (info.layer?.id === 'jurisdictions-suppressed') {
              const p = (o as { properties?: { name?: string } }).properties;
              return `${p?.name ?? ''}: ${t('legend.suppressed').replace('{k}', String(jur.k || 5))}`;
            }
            if (info.layer?.id === 'jurisdictions') {
              const p = (o as { properties?: { code?: string; name?: string } }).properties;
              const c = counts.find((x) => x.code === p?.code);
              return `${p?.name ?? ''}: ${c ? (c.suppressed ? '<k' : c.count) : '—'}`;
            }
            if (info.layer?.id === 'places') return `${o.name as string} (${o.kind as string})`;
            if (info.layer?.id === 'density') return `${(o as { colorValue?: number }).colorValue ?? ''}`;
            return null;
          }}
        />
        {/* The time filter waits for the data's extent, so layers never query an empty default window. */}
        {aggregates && extentStatus?.state !== 'loading' && extentStatus?.state !== 'computing' && <TimeFilter domain={domain} onChange={setRange} defaultWindowHours={PLAYBACK_WINDOW_HOURS} />}
      </div>
      {aggregates && (
        <aside className="trend-panel">
          <h3>{t('trend')}</h3>
          {(trendStatus?.state === 'loading' || trendStatus?.state === 'computing') && <span className="spinner small" />}
          {trendStatus?.state === 'computing' && <span className="muted small"> {t('layer.computing').replace('{s}', String(trendStatus.retryInS))}</span>}
          {trendStatus?.state === 'error' ? <p className="muted">{trendStatus.message}</p> : <TrendChart points={trend} window={range ?? undefined} width={280} />}
        </aside>
      )}
    </div>
  );
}
