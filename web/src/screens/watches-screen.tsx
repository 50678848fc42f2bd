import { useEffect, useState } from 'react';
import { api } from '../api/client.ts';
import type { Watch, WatchAlert } from '../api/types.ts';
import { PurposeFirst, usePurpose } from '../auth/purpose.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { EntityPicker } from '../ui/entity-picker.tsx';
import { AsyncView, ErrorBox, useLoad } from '../ui/states.tsx';
import { WarningRules } from './warning-rules.tsx';
import { formatBeijing } from '@onemap/graph-schema';

/** Watches (布控), early-warning rules (预警) and their live alerts over server-sent events. */
export default function WatchesScreen() {
  const { t } = useI18n();
  const { requirePurpose, purpose } = usePurpose();
  // The list is individual-level too: it loads once the session has a purpose (the button below asks for one).
  const [st, reload] = useLoad(async () => (purpose ? api.watches(purpose) : []), [purpose]);
  const [alerts, setAlerts] = useState<WatchAlert[]>([]);
  const [open, setOpen] = useState(false);
  const [error, setError] = useState<Error | null>(null);

  // The stream is individual-level: it opens once the session has a purpose.
  useEffect(() => (purpose ? api.watchStream(purpose, (a) => setAlerts((x) => [a, ...x].slice(0, 200)), setOpen) : undefined), [purpose]);

  return (
    <div className="split-screen">
      <section className="side">
        <h3>{t('addWatch')}</h3>
        <EntityPicker
          kinds={['Person', 'Vehicle', 'Phone']}
          onPick={async (h) => {
            setError(null);
            try {
              await api.addWatch(h.eid, await requirePurpose());
              reload();
            } catch (e) {
              setError(e as Error);
            }
          }}
        />
        {error && <ErrorBox error={error} />}
        <h3>{t('nav.watches')}</h3>
        {!purpose && <PurposeFirst />}
        <AsyncView st={st} onRetry={reload} isEmpty={(d) => d.length === 0 && !!purpose}>
          {(list: Watch[]) => (
            <ul className="plain" data-testid="watch-list">
              {list.map((w) => (
                <li key={w.id} className="row">
                  <span className="grow">{w.name ?? w.eid}</span>
                  <button
                    type="button"
                    className="link"
                    onClick={async () => {
                      await requirePurpose()
                        .then((p) => api.removeWatch(w.id, p))
                        .catch((e: Error) => setError(e));
                      reload();
                    }}
                  >
                    {t('remove')}
                  </button>
                </li>
              ))}
            </ul>
          )}
        </AsyncView>
        <WarningRules />
      </section>
      <section className="main-pane">
        <h3>
          {!purpose && (
            <button type="button" className="secondary" onClick={() => void requirePurpose().catch(() => {})}>
              {t('purpose.title')}
            </button>
          )}{' '}
          {t('liveAlerts')} <span className={`badge ${open ? 'ok' : 'error'}`} data-testid="sse-state">{open ? t('connected') : t('disconnected')}</span>
        </h3>
        <table className="grid" data-testid="alerts">
          <tbody>
            {alerts.map((a, i) => (
              <tr key={a.id ?? `${a.at}-${i}`} className="alert-row">
                <td className="mono">{formatBeijing(a.at, 'second')}</td>
                <td>{a.name ?? a.eid}</td>
                <td>
                  <code>{a.kind}</code>
                </td>
                <td>{a.place}</td>
                <td className="muted">{a.message}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {!alerts.length && <p className="muted">{t('empty')}</p>}
      </section>
    </div>
  );
}
