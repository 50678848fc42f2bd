import { useState } from 'react';
import { api } from '../api/client.ts';
import type { PossibleMatch, Profile } from '../api/types.ts';
import { usePurpose } from '../auth/purpose.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { AsyncView, ErrorBox, useLoad } from '../ui/states.tsx';

/**
 * Review: the possible-match queue with each pair's explanation (fields, levels, weights),
 * a side-by-side check of any two entities, merge / keep apart, and split.
 */
export default function ReviewScreen() {
  const { t } = useI18n();
  const [st, reload] = useLoad(() => api.matches(), []);
  return (
    <div className="page">
      <h2>{t('nav.review')}</h2>
      <AsyncView st={st} onRetry={reload} isEmpty={(d) => d.length === 0}>
        {(list: PossibleMatch[]) => (
          <div className="cards" data-testid="matches">
            {list.map((m) => (
              <MatchCard key={m.id} m={m} />
            ))}
          </div>
        )}
      </AsyncView>
      <PairCheck />
      <SplitTool />
    </div>
  );
}

function Decide({ left, right }: { left: string; right: string }) {
  const { t } = useI18n();
  const { requirePurpose } = usePurpose();
  const [reason, setReason] = useState('');
  const [done, setDone] = useState<string | null>(null);
  const [error, setError] = useState<Error | null>(null);
  async function go(d: 'merge' | 'keep-apart') {
    setError(null);
    try {
      await api.decide(left, right, d, reason, await requirePurpose());
      setDone(d === 'merge' ? t('merge') : t('keepApart'));
    } catch (e) {
      setError(e as Error);
    }
  }
  if (done) return <p className="muted">✓ {done}</p>;
  return (
    <>
      <div className="row">
        <input className="grow" placeholder={t('purpose.text')} value={reason} onChange={(e) => setReason(e.target.value)} />
        <button type="button" disabled={reason.trim().length < 2} onClick={() => void go('merge')}>
          {t('merge')}
        </button>
        <button type="button" className="secondary" disabled={reason.trim().length < 2} onClick={() => void go('keep-apart')}>
          {t('keepApart')}
        </button>
      </div>
      {error && <ErrorBox error={error} />}
    </>
  );
}

function MatchCard({ m }: { m: PossibleMatch }) {
  const { t } = useI18n();
  return (
    <article className="card">
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
              <td className="mono">
                {f.weight > 0 ? '+' : ''}
                {f.weight.toFixed(2)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <Decide left={m.left.eid} right={m.right.eid} />
    </article>
  );
}

/** Any two entities side by side: which golden values agree, then merge or keep apart. */
function PairCheck() {
  const { t } = useI18n();
  const { requirePurpose } = usePurpose();
  const [ids, setIds] = useState<[string, string]>(['', '']);
  const [pair, setPair] = useState<[Profile, Profile] | null>(null);
  const [error, setError] = useState<Error | null>(null);
  async function load() {
    setError(null);
    try {
      const p = await requirePurpose();
      setPair([await api.profile(ids[0], p), await api.profile(ids[1], p)]);
    } catch (e) {
      setError(e as Error);
    }
  }
  const names = pair ? [...new Set([...pair[0].attributes.map((a) => a.name), ...pair[1].attributes.map((a) => a.name)])] : [];
  return (
    <section className="card" data-testid="pair-check">
      <h3>
        {t('merge')} / {t('keepApart')}
      </h3>
      <div className="row">
        <input className="grow" placeholder="eid A" value={ids[0]} onChange={(e) => setIds([e.target.value, ids[1]])} />
        <input className="grow" placeholder="eid B" value={ids[1]} onChange={(e) => setIds([ids[0], e.target.value])} />
        <button type="button" disabled={!ids[0] || !ids[1]} onClick={() => void load()}>
          {t('query')}
        </button>
      </div>
      {error && <ErrorBox error={error} />}
      {pair && (
        <>
          <table className="grid small">
            <thead>
              <tr>
                <th>{t('field')}</th>
                <th>{pair[0].name}</th>
                <th>{pair[1].name}</th>
              </tr>
            </thead>
            <tbody>
              {names.map((n) => {
                const a = pair[0].attributes.find((x) => x.name === n);
                const b = pair[1].attributes.find((x) => x.name === n);
                const cls = a?.value != null && b?.value != null && !a.masked && !b.masked ? (String(a.value) === String(b.value) ? 'agree' : 'disagree') : '';
                return (
                  <tr key={n} className={cls}>
                    <td>{n}</td>
                    <td>{a?.value ?? '—'}</td>
                    <td>{b?.value ?? '—'}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          <Decide left={pair[0].eid} right={pair[1].eid} />
        </>
      )}
    </section>
  );
}

/** Split: pick an entity's source records to move into a new entity. */
function SplitTool() {
  const { t } = useI18n();
  const { requirePurpose } = usePurpose();
  const [eid, setEid] = useState('');
  const [rids, setRids] = useState<{ rid: string; source: string }[] | null>(null);
  const [chosen, setChosen] = useState<Set<string>>(new Set());
  const [reason, setReason] = useState('');
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
          <div className="row">
            <input className="grow" placeholder={t('purpose.text')} value={reason} onChange={(e) => setReason(e.target.value)} />
            <button
              type="button"
              disabled={!chosen.size || reason.trim().length < 2}
              onClick={async () => {
                try {
                  const r = await api.split(eid, [...chosen], reason, await requirePurpose());
                  setMsg(`✓ ${r.newEid}`);
                } catch (e) {
                  setError(e as Error);
                }
              }}
            >
              {t('split')}
            </button>
            {msg}
          </div>
        </>
      )}
      {error && <ErrorBox error={error} />}
    </section>
  );
}
