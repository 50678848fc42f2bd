import { PathLayer, ScatterplotLayer } from '@deck.gl/layers';
import { formatBeijing } from '@onemap/graph-schema';
import { useCallback, useMemo, useState } from 'react';
import { api } from '../api/client.ts';
import type { CaseSeriesAnswer } from '../api/wire.ts';
import { usePurpose } from '../auth/purpose.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import type { MessageKey } from '../i18n/messages.ts';
import { boundsOf, MapView } from '../map/map-view.tsx';
import { EntityPicker } from '../ui/entity-picker.tsx';
import { AsyncView, useAsync } from '../ui/states.tsx';

type SeriesCase = CaseSeriesAnswer['cases'][number];
type Link = CaseSeriesAnswer['links'][number];

/** Colours: the series in red, near misses in grey, the case asked about larger. */
const SERIES_COLOR: [number, number, number] = [215, 48, 31];
const NEAR_COLOR: [number, number, number] = [150, 150, 150];

/** How a feature's value reads in a reason line. */
function valueText(f: Link['features'][number], names: Map<string, string>): string {
  const v = f.value;
  if (v === null) return '';
  if (Array.isArray(v)) return v.map((e) => names.get(e) ?? e).join('、');
  if (typeof v === 'object') return `${v.km} km · ${v.days} d`;
  return String(v);
}

/**
 * From a case, its likely series (类案串并): the cases on the map (joined in time order) and on a
 * timeline, and every link's reasons — each feature's contribution to the score.
 */
export function SeriesPanel() {
  const { t } = useI18n();
  const { requirePurpose } = usePurpose();
  const [st, run] = useAsync(
    useCallback(async (eid: string) => api.caseSeries(eid, await requirePurpose()), [requirePurpose]),
  );
  const [focus, setFocus] = useState<string | null>(null);
  const data = st.state === 'done' ? st.data : null;
  const placed = useMemo(() => (data?.cases ?? []).filter((c) => c.lon !== null && c.lat !== null), [data]);
  const layers = useMemo(() => {
    const inSeries = placed.filter((c) => c.inSeries);
    return [
      new PathLayer({
        id: 'series-path',
        data: inSeries.length > 1 ? [{ path: inSeries.map((c) => [c.lon as number, c.lat as number]) }] : [],
        getPath: (d: { path: [number, number][] }) => d.path,
        getColor: [...SERIES_COLOR, 140],
        widthUnits: 'pixels',
        getWidth: 2,
      }),
      new ScatterplotLayer({
        id: 'series-cases',
        data: placed,
        pickable: true,
        getPosition: (c: SeriesCase) => [c.lon as number, c.lat as number],
        radiusUnits: 'pixels',
        getRadius: (c: SeriesCase) => (c.entity.eid === data?.eid || c.entity.eid === focus ? 10 : 6),
        getFillColor: (c: SeriesCase) => (c.inSeries ? SERIES_COLOR : NEAR_COLOR),
        updateTriggers: { getRadius: [focus, data?.eid] },
      }),
    ];
  }, [placed, focus, data]);
  const names = useMemo(
    () =>
      new Map(
        [...(data?.entities ?? []), ...(data?.cases ?? []).map((c) => c.entity)].map((e) => [e.eid, e.name ?? e.eid]),
      ),
    [data],
  );
  return (
    <div className="split-screen">
      <section className="side">
        <EntityPicker kinds={['Case']} testId="series-picker" onPick={(h) => void run(h.eid)} />
        <AsyncView st={st} isEmpty={(d) => d.cases.length === 0}>
          {(d: CaseSeriesAnswer) => (
            <>
              <p className="muted small">
                {t('seriesThreshold')}: {d.threshold}
              </p>
              {d.cases.filter((c) => c.inSeries).length < 2 && <p data-testid="series-none">{t('seriesNone')}</p>}
              <SeriesTimeline cases={d.cases} seed={d.eid} />
              <h4>{t('seriesCases')}</h4>
              <table className="grid" data-testid="series-table">
                <tbody>
                  {d.cases.map((c) => (
                    <tr
                      key={c.entity.eid}
                      className={focus === c.entity.eid ? 'active' : ''}
                      onClick={() => setFocus(c.entity.eid)}
                    >
                      <td>{c.entity.name ?? c.entity.eid}</td>
                      <td>{c.occurredAt ? formatBeijing(c.occurredAt) : ''}</td>
                      <td className="small">
                        {c.description?.masked ? t('seriesMasked') : (c.description?.value ?? '')}
                      </td>
                      <td className="small">{c.inSeries ? '' : t('seriesNearMiss')}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <h4>{t('seriesLinks')}</h4>
              {[...d.links, ...d.nearMisses].map((l) => (
                <LinkReasons key={`${l.a}|${l.b}`} link={l} names={names} />
              ))}
            </>
          )}
        </AsyncView>
      </section>
      <section className="main-pane map-pane">
        <MapView
          id="series"
          layers={layers}
          fitBounds={boundsOf(placed.map((c) => [c.lon as number, c.lat as number]))}
          getTooltip={(i) => (i.object ? ((i.object as SeriesCase).entity.name ?? null) : null)}
        />
      </section>
    </div>
  );
}

/** The cases on one time axis, series in red and near misses in grey. */
function SeriesTimeline({ cases, seed }: { cases: SeriesCase[]; seed: string }) {
  const { t } = useI18n();
  const timed = cases.filter((c) => c.occurredAt);
  if (timed.length === 0) return null;
  const ts = timed.map((c) => Date.parse(c.occurredAt as string));
  const lo = Math.min(...ts);
  const span = Math.max(...ts) - lo || 1;
  const W = 320;
  return (
    <figure className="series-timeline" data-testid="series-timeline">
      <figcaption className="small">{t('seriesTimeline')}</figcaption>
      <svg width={W + 20} height={44} role="img" aria-label={t('seriesTimeline')}>
        <line x1={10} x2={W + 10} y1={22} y2={22} stroke="#999" />
        {timed.map((c, i) => (
          <circle
            key={c.entity.eid}
            cx={10 + (((ts[i] as number) - lo) / span) * W}
            cy={22}
            r={c.entity.eid === seed ? 7 : 5}
            fill={`rgb(${(c.inSeries ? SERIES_COLOR : NEAR_COLOR).join(',')})`}
          >
            <title>{`${c.entity.name ?? c.entity.eid} · ${formatBeijing(c.occurredAt as string)}`}</title>
          </circle>
        ))}
      </svg>
    </figure>
  );
}

/** One pair's score as a list of its features' contributions, like a match explanation. */
function LinkReasons({ link, names }: { link: Link; names: Map<string, string> }) {
  const { t } = useI18n();
  return (
    <div className="series-link" data-testid="series-link">
      <strong>
        {names.get(link.a) ?? link.a} — {names.get(link.b) ?? link.b}: {t('seriesScore')} {link.score}
      </strong>
      <ul className="small">
        {link.features
          .filter((f) => f.contribution !== 0 || f.level === 'masked')
          .map((f) => (
            <li key={f.feature}>
              {t(`seriesFeature.${f.feature}` as MessageKey)} {f.contribution > 0 ? '+' : ''}
              {f.contribution} {f.level === 'masked' ? t('seriesMasked') : valueText(f, names)}
            </li>
          ))}
        {link.sharedWords.length > 0 && (
          <li>
            {t('seriesSharedWords')}: {link.sharedWords.join('、')}
          </li>
        )}
      </ul>
    </div>
  );
}
