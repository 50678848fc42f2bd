import { TripsLayer } from '@deck.gl/geo-layers';
import { ScatterplotLayer } from '@deck.gl/layers';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { api } from '../api/client.ts';
import type { StayPoint, TracePoint, Trajectory } from '../api/types.ts';
import { usePurpose } from '../auth/purpose.tsx';
import { translateValue, useI18n } from '../i18n/i18n.tsx';
import { rgbCss, traceColor } from '../map/layers/colors.ts';
import { boundsOf, MapView } from '../map/map-view.tsx';
import { EntityPicker } from '../ui/entity-picker.tsx';
import { go, useRoute } from '../ui/route.ts';
import { AsyncView, useAsync } from '../ui/states.tsx';
import { formatBeijing, parseBeijingLocal, toBeijingIso, toBeijingLocalInput } from '@onemap/graph-schema';


/** The track of a person or vehicle in a time range: trips animation, points, stays, timeline, places. */
export default function TrajectoryScreen() {
  const { t } = useI18n();
  const route = useRoute();
  const { requirePurpose } = usePurpose();
  const eid = route.params.get('eid');
  const [from, setFrom] = useState(route.params.get('from') ?? '2026-01-01T00:00');
  const [to, setTo] = useState(route.params.get('to') ?? toBeijingLocalInput(Date.now()));
  const [st, load] = useAsync(
    useCallback(async (id: string, f: string, tt: string) => api.trajectory(id, { from: toBeijingIso(parseBeijingLocal(f)), to: toBeijingIso(parseBeijingLocal(tt)) }, await requirePurpose()), [requirePurpose]),
  );
  useEffect(() => {
    if (eid) void load(eid, from, to);
    // biome-ignore lint/correctness/useExhaustiveDependencies: reload on entity only; dates via button
  }, [eid, load]);

  return (
    <div className="split-screen">
      <section className="side">
        <EntityPicker kinds={['Person', 'Vehicle']} onPick={(h) => go('trajectory', { eid: h.eid, name: h.name })} testId="trajectory-picker" />
        <div className="row wrap">
          <label className="inline">
            {t('from')} <input type="datetime-local" value={from} onChange={(e) => setFrom(e.target.value)} />
          </label>
          <label className="inline">
            {t('to')} <input type="datetime-local" value={to} onChange={(e) => setTo(e.target.value)} />
          </label>
          <button type="button" disabled={!eid} onClick={() => eid && void load(eid, from, to)}>
            {t('query')}
          </button>
        </div>
        <AsyncView st={st} onRetry={() => eid && void load(eid, from, to)} isEmpty={(d) => d.points.length === 0}>
          {(tr: Trajectory) => <PlacesList tr={tr} title={route.params.get('name')} />}
        </AsyncView>
      </section>
      <section className="main-pane map-pane">
        <TrajectoryMap tr={st.state === 'done' ? st.data : null} />
      </section>
    </div>
  );
}

function PlacesList({ tr, title }: { tr: Trajectory; title: string | null }) {
  const { t } = useI18n();
  return (
    <div data-testid="trajectory-places">
      <h3>
        <span data-testid="trajectory-title">{title ?? tr.name ?? tr.eid}</span> · {tr.points.length}
      </h3>
      {tr.stays.length > 0 && (
        <>
          <h4>{t('stays')}</h4>
          <ul className="plain small">
            {tr.stays.map((s, i) => (
              <li key={`${s.from}-${i}`}>
                <span className="mono" data-testid="stay-time">
                  {formatBeijing(s.from)} – {formatBeijing(s.to)}
                </span>{' '}
                {s.placeName}
              </li>
            ))}
          </ul>
        </>
      )}
      <h4>{t('placesVisited')}</h4>
      <ol className="plain small">
        {tr.points.map((p, i) => (
          <li key={`${p.at}-${i}`}>
            <span className="swatch" style={{ background: rgbCss(traceColor(p.kind)) }} /> <span className="mono">{formatBeijing(p.at)}</span> <span data-kind={p.kind}>{translateValue(t, 'trace', p.kind)}</span> {p.place.name}
          </li>
        ))}
      </ol>
    </div>
  );
}

interface Trip {
  path: [number, number][];
  timestamps: number[];
}

function TrajectoryMap({ tr }: { tr: Trajectory | null }) {
  const { t } = useI18n();
  const points = useMemo(() => (tr ? [...tr.points].sort((a, b) => Date.parse(a.at) - Date.parse(b.at)) : []), [tr]);
  const t0 = points.length ? Date.parse(points[0]?.at ?? '') : 0;
  const span = points.length ? Math.max(1, (Date.parse(points[points.length - 1]?.at ?? '') - t0) / 1000) : 1;
  const trip = useMemo<Trip[]>(() => (points.length ? [{ path: points.map((p) => [p.place.lon, p.place.lat]), timestamps: points.map((p) => (Date.parse(p.at) - t0) / 1000) }] : []), [points, t0]);
  const [time, setTime] = useState(span);
  const [playing, setPlaying] = useState(false);
  const [speed, setSpeed] = useState(1);
  const raf = useRef(0);
  useEffect(() => {
    setTime(span);
    setPlaying(false);
  }, [span]);
  useEffect(() => {
    if (!playing) return;
    let last = performance.now();
    const tick = (now: number) => {
      // A whole track plays in ~20 s at 1×.
      setTime((x) => {
        const n = x + ((now - last) / 1000) * (span / 20) * speed;
        return n > span ? 0 : n;
      });
      last = now;
      raf.current = requestAnimationFrame(tick);
    };
    raf.current = requestAnimationFrame(tick);
    return () => cancelAnimationFrame(raf.current);
  }, [playing, speed, span]);

  const layers = useMemo(
    () => [
      new ScatterplotLayer<StayPoint>({
        id: 'stays',
        data: tr?.stays ?? [],
        getPosition: (s) => [s.lon, s.lat],
        radiusUnits: 'pixels',
        getRadius: 14,
        getFillColor: [255, 200, 0, 90],
        getLineColor: [200, 120, 0],
        stroked: true,
        lineWidthMinPixels: 2,
      }),
      new TripsLayer<Trip>({
        id: 'trip',
        data: trip,
        getPath: (d) => d.path,
        getTimestamps: (d) => d.timestamps,
        getColor: [220, 30, 60],
        widthMinPixels: 4,
        capRounded: true,
        jointRounded: true,
        fadeTrail: playing,
        trailLength: playing ? span / 4 : span + 1,
        currentTime: time,
      }),
      new ScatterplotLayer<TracePoint>({
        id: 'trace-points',
        data: points,
        pickable: true,
        getPosition: (p) => [p.place.lon, p.place.lat],
        radiusUnits: 'pixels',
        getRadius: 5,
        getFillColor: (p) => traceColor(p.kind),
        getLineColor: [255, 255, 255],
        stroked: true,
        lineWidthMinPixels: 1,
      }),
    ],
    [tr, trip, points, time, playing, span],
  );
  const bounds = useMemo(() => boundsOf(points.map((p) => [p.place.lon, p.place.lat])), [points]);
  return (
    <>
      <MapView id="trajectory" layers={layers} fitBounds={bounds} getTooltip={(i) => (i.object ? `${formatBeijing((i.object as TracePoint).at)} ${(i.object as TracePoint).place.name}` : null)}>
        {points.length > 0 && (
          <div className="map-controls" data-testid="trip-controls">
            <button type="button" onClick={() => setPlaying((p) => !p)} data-testid="trip-play">
              {playing ? `⏸ ${t('pause')}` : `▶ ${t('play')}`}
            </button>
            <input type="range" min={0} max={span} step={span / 500} value={time} onChange={(e) => setTime(Number(e.target.value))} aria-label={t('time')} />
            <select value={speed} onChange={(e) => setSpeed(Number(e.target.value))} aria-label={t('speed')}>
              {[0.5, 1, 2, 4, 8].map((s) => (
                <option key={s} value={s}>
                  {s}×
                </option>
              ))}
            </select>
            <span className="mono">{formatBeijing(t0 + time * 1000)}</span>
          </div>
        )}
      </MapView>
      {points.length > 0 && <Timeline points={points} t0={t0} span={span} time={time} />}
    </>
  );
}

/** Multi-track timeline (多轨): one row per trace kind, a tick per sighting, the play cursor. */
function Timeline({ points, t0, span, time }: { points: TracePoint[]; t0: number; span: number; time: number }) {
  const { t } = useI18n();
  const kinds = [...new Set(points.map((p) => p.kind))];
  const w = 900;
  const rowH = 18;
  const left = 90;
  const x = (ms: number) => left + (((ms - t0) / 1000) / span) * (w - left - 10);
  return (
    <div className="timeline" data-testid="timeline">
      <h4>{t('timeline')}</h4>
      <svg width="100%" viewBox={`0 0 ${w} ${kinds.length * rowH + 16}`} preserveAspectRatio="none" height={kinds.length * rowH + 16}>
        {kinds.map((k, i) => (
          <g key={k} transform={`translate(0, ${i * rowH})`}>
            <text x={4} y={13} fontSize={11}>
              {translateValue(t, 'trace', k)}
            </text>
            <line x1={left} x2={w - 10} y1={9} y2={9} stroke="#ddd" />
            {points
              .filter((p) => p.kind === k)
              .map((p, j) => (
                <rect key={`${p.at}-${j}`} x={x(Date.parse(p.at)) - 1.5} y={3} width={3} height={12} fill={rgbCss(traceColor(k))} />
              ))}
          </g>
        ))}
        <line x1={x(t0 + time * 1000)} x2={x(t0 + time * 1000)} y1={0} y2={kinds.length * rowH} stroke="#d7301f" strokeWidth={1.5} />
        <text x={left} y={kinds.length * rowH + 12} fontSize={10}>
          {formatBeijing(t0)}
        </text>
        <text x={w - 10} y={kinds.length * rowH + 12} fontSize={10} textAnchor="end">
          {formatBeijing(t0 + span * 1000)}
        </text>
      </svg>
    </div>
  );
}
