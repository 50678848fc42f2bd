import { checkPolygon, formatBeijing, type GeoPolygon } from '@onemap/graph-schema';
import { useState } from 'react';
import { api } from '../api/client.ts';
import type { SearchHit } from '../api/types.ts';
import type { WarningHit, WarningRule, WarningRuleBody } from '../api/wire.ts';
import { usePurpose } from '../auth/purpose.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { EntityPicker } from '../ui/entity-picker.tsx';
import { AsyncView, ErrorBox, useLoad } from '../ui/states.tsx';

const KINDS = ['area', 'checkpoint', 'meet', 'gather', 'cotravel'] as const;
type Kind = (typeof KINDS)[number];
/** Subject kinds each rule kind watches (the server checks the same). */
const SUBJECT_KINDS: Record<Kind, string[]> = {
  area: ['Person', 'Vehicle'],
  checkpoint: ['Vehicle'],
  meet: ['Person'],
  gather: ['Person'],
  cotravel: ['Person'],
};

/**
 * Early-warning rules (预警) of the caller's unit: create one with a purpose and an expiry, list
 * them with their hits, show the hits, end a rule. Alerts arrive live in the watches screen's stream.
 */
export function WarningRules() {
  const { t } = useI18n();
  const { purpose, requirePurpose } = usePurpose();
  const [st, reload] = useLoad(async () => (purpose ? api.warningRules(purpose) : []), [purpose]);
  const [kind, setKind] = useState<Kind>('area');
  const [name, setName] = useState('');
  const [subjects, setSubjects] = useState<SearchHit[]>([]);
  const [jurisdiction, setJurisdiction] = useState('');
  const [polygon, setPolygon] = useState('');
  const [trigger, setTrigger] = useState<'enter' | 'leave' | 'both'>('both');
  const [windowMinutes, setWindowMinutes] = useState(30);
  const [minCount, setMinCount] = useState(3);
  const [days, setDays] = useState(7);
  const [error, setError] = useState<Error | null>(null);
  const [hits, setHits] = useState<{ rule: string; items: WarningHit[] } | null>(null);

  const create = async () => {
    setError(null);
    try {
      const body: WarningRuleBody = {
        name,
        kind,
        subjects: subjects.map((s) => s.eid),
        expiresAt: new Date(Date.now() + days * 86_400_000).toISOString(),
      };
      if (kind === 'area') {
        if (jurisdiction) body.jurisdiction = jurisdiction;
        else {
          let p: GeoPolygon;
          try {
            p = JSON.parse(polygon) as GeoPolygon;
          } catch {
            throw new Error(t('warn.badPolygon'));
          }
          // The same check the server makes, so the user sees every problem before sending.
          const { problems } = checkPolygon(p);
          if (problems.length) throw new Error(problems.join('; '));
          body.polygon = p as WarningRuleBody['polygon'];
        }
        body.trigger = trigger;
      }
      if (kind === 'meet' || kind === 'gather') body.windowMinutes = windowMinutes;
      if (kind === 'gather') body.minCount = minCount;
      await api.createWarningRule(body, await requirePurpose());
      setSubjects([]);
      reload();
    } catch (e) {
      setError(e as Error);
    }
  };

  return (
    <div data-testid="warning-rules">
      <h3>{t('warn.new')}</h3>
      <label>
        {t('warn.name')}{' '}
        <input value={name} maxLength={60} onChange={(e) => setName(e.target.value)} data-testid="warn-name" />
      </label>
      <label>
        {t('warn.kind')}{' '}
        <select value={kind} onChange={(e) => setKind(e.target.value as Kind)} data-testid="warn-kind">
          {KINDS.map((k) => (
            <option key={k} value={k}>
              {t(`warn.kind.${k}`)}
            </option>
          ))}
        </select>
      </label>
      <div>
        {t('warn.subjects')}: {subjects.map((s) => s.name ?? s.eid).join('、')}
      </div>
      <EntityPicker
        kinds={SUBJECT_KINDS[kind]}
        testId="warn-subject"
        onPick={(h) => setSubjects((xs) => (xs.some((x) => x.eid === h.eid) ? xs : [...xs, h]))}
      />
      {kind === 'area' && (
        <>
          <label>
            {t('warn.jurisdiction')}{' '}
            <input value={jurisdiction} pattern="[0-9]{6}" onChange={(e) => setJurisdiction(e.target.value.trim())} />
          </label>
          <label>
            {t('warn.polygon')}{' '}
            <textarea
              rows={3}
              value={polygon}
              disabled={Boolean(jurisdiction)}
              onChange={(e) => setPolygon(e.target.value)}
            />
          </label>
          <label>
            {t('warn.trigger')}{' '}
            <select value={trigger} onChange={(e) => setTrigger(e.target.value as typeof trigger)}>
              {(['both', 'enter', 'leave'] as const).map((x) => (
                <option key={x} value={x}>
                  {t(`warn.trigger.${x}`)}
                </option>
              ))}
            </select>
          </label>
        </>
      )}
      {(kind === 'meet' || kind === 'gather') && (
        <label>
          {t('warn.window')}{' '}
          <input
            type="number"
            min={1}
            max={1440}
            value={windowMinutes}
            onChange={(e) => setWindowMinutes(Number(e.target.value))}
          />
        </label>
      )}
      {kind === 'gather' && (
        <label>
          {t('warn.minCount')}{' '}
          <input
            type="number"
            min={2}
            max={50}
            value={minCount}
            onChange={(e) => setMinCount(Number(e.target.value))}
          />
        </label>
      )}
      <label>
        {t('warn.days')}{' '}
        <input type="number" min={1} max={90} value={days} onChange={(e) => setDays(Number(e.target.value))} />
      </label>
      <button
        type="button"
        disabled={!name || !subjects.length}
        onClick={() => void create()}
        data-testid="warn-create"
      >
        {t('warn.create')}
      </button>
      {error && <ErrorBox error={error} />}
      <h3>{t('warn.rules')}</h3>
      <AsyncView st={st} onRetry={reload} isEmpty={(d) => d.length === 0 && !!purpose}>
        {(rules: WarningRule[]) => (
          <ul className="plain" data-testid="warning-rule-list">
            {rules.map((r) => (
              <li key={r.id} className="row">
                <span className="grow">
                  {r.name} · {t(`warn.kind.${r.kind}`)} ·{' '}
                  <span className={`badge ${r.active ? 'ok' : 'error'}`}>
                    {r.active ? t('warn.active') : t('warn.expired')}
                  </span>{' '}
                  · {t('warn.hits')} {r.hits} ·{' '}
                  <span className="muted">
                    {t('warn.expires')} {formatBeijing(r.expiresAt, 'minute')}
                  </span>
                </span>
                <button
                  type="button"
                  className="link"
                  onClick={async () =>
                    setHits({ rule: r.id, items: await api.warningHits(r.id, await requirePurpose()) })
                  }
                >
                  {t('warn.showHits')}
                </button>
                {r.active && (
                  <button
                    type="button"
                    className="link"
                    onClick={async () => {
                      await requirePurpose()
                        .then((p) => api.endWarningRule(r.id, p))
                        .catch((e: Error) => setError(e));
                      reload();
                    }}
                  >
                    {t('warn.end')}
                  </button>
                )}
              </li>
            ))}
          </ul>
        )}
      </AsyncView>
      {hits && (
        <table className="grid" data-testid="warning-hits">
          <tbody>
            {hits.items.map((h) => (
              <tr key={h.id}>
                <td className="mono">{formatBeijing(h.at, 'second')}</td>
                <td>{h.entities.map((e) => e.name ?? e.eid).join(' + ')}</td>
                <td>{h.placeEid}</td>
                <td className="muted">
                  {h.kind === 'area' && (h.detail === 'enter' || h.detail === 'leave')
                    ? t(`warn.trigger.${h.detail}`)
                    : t(`warn.kind.${h.kind}`)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
