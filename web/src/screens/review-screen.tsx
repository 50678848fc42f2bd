import { useState } from 'react';
import { api } from '../api/client.ts';
import type { PossibleMatch } from '../api/types.ts';
import { usePurpose } from '../auth/purpose.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { AsyncView, ErrorBox, useLoad } from '../ui/states.tsx';

/** Possible matches with their explanation, merge / keep apart; and split of an entity. */
export default function ReviewScreen() {
  const { t } = useI18n();
  const [st, reload] = useLoad(() => api.matches(), []);
  const [done, setDone] = useState<Record<string, string>>({});
  const [error, setError] = useState<Error | null>(null);

  async function decide(m: PossibleMatch, d: 'merge' | 'keep-apart') {
    setError(null);
    try {
      await api.decide(m.id, d);
      setDone((x) => ({ ...x, [m.id]: d === 'merge' ? t('merge') : t('keepApart') }));
    } catch (e) {
      setError(e as Error);
    }
  }

  return (
    <div className="page">
      <h2>{t('nav.review')}</h2>
      {error && <ErrorBox error={error} />}
      <AsyncView st={st} onRetry={reload} isEmpty={(d) => d.length === 0}>
        {(list: PossibleMatch[]) => (
          <div className="cards" data-testid="matches">
            {list.map((m) => (
              <article key={m.id} className={`card ${done[m.id] ? 'decided' : ''}`}>
                <header className="row">
                  <strong>{m.left.name}</strong> ↔ <strong>{m.right.name}</strong>
                  <span className="spacer" />
                  <span className="badge">
                    {t('score')} {m.score.toFixed(2)}
                  </span>
                </header>
                <table className="grid small">
                  <thead>
                    <tr>
                      <th>{t('field')}</th>
                      <th>{m.left.eid}</th>
                      <th>{m.right.eid}</th>
                      <th>{t('level')}</th>
                      <th>{t('weight')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {m.fields.map((f) => (
                      <tr key={f.field} className={f.weight > 0 ? 'agree' : f.weight < 0 ? 'disagree' : ''}>
                        <td>{f.field}</td>
                        <td>{f.left ?? '—'}</td>
                        <td>{f.right ?? '—'}</td>
                        <td>{f.level}</td>
                        <td className="mono">{f.weight > 0 ? '+' : ''}{f.weight.toFixed(2)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
                {done[m.id] ? (
                  <p className="muted">✓ {done[m.id]}</p>
                ) : (
                  <div className="row">
                    <button type="button" onClick={() => void decide(m, 'merge')}>
                      {t('merge')}
                    </button>
                    <button type="button" className="secondary" onClick={() => void decide(m, 'keep-apart')}>
                      {t('keepApart')}
                    </button>
                  </div>
                )}
              </article>
            ))}
          </div>
        )}
      </AsyncView>
      <SplitTool />
    </div>
  );
}

/** Split: pick an entity's source records to move into a new entity. */
function SplitTool() {
  const { t } = useI18n();
  const { requirePurpose } = usePurpose();
  const [eid, setEid] = useState('');
  const [rids, setRids] = useState<{ rid: string; source: string }[] | null>(null);
  const [chosen, setChosen] = useState<Set<string>>(new Set());
  const [msg, setMsg] = useState<string | null>(null);
  const [error, setError] = useState<Error | null>(null);
  return (
    <section className="card">
      <h3>{t('split')}</h3>
      <div className="row">
        <input value={eid} onChange={(e) => setEid(e.target.value)} placeholder="eid" className="grow" />
        <button
          type="button"
          onClick={async () => {
            setError(null);
            try {
              const p = await api.profile(eid, await requirePurpose());
              setRids(p.sources ?? []);
              setChosen(new Set());
            } catch (e) {
              setError(e as Error);
            }
          }}
        >
          {t('query')}
        </button>
      </div>
      {rids && (
        <>
          <p className="muted small">{t('splitHint')}</p>
          {rids.map((r) => (
            <label key={r.rid} className="inline block">
              <input
                type="checkbox"
                checked={chosen.has(r.rid)}
                onChange={(e) => {
                  const n = new Set(chosen);
                  if (e.target.checked) n.add(r.rid);
                  else n.delete(r.rid);
                  setChosen(n);
                }}
              />
              <span className="mono">{r.rid}</span>
            </label>
          ))}
          <button
            type="button"
            disabled={!chosen.size}
            onClick={async () => {
              try {
                await api.split(eid, [...chosen], await requirePurpose());
                setMsg('✓');
              } catch (e) {
                setError(e as Error);
              }
            }}
          >
            {t('split')} {msg}
          </button>
        </>
      )}
      {error && <ErrorBox error={error} />}
    </section>
  );
}
