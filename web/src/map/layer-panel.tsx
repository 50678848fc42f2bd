import type { ReactNode } from 'react';
import { useI18n } from '../i18n/i18n.tsx';
import type { MessageKey } from '../i18n/messages.ts';
import type { LayerStatus } from './layer-status.ts';

export interface LayerState {
  visible: boolean;
  opacity: number;
}

export interface LayerEntry {
  id: string;
  label: MessageKey;
  state: LayerState;
  /** loading, still computing on the server (asked again after Retry-After), failed, or ready (undefined) */
  status?: LayerStatus;
  /** "as of" time (HH:MM, Beijing) of an answer computed more than a minute ago (`asOfTime`) */
  asOf?: string | null;
  legend?: ReactNode;
  extra?: ReactNode;
}

/** The layer panel: a row per layer with visibility, opacity, status and legend. */
export function LayerPanel({ entries, onChange }: { entries: LayerEntry[]; onChange: (id: string, s: LayerState) => void }) {
  const { t } = useI18n();
  return (
    <aside className="layer-panel" data-testid="layer-panel">
      <h3>{t('layers')}</h3>
      {entries.map((e) => (
        <section key={e.id} className="layer-row" data-layer={e.id}>
          <label className="inline">
            <input type="checkbox" data-testid={`layer-toggle-${e.id}`} checked={e.state.visible} onChange={(ev) => onChange(e.id, { ...e.state, visible: ev.target.checked })} />
            {t(e.label)}
            {(e.status?.state === 'loading' || e.status?.state === 'computing') && <span className="spinner small" title={t('loading')} />}
            {e.status?.state === 'error' && (
              <span className="badge error" title={e.status.message}>
                !
              </span>
            )}
          </label>
          {e.state.visible && e.status?.state === 'computing' && (
            <p className="muted small" data-testid={`layer-computing-${e.id}`}>
              {t('layer.computing').replace('{s}', String(e.status.retryInS))}
            </p>
          )}
          {e.state.visible && e.asOf && e.status?.state !== 'computing' && (
            <p className="muted small" data-testid={`layer-as-of-${e.id}`}>
              {t('layer.asOf').replace('{time}', e.asOf)}
            </p>
          )}
          <label className="inline opacity">
            {t('opacity')}
            <input
              type="range"
              min={0}
              max={1}
              step={0.05}
              value={e.state.opacity}
              data-testid={`layer-opacity-${e.id}`}
              onChange={(ev) => onChange(e.id, { ...e.state, opacity: Number(ev.target.value) })}
            />
          </label>
          {e.state.visible && e.extra}
          {e.state.visible && e.legend && <div className="legend">{e.legend}</div>}
        </section>
      ))}
    </aside>
  );
}

/** A horizontal colour ramp with end labels. */
export function RampLegend({ colors, min, max }: { colors: [number, number, number][]; min: string; max: string }) {
  return (
    <div className="ramp-legend">
      <div className="ramp" style={{ background: `linear-gradient(to right, ${colors.map((c) => `rgb(${c.join(',')})`).join(',')})` }} />
      <div className="ramp-labels">
        <span>{min}</span>
        <span>{max}</span>
      </div>
    </div>
  );
}
