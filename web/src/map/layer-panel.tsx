import type { ReactNode } from 'react';
import { useI18n } from '../i18n/i18n.tsx';
import type { MessageKey } from '../i18n/messages.ts';

export interface LayerState {
  visible: boolean;
  opacity: number;
}

export interface LayerEntry {
  id: string;
  label: MessageKey;
  state: LayerState;
  /** 'loading' | 'error: …' | undefined (ready) */
  status?: string;
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
            {e.status === 'loading' && <span className="spinner small" title={t('loading')} />}
            {e.status?.startsWith('error') && (
              <span className="badge error" title={e.status}>
                !
              </span>
            )}
          </label>
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
