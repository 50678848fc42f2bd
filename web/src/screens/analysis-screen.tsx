import { PolygonLayer, ScatterplotLayer } from '@deck.gl/layers';
import { useCallback, useMemo, useState } from 'react';
import { api, type Companion } from '../api/client.ts';
import type { CollisionHit, CoLocated } from '../api/types.ts';
import { usePurpose } from '../auth/purpose.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { boundsOf, MapView } from '../map/map-view.tsx';
import { EntityPicker } from '../ui/entity-picker.tsx';
import { go } from '../ui/route.ts';
import { type Async, AsyncView, ErrorBox, Progress, useAsync } from '../ui/states.tsx';
import { SeriesPanel } from './series-panel.tsx';
import { formatBeijing, parseBeijingLocal, toBeijingIso } from '@onemap/graph-schema';

type Tab = 'colocation' | 'collision' | 'series';

/** The server's limit on a collision circle (CollisionWindow.radiusM). */
const MAX_RADIUS_M = 5000;

/** The range co-location looks at (the sample data's span; a date picker is future work). */
const DEFAULT_RANGE = { from: '2026-01-01T00:00:00Z', to: '2027-01-01T00:00:00Z' };

/** A circle as a ring of [lon, lat], for drawing. */
function circleRing(c: [number, number], radiusM: number, n = 48): [number, number][] {
  const dLat = radiusM / 111_320;
  const dLon = dLat / Math.cos((c[1] * Math.PI) / 180);
  return Array.from({ length: n + 1 }, (_, i) => {
    const a = (i / n) * Math.PI * 2;
    return [c[0] + dLon * Math.cos(a), c[1] + dLat * Math.sin(a)] as [number, number];
  });
}

function metres(a: [number, number], b: [number, number]): number {
  const dy = (b[1] - a[1]) * 111_320;
  const dx = (b[0] - a[0]) * 111_320 * Math.cos((a[1] * Math.PI) / 180);
  return Math.hypot(dx, dy);
}

/** Analysis tools: co-location (同地出现) for one entity; spatio-temporal collision over drawn areas; series linking (类案串并) from a case. */
export default function AnalysisScreen() {
  const { t } = useI18n();
  const [tab, setTab] = useState<Tab>('colocation');
  return (
    <div className="analysis">
      <div className="tabs">
        <button type="button" className={tab === 'colocation' ? 'active' : ''} onClick={() => setTab('colocation')}>
          {t('coLocation')}
        </button>
        <button type="button" className={tab === 'collision' ? 'active' : ''} onClick={() => setTab('collision')} data-testid="tab-collision">
          {t('collision')}
        </button>
        <button type="button" className={tab === 'series' ? 'active' : ''} onClick={() => setTab('series')} data-testid="tab-series">
          {t('series')}
        </button>
      </div>
      {tab === 'colocation' ? <CoLocation /> : tab === 'collision' ? <Collision /> : <SeriesPanel />}
    </div>
  );
}

function CoLocation() {
  const { t } = useI18n();
  const { requirePurpose } = usePurpose();
  const [subject, setSubject] = useState<{ eid: string; name: string } | null>(null);
  const [st, run] = useAsync(useCallback(async (eid: string) => api.coLocation(eid, DEFAULT_RANGE, await requirePurpose()), [requirePurpose]));
  const [companions, runCompanions] = useAsync(useCallback(async (eid: string) => api.companions(eid, await requirePurpose()), [requirePurpose]));
  const [focus, setFocus] = useState<string | null>(null);
  const data = st.state === 'done' ? st.data.coLocated : [];
  const pts = data.flatMap((c) => c.places.map((p) => ({ ...p, who: c.eid, name: `${c.name} · ${p.name}` })));
  const layers = useMemo(
    () => [
      new ScatterplotLayer({
        id: 'colocation-places',
        data: pts,
        pickable: true,
        getPosition: (p: (typeof pts)[number]) => [p.lon, p.lat],
        radiusUnits: 'pixels',
        getRadius: (p: (typeof pts)[number]) => (p.who === focus ? 9 : 5),
        getFillColor: (p: (typeof pts)[number]) => (p.who === focus ? [215, 48, 31] : [31, 119, 180]),
        updateTriggers: { getRadius: [focus], getFillColor: [focus] },
      }),
    ],
    [pts, focus],
  );
  return (
    <div className="split-screen">
      <section className="side">
        <EntityPicker
          kinds={['Person', 'Vehicle']}
          onPick={(h) => {
            setSubject(h);
            void run(h.eid);
            if (h.eid.startsWith('P')) void runCompanions(h.eid);
          }}
        />
        {subject && <h3>{subject.name}</h3>}
        <AsyncView st={st} isEmpty={(d) => d.coLocated.length === 0}>
          {({ coLocated: list, truncated }: { coLocated: CoLocated[]; truncated: boolean }) => (
            <>
              {truncated && (
                <p className="muted small" data-testid="colocation-truncated">
                  {t('answerCut')}
                </p>
              )}
              <table className="grid" data-testid="colocation-table">
                <thead>
                  <tr>
                    <th>{t('coLocated')}</th>
                    <th>{t('times')}</th>
                    <th>{t('placesVisited')}</th>
                    <th />
                  </tr>
                </thead>
                <tbody>
                  {list.map((c) => (
                    <tr key={c.eid} className={focus === c.eid ? 'active' : ''} onClick={() => setFocus(c.eid)}>
                      <td>{c.name}</td>
                      <td>{c.count}</td>
                      <td className="small">{c.places.map((p) => p.name).join('、')}</td>
                      <td>
                        <button type="button" className="link" onClick={() => go('graph', { eid: c.eid })}>
                          {t('openGraph')}
                        </button>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          )}
        </AsyncView>
        {subject?.eid.startsWith('P') && <Companions st={companions} />}
      </section>
      <section className="main-pane map-pane">
        <MapView id="colocation" layers={layers} fitBounds={boundsOf(pts.map((p) => [p.lon, p.lat]))} getTooltip={(i) => (i.object ? (i.object as { name: string }).name : null)} />
      </section>
    </div>
  );
}

/** The subject's derived companions (CO_TRAVELED) with their chance score and why. */
function Companions({ st }: { st: Async<Companion[]> }) {
  const { t } = useI18n();
  return (
    <>
      <h4>{t('companions')}</h4>
      <AsyncView st={st} isEmpty={(d) => d.length === 0}>
        {(list: Companion[]) => (
          <table className="grid" data-testid="companions-table">
            <thead>
              <tr>
                <th>{t('companions')}</th>
                <th>{t('companionScore')}</th>
                <th>{t('companionWhy')}</th>
              </tr>
            </thead>
            <tbody>
              {list.map((c) => (
                <tr key={c.eid}>
                  <td>
                    <button type="button" className="link" onClick={() => go('graph', { eid: c.eid })}>
                      {c.name}
                    </button>
                  </td>
                  <td>{c.score.toFixed(1)}</td>
                  <td className="small">
                    {t('companionWhyText')
                      .replace('{legs}', String(c.reasons.legs))
                      .replace('{places}', String(c.reasons.places))
                      .replace('{days}', String(c.reasons.days))
                      .replace('{min}', c.reasons.minScore.toFixed(1))}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </AsyncView>
    </>
  );
}

interface DraftArea {
  center: [number, number];
  radiusM: number;
  from: string;
  to: string;
}

/**
 * Spatio-temporal collision: draw circles (click the centre, then a point on the rim), give
 * each a time window, get who was in all of them.
 */
function Collision() {
  const { t } = useI18n();
  const { requirePurpose } = usePurpose();
  const [areas, setAreas] = useState<DraftArea[]>([]);
  const [drawing, setDrawing] = useState<{ center: [number, number] | null; rim: [number, number] | null } | null>(null);
  const [st, run] = useAsync(
    useCallback(
      async (as: DraftArea[]) => api.collision(as.map((a) => ({ center: a.center, radiusM: a.radiusM, from: toBeijingIso(parseBeijingLocal(a.from)), to: toBeijingIso(parseBeijingLocal(a.to)) })), await requirePurpose()),
      [requirePurpose],
    ),
  );

  const draft = drawing?.center && drawing.rim ? { center: drawing.center, radiusM: Math.min(MAX_RADIUS_M, Math.max(50, metres(drawing.center, drawing.rim))) } : null;
  const layers = useMemo(
    () => [
      new PolygonLayer<DraftArea>({
        id: 'areas',
        data: areas,
        getPolygon: (a) => circleRing(a.center, a.radiusM),
        getFillColor: [215, 48, 31, 50],
        getLineColor: [215, 48, 31],
        lineWidthMinPixels: 2,
      }),
      new PolygonLayer<{ center: [number, number]; radiusM: number }>({
        id: 'draft',
        data: draft ? [draft] : [],
        getPolygon: (a) => circleRing(a.center, a.radiusM),
        getFillColor: [31, 119, 180, 40],
        getLineColor: [31, 119, 180],
        lineWidthMinPixels: 2,
      }),
      new ScatterplotLayer<[number, number]>({
        id: 'draft-vertices',
        data: drawing?.center ? [drawing.center] : [],
        getPosition: (p) => p,
        radiusUnits: 'pixels',
        getRadius: 4,
        getFillColor: [31, 119, 180],
      }),
    ],
    [areas, drawing, draft],
  );

  return (
    <div className="split-screen">
      <section className="side">
        <p className="muted small">{t('drawHint')}</p>
        <div className="row">
          {drawing ? (
            <button
              type="button"
              disabled={!draft}
              data-testid="finish-area"
              onClick={() => {
                if (draft) setAreas((a) => [...a, { ...draft, from: '2026-03-02T00:00', to: '2026-03-12T00:00' }]);
                setDrawing(null);
              }}
            >
              {t('finishArea')}
            </button>
          ) : (
            <button type="button" onClick={() => setDrawing({ center: null, rim: null })} data-testid="draw-area">
              {t('drawArea')}
            </button>
          )}
          <button type="button" className="secondary" onClick={() => setAreas([])}>
            {t('clearAreas')}
          </button>
        </div>
        <h4>
          {t('areas')} ({areas.length})
        </h4>
        {areas.map((a, i) => (
          <div key={`${i}-${a.center.join()}`} className="row wrap small">
            <strong>#{i + 1}</strong> <span className="mono">{Math.round(a.radiusM)} m</span>
            <input type="datetime-local" value={a.from} onChange={(e) => setAreas((x) => x.map((y, j) => (j === i ? { ...y, from: e.target.value } : y)))} />
            <input type="datetime-local" value={a.to} onChange={(e) => setAreas((x) => x.map((y, j) => (j === i ? { ...y, to: e.target.value } : y)))} />
          </div>
        ))}
        <button type="button" disabled={areas.length < 2 || st.state === 'loading'} onClick={() => void run(areas)} data-testid="run-collision">
          {t('runAnalysis')}
        </button>
        {st.state === 'loading' && <Progress />}
        {st.state === 'error' && <ErrorBox error={st.error} />}
        {st.state === 'done' && (
          <>
            <h4>{t('whoInAll')}</h4>
            <ul className="plain" data-testid="collision-results">
              {st.data.map((h: CollisionHit) => (
                <li key={h.eid}>
                  <strong>{h.name}</strong> <span className="muted small">{h.visits.map((v) => `#${v.area + 1} ${v.place} ${formatBeijing(v.at)}`).join('；')}</span>
                </li>
              ))}
              {!st.data.length && <li className="muted">{t('noResults')}</li>}
            </ul>
          </>
        )}
      </section>
      <section className="main-pane map-pane">
        <MapView
          id="collision"
          layers={layers}
          onClick={(ll) => {
            if (!drawing) return;
            if (!drawing.center) setDrawing({ center: ll, rim: null });
            else setDrawing({ ...drawing, rim: ll });
          }}
        />
      </section>
    </div>
  );
}
