import { type FormEvent, useCallback, useState } from 'react';
import { api } from '../api/client.ts';
import type { SearchHit } from '../api/types.ts';
import { usePurpose } from '../auth/purpose.tsx';
import { translateValue, useI18n } from '../i18n/i18n.tsx';
import { checkSearchInput } from './search-input.ts';
import { AsyncView, useAsync } from './states.tsx';

/** A search box that picks one entity (used by trajectory, graph and analysis screens). */
export function EntityPicker({ onPick, kinds, testId }: { onPick: (h: SearchHit) => void; kinds?: string[]; testId?: string }) {
  const { t } = useI18n();
  const { requirePurpose } = usePurpose();
  const [q, setQ] = useState('');
  const [open, setOpen] = useState(false);
  const [bad, setBad] = useState<string | null>(null);
  const [st, run] = useAsync(
    useCallback(
      async (text: string) => {
        const hits = await api.search(text, await requirePurpose());
        return kinds ? hits.filter((h) => kinds.includes(h.kind)) : hits;
      },
      [requirePurpose, kinds],
    ),
  );
  function submit(e: FormEvent) {
    e.preventDefault();
    if (!q.trim()) return;
    const c = checkSearchInput(q);
    if (!c.ok) {
      setBad(t(c.error).replace('{expected}', c.params.expected ?? '').replace('{got}', c.params.got ?? ''));
      setOpen(false);
      return;
    }
    setBad(null);
    setOpen(true);
    void run(c.query);
  }
  return (
    <div className="picker" data-testid={testId}>
      <form onSubmit={submit} className="row">
        <input name="q" value={q} onChange={(e) => setQ(e.target.value)} placeholder={t('searchPlaceholder')} className="grow" />
        <button type="submit">{t('search')}</button>
      </form>
      {bad && (
        <p className="error-text" role="alert" data-testid="search-input-note">
          {bad}
        </p>
      )}
      {open && (
        <AsyncView st={st} isEmpty={(d) => d.length === 0}>
          {(hits: SearchHit[]) => (
            <ul className="hits compact">
              {hits.slice(0, 8).map((h) => (
                <li key={h.eid}>
                  <button
                    type="button"
                    data-eid={h.eid}
                    className="hit"
                    onClick={() => {
                      setOpen(false);
                      onPick(h);
                    }}
                  >
                    <span className={`kind kind-${h.kind}`}>{translateValue(t, 'kind', h.kind)}</span> <strong>{h.name}</strong> {h.detail && <span className="muted">{h.detail}</span>}
                  </button>
                </li>
              ))}
            </ul>
          )}
        </AsyncView>
      )}
    </div>
  );
}
