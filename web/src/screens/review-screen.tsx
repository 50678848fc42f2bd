import { useCallback, useEffect, useState } from 'react';
import { api } from '../api/client.ts';
import type { DecisionInfo, PossibleMatch, Profile, SearchHit } from '../api/types.ts';
import { usePurpose } from '../auth/purpose.tsx';
import { fieldValue } from '../i18n/field-value.ts';
import { translateValue, useI18n } from '../i18n/i18n.tsx';
import { localName } from '../i18n/source-name.ts';
import { EntityPicker } from '../ui/entity-picker.tsx';
import { AsyncView, ErrorBox, useAsync } from '../ui/states.tsx';
import { WaterfallChart } from '../ui/waterfall-chart.tsx';

/**
 * Review (疑似匹配审核): the pipeline's possible matches, most uncertain first, filtered by source
 * or owner unit; the chosen pair side by side with its explanation as a waterfall; merge or keep
 * apart with a reason and a purpose asked for that decision; undo. Any two entities picked by
 * search can be compared the same way, and source records split off an entity.
 */
export default function ReviewScreen() {
  const { t, lang } = useI18n();
  const { requirePurpose } = usePurpose();
  const [source, setSource] = useState('');
  const [unit, setUnit] = useState('');
  const [sources, setSources] = useState<{ id: string; nameZh: string; nameEn: string }[]>([]);
  const [chosen, setChosen] = useState<PossibleMatch | null>(null);
  const [st, load] = useAsync(
    useCallback(
      async (s: string, u: string) => api.matches({ source: s, unit: u }, await requirePurpose()),
      [requirePurpose],
    ),
  );
  useEffect(() => {
    void load('', '');
    void api.catalog().then(
      (c) => setSources(c.map((x) => ({ id: x.id, nameZh: x.nameZh, nameEn: x.nameEn }))),
      () => setSources([]),
    );
  }, [load]);
  return (
    <div className="page review">
      <h2>{t('nav.review')}</h2>
      <section className="card">
        <h3>{t('review.queue')}</h3>
        <form
          className="row wrap"
          data-testid="review-filter"
          onSubmit={(e) => {
            e.preventDefault();
            setChosen(null);
            void load(source, unit.trim());
          }}
        >
          <label className="inline">
            {t('review.source')}
            <select name="source" value={source} onChange={(e) => setSource(e.target.value)}>
              <option value="">{t('review.allSources')}</option>
              {sources.map((s) => (
                <option key={s.id} value={s.id}>
                  {localName(s, lang)}
                </option>
              ))}
            </select>
          </label>
          <label className="inline">
            {t('review.unit')}
            <input
              name="unit"
              value={unit}
              onChange={(e) => setUnit(e.target.value)}
              inputMode="numeric"
              pattern="[0-9]{2,12}"
              size={10}
            />
          </label>
          <button type="submit">{t('review.filter')}</button>
        </form>
        <AsyncView st={st} onRetry={() => void load(source, unit.trim())} isEmpty={(d) => d.length === 0}>
          {(list: PossibleMatch[]) => (
            <table className="grid small" data-testid="matches">
              <thead>
                <tr>
                  <th>{t('review.record')}</th>
                  <th>{t('review.candidate')}</th>
                  <th>{t('review.source')}</th>
                  <th>{t('review.probability')}</th>
                </tr>
              </thead>
              <tbody>
                {list.map((m) => (
                  <tr
                    key={m.id}
                    data-match={m.id}
                    className={chosen?.id === m.id ? 'selected' : ''}
                    onClick={() => setChosen(m)}
                    style={{ cursor: 'pointer' }}
                  >
                    <td>
                      <strong data-raw>{m.left.name}</strong> <span className="muted mono">{m.left.eid}</span>
                    </td>
                    <td>
                      <strong data-raw>{m.right.name}</strong> <span className="muted mono">{m.right.eid}</span>
                    </td>
                    <td title={m.source}>
                      {(() => {
                        const c = sources.find((x) => x.id === m.source);
                        return c ? localName(c, lang) : m.source;
                      })()}
                    </td>
                    <td className="mono" title={m.score === null ? t('review.scoreWithheld') : undefined}>
                      {m.score === null ? '—' : `${(m.score * 100).toFixed(1)}%`}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </AsyncView>
      </section>
      {chosen && <MatchDetail key={chosen.id} m={chosen} />}
      <PairCheck />
      <SplitTool />
    </div>
  );
}

/** A possible match side by side with its waterfall and the decision. */
function MatchDetail({ m }: { m: PossibleMatch }) {
  const { t } = useI18n();
  return (
    <section className="card" data-testid="match-detail">
      <h3 data-raw>
        {m.left.name} ↔ {m.right.name}
      </h3>
      <SideBySide left={m.left.eid} right={m.right.eid} />
      <h4>{t('review.explanation')}</h4>
      {m.explanation ? (
        <WaterfallChart steps={m.explanation.waterfall} />
      ) : (
        <p className="muted">{t('review.noExplanation')}</p>
      )}
      <Decide left={m.left.eid} right={m.right.eid} />
    </section>
  );
}

/** Two entities' golden values side by side: agreeing rows green, disagreeing red. */
function SideBySide({ left, right }: { left: string; right: string }) {
  const { t } = useI18n();
  const { requirePurpose } = usePurpose();
  const [st, load] = useAsync(
    useCallback(
      async (a: string, b: string) => {
        const p = await requirePurpose();
        return Promise.all([api.profile(a, p), api.profile(b, p)]) as Promise<[Profile, Profile]>;
      },
      [requirePurpose],
    ),
  );
  useEffect(() => {
    void load(left, right);
  }, [left, right, load]);
  return (
    <AsyncView st={st} onRetry={() => void load(left, right)}>
      {(pair: [Profile, Profile]) => {
        const names = [
          ...new Set([...pair[0].attributes.map((a) => a.name), ...pair[1].attributes.map((a) => a.name)]),
        ];
        return (
          <table className="grid small" data-testid="side-by-side">
            <thead>
              <tr>
                <th>{t('field')}</th>
                <th>
                  <span data-raw>{pair[0].name}</span> <span className="muted mono">{pair[0].eid}</span>
                </th>
                <th>
                  <span data-raw>{pair[1].name}</span> <span className="muted mono">{pair[1].eid}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {names.map((n) => {
                const a = pair[0].attributes.find((x) => x.name === n);
                const b = pair[1].attributes.find((x) => x.name === n);
                const cls =
                  a?.value != null && b?.value != null && !a.masked && !b.masked
                    ? String(a.value) === String(b.value)
                      ? 'agree'
                      : 'disagree'
                    : '';
                return (
                  <tr key={n} className={cls}>
                    <td title={n}>{translateValue(t, 'field', n)}</td>
                    <td data-raw>{a?.value == null ? '—' : fieldValue(t, n, String(a.value))}</td>
                    <td data-raw>{b?.value == null ? '—' : fieldValue(t, n, String(b.value))}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        );
      }}
    </AsyncView>
  );
}

/** Merge / keep apart with a reason; the purpose is asked for this decision; the decision can be undone. */
function Decide({ left, right }: { left: string; right: string }) {
  const { t } = useI18n();
  const { askPurpose } = usePurpose();
  const [reason, setReason] = useState('');
  const [done, setDone] = useState<DecisionInfo | null>(null);
  const [undone, setUndone] = useState(false);
  const [error, setError] = useState<Error | null>(null);
  async function decide(d: 'merge' | 'keep-apart') {
    setError(null);
    try {
      setDone(await api.decide(left, right, d, reason.trim(), await askPurpose()));
    } catch (e) {
      setError(e as Error);
    }
  }
  async function undo() {
    if (!done) return;
    setError(null);
    try {
      await api.undo(done.id, await askPurpose());
      setUndone(true);
    } catch (e) {
      setError(e as Error);
    }
  }
  return (
    <div data-testid="decide">
      {done ? (
        <p className="row" data-testid="decision-done">
          ✓ {undone ? t('review.undone') : done.kind === 'merge' ? t('review.merged') : t('review.keptApart')}{' '}
          <span className="muted mono">{done.id}</span>
          {!undone && (
            <button type="button" className="secondary" data-testid="undo" onClick={() => void undo()}>
              {t('review.undo')}
            </button>
          )}
        </p>
      ) : (
        <div className="row">
          <input
            className="grow"
            name="reason"
            placeholder={t('review.reason')}
            value={reason}
            onChange={(e) => setReason(e.target.value)}
          />
          <button
            type="button"
            data-testid="merge"
            disabled={reason.trim().length < 2}
            onClick={() => void decide('merge')}
          >
            {t('merge')}
          </button>
          <button
            type="button"
            data-testid="keep-apart"
            className="secondary"
            disabled={reason.trim().length < 2}
            onClick={() => void decide('keep-apart')}
          >
            {t('keepApart')}
          </button>
        </div>
      )}
      {error && <ErrorBox error={error} />}
    </div>
  );
}

/** Any two entities, picked by search, side by side; then merge or keep apart. */
function PairCheck() {
  const { t } = useI18n();
  const [a, setA] = useState<SearchHit | null>(null);
  const [b, setB] = useState<SearchHit | null>(null);
  return (
    <section className="card" data-testid="pair-check">
      <h3>
        {t('merge')} / {t('keepApart')}
      </h3>
      <div className="row wrap">
        <div className="grow">
          <h4>
            {t('review.pickA')}: {a ? <strong data-testid="pick-a">{a.name}</strong> : '—'}
          </h4>
          <EntityPicker onPick={setA} testId="pair-pick-a" />
        </div>
        <div className="grow">
          <h4>
            {t('review.pickB')}: {b ? <strong data-testid="pick-b">{b.name}</strong> : '—'}
          </h4>
          <EntityPicker onPick={setB} testId="pair-pick-b" />
        </div>
      </div>
      {a && b && a.eid !== b.eid && (
        <>
          <SideBySide left={a.eid} right={b.eid} />
          <Decide key={`${a.eid}-${b.eid}`} left={a.eid} right={b.eid} />
        </>
      )}
    </section>
  );
}

/** Split: pick an entity by search, then the source records to move into a new entity. */
function SplitTool() {
  const { t } = useI18n();
  const { requirePurpose, askPurpose } = usePurpose();
  const [hit, setHit] = useState<SearchHit | null>(null);
  const [rids, setRids] = useState<{ rid: string; source: string }[] | null>(null);
  const [chosen, setChosen] = useState<Set<string>>(new Set());
  const [reason, setReason] = useState('');
  const [msg, setMsg] = useState<string | null>(null);
  const [error, setError] = useState<Error | null>(null);
  async function pick(h: SearchHit) {
    setHit(h);
    setError(null);
    setMsg(null);
    try {
      const p = await api.profile(h.eid, await requirePurpose());
      setRids(p.sources ?? []);
      setChosen(new Set());
    } catch (e) {
      setError(e as Error);
    }
  }
  return (
    <section className="card" data-testid="split-tool">
      <h3>
        {t('split')} {hit && <strong>{hit.name}</strong>}
      </h3>
      <EntityPicker onPick={(h) => void pick(h)} testId="split-pick" />
      {hit && rids && (
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
            <input
              className="grow"
              placeholder={t('review.reason')}
              value={reason}
              onChange={(e) => setReason(e.target.value)}
            />
            <button
              type="button"
              disabled={!chosen.size || reason.trim().length < 2}
              onClick={async () => {
                setError(null);
                try {
                  const r = await api.split(hit.eid, [...chosen], reason.trim(), await askPurpose());
                  setMsg(`✓ ${t('review.split')} ${r.newEid}`);
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
