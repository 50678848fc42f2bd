import { PolygonLayer, ScatterplotLayer } from '@deck.gl/layers';
import { useCallback, useMemo, useState } from 'react';
import { api } from '../api/client.ts';
import type { CollisionArea, CollisionHit, CoTraveler, JobStatus } from '../api/types.ts';
import { usePurpose } from '../auth/purpose.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { boundsOf, MapView } from '../map/map-view.tsx';
import { EntityPicker } from '../ui/entity-picker.tsx';
import { go } from '../ui/route.ts';
import { AsyncView, ErrorBox, Progress, useAsync } from '../ui/states.tsx';

type Tab = 'cotravel' | 'collision';

/** Analysis tools: co-travel for one entity; spatio-temporal collision over drawn areas. */
export default function AnalysisScreen() {
  const { t } = useI18n();
  const [tab, setTab] = useState<Tab>('cotravel');
  return (
    <div className="analysis">
      <div className="tabs">
        <button type="button" className={tab === 'cotravel' ? 'active' : ''} onClick={() => setTab('cotravel')}>
          {t('coTravel')}
        </button>
        <button type="button" className={tab === 'collision' ? 'active' : ''} onClick={() => setTab('collision')} data-testid="tab-collision">
          {t('collision')}
        </button>
      </div>
      {tab === 'cotravel' ? <CoTravel /> : <Collision />}
    </div>
  );
}

function CoTravel() {
  const { t } = useI18n();
  const { requirePurpose } = usePurpose();
  const [subject, setSubject] = useState<{ eid: string; name: string } | null>(null);
  const [st, run] = useAsync(useCallback(async (eid: string) => api.coTravel(eid, await requirePurpose()), [requirePurpose]));
  const [focus, setFocus] = useState<string | null>(null);
  const data = st.state === 'done' ? st.data : [];
  const pts = data.flatMap((c) => c.places.map((p) => ({ ...p, who: c.eid, name: `${c.name} · ${p.name}` })));
  const layers = useMemo(
    () => [
      new ScatterplotLayer({
        id: 'cotravel-places',
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
          }}
        />
        {subject && <h3>{subject.name}</h3>}
        <AsyncView st={st} isEmpty={(d) => d.length === 0}>
          {(list: CoTraveler[]) => (
            <table className="grid" data-testid="cotravel-table">
              <thead>
                <tr>
                  <th>{t('companions')}</th>
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
          )}
        </AsyncView>
      </section>
      <section className="main-pane map-pane">
        <MapView id="cotravel" layers={layers} fitBounds={boundsOf(pts.map((p) => [p.lon, p.lat]))} getTooltip={(i) => (i.object ? (i.object as { name: string }).name : null)} />
      </section>
    </div>
  );
}

interface DraftArea {
  ring: [number, number][];
  from: string;
  to: string;
}

function Collision() {
  const { t } = useI18n();
  const { requirePurpose } = usePurpose();
  const [areas, setAreas] = useState<DraftArea[]>([]);
  const [drawing, setDrawing] = useState<[number, number][] | null>(null);
  const [job, setJob] = useState<JobStatus<CollisionHit[]> | null>(null);
  const [error, setError] = useState<Error | null>(null);

  async function runAnalysis() {
    setError(null);
    setJob({ id: '', state: 'queued', progress: 0 });
    try {
      const purpose = await requirePurpose();
      const body: CollisionArea[] = areas.map((a) => ({ polygon: [...a.ring, a.ring[0] as [number, number]], from: new Date(`${a.from}Z`).toISOString(), to: new Date(`${a.to}Z`).toISOString() }));
      let r = await api.collision(body, purpose);
      if ('results' in r) {
        setJob({ id: '', state: 'done', progress: 100, result: r.results });
        return;
      }
      setJob(r);
      while (r.state === 'queued' || r.state === 'running') {
        await new Promise((res) => setTimeout(res, 700));
        r = await api.job<CollisionHit[]>(r.id);
        setJob(r);
      }
      if (r.state === 'failed') setError(new Error(r.error ?? 'failed'));
    } catch (e) {
      setJob(null);
      setError(e as Error);
    }
  }

  const layers = useMemo(
    () => [
      new PolygonLayer<DraftArea>({
        id: 'areas',
        data: areas,
        getPolygon: (a) => a.ring,
        getFillColor: [215, 48, 31, 50],
        getLineColor: [215, 48, 31],
        lineWidthMinPixels: 2,
      }),
      new PolygonLayer<[number, number][]>({
        id: 'draft',
        data: drawing && drawing.length > 1 ? [drawing] : [],
        getPolygon: (r) => r,
        getFillColor: [31, 119, 180, 40],
        getLineColor: [31, 119, 180],
        lineWidthMinPixels: 2,
      }),
      new ScatterplotLayer<[number, number]>({
        id: 'draft-vertices',
        data: drawing ?? [],
        getPosition: (p) => p,
        radiusUnits: 'pixels',
        getRadius: 4,
        getFillColor: [31, 119, 180],
      }),
    ],
    [areas, drawing],
  );

  return (
    <div className="split-screen">
      <section className="side">
        <p className="muted small">{t('drawHint')}</p>
        <div className="row">
          {drawing ? (
            <button
              type="button"
              disabled={drawing.length < 3}
              data-testid="finish-area"
              onClick={() => {
                setAreas((a) => [...a, { ring: drawing, from: '2026-03-02T00:00', to: '2026-03-12T00:00' }]);
                setDrawing(null);
              }}
            >
              {t('finishArea')}
            </button>
          ) : (
            <button type="button" onClick={() => setDrawing([])} data-testid="draw-area">
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
          <div key={`${i}-${a.ring.length}`} className="row wrap small">
            <strong>#{i + 1}</strong>
            <input type="datetime-local" value={a.from} onChange={(e) => setAreas((x) => x.map((y, j) => (j === i ? { ...y, from: e.target.value } : y)))} />
            <input type="datetime-local" value={a.to} onChange={(e) => setAreas((x) => x.map((y, j) => (j === i ? { ...y, to: e.target.value } : y)))} />
          </div>
        ))}
        <button type="button" disabled={!areas.length || job?.state === 'running' || job?.state === 'queued'} onClick={() => void runAnalysis()} data-testid="run-collision">
          {t('runAnalysis')}
        </button>
        {job && (job.state === 'queued' || job.state === 'running') && <Progress value={job.progress} />}
        {error && <ErrorBox error={error} />}
        {job?.state === 'done' && (
          <>
            <h4>{t('whoInAll')}</h4>
            <ul className="plain" data-testid="collision-results">
              {(job.result ?? []).map((h) => (
                <li key={h.eid}>
                  <strong>{h.name}</strong> <span className="muted small">{h.visits.map((v) => `#${v.area + 1} ${v.place} ${v.at.slice(5, 16).replace('T', ' ')}`).join('；')}</span>
                </li>
              ))}
              {!job.result?.length && <li className="muted">{t('noResults')}</li>}
            </ul>
          </>
        )}
      </section>
      <section className="main-pane map-pane">
        <MapView
          id="collision"
          layers={layers}
          fitBounds={boundsOf(areas.flatMap((a) => a.ring))}
          onClick={(ll) => {
            if (drawing) setDrawing([...drawing, ll]);
          }}
        />
      </section>
    </div>
  );
}
