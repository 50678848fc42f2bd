import { useState } from 'react';
import { api } from '../api/client.ts';
import type { AuditEntry, AuditVerify } from '../api/types.ts';
import { translateValue, useI18n } from '../i18n/i18n.tsx';
import { AsyncView, useAsync, useLoad } from '../ui/states.tsx';
import { formatBeijing } from '@onemap/graph-schema';

/** The audit trail, filterable, and the hash-chain verify result. */
export default function AuditScreen() {
  const { t } = useI18n();
  const [filter, setFilter] = useState({ user: '', outcome: '' });
  const [applied, setApplied] = useState(filter);
  const [st, reload] = useLoad(() => api.audit({ user: applied.user || undefined, outcome: applied.outcome || undefined, limit: 200 }), [applied]);
  const [verify, runVerify] = useAsync(api.auditVerify);

  return (
    <div className="page">
      <h2>{t('nav.audit')}</h2>
      <form
        className="row wrap"
        data-testid="audit-filter"
        onSubmit={(e) => {
          e.preventDefault();
          setApplied(filter);
        }}
      >
        <input placeholder={t('audit.user')} value={filter.user} onChange={(e) => setFilter({ ...filter, user: e.target.value })} />
        <select value={filter.outcome} onChange={(e) => setFilter({ ...filter, outcome: e.target.value })} data-testid="audit-outcome">
          <option value="">—</option>
          <option value="allowed">{t('audit.allowed')}</option>
          <option value="denied">{t('audit.denied')}</option>
          <option value="intent">{t('audit.intent')}</option>
          <option value="error">{t('error')}</option>
        </select>
        <button type="submit">{t('filter')}</button>
        <span className="spacer" />
        <button type="button" className="secondary" onClick={() => void runVerify()} data-testid="audit-verify">
          {t('audit.verify')}
        </button>
        <AsyncView st={verify}>
          {(v: AuditVerify) => (
            <span className={`badge ${v.ok ? 'ok' : 'error'}`} data-testid="audit-verify-result">
              {v.ok ? t('audit.ok') : t('audit.broken')} ({v.checked}
              {v.firstBad != null ? `, #${v.firstBad}` : ''}) {v.message}
            </span>
          )}
        </AsyncView>
      </form>
      <AsyncView st={st} onRetry={reload} isEmpty={(d) => d.length === 0}>
        {(rows: AuditEntry[]) => (
          <table className="grid small audit-table" data-testid="audit-table">
            <colgroup>
              <col style={{ width: '4em' }} />
              {/* a second-precise Beijing time in the monospace font: 19 characters, never cut */}
              <col style={{ width: '13.5em' }} />
              <col style={{ width: '12%' }} />
              <col style={{ width: '16%' }} />
              <col />
              <col style={{ width: '5em' }} />
              <col style={{ width: '4.5em' }} />
              <col style={{ width: '7em' }} />
            </colgroup>
            <thead>
              <tr>
                <th>#</th>
                <th>{t('time')}</th>
                <th>{t('audit.user')}</th>
                <th>{t('purpose.current')}</th>
                <th>{t('audit.action')}</th>
                <th>{t('audit.results')}</th>
                <th />
                <th>{t('audit.hash')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.seq} className={r.allowed || r.intent ? '' : 'denied'}>
                  <td className="mono">{r.seq}</td>
                  <td className="mono nowrap">{formatBeijing(r.at, 'second')}</td>
                  <td>
                    <span data-raw>{r.user}</span>{' '}
                    <span className="muted">
                      {[r.role ? r.role.split(/[,\s]+/).map((x) => translateValue(t, 'role', x)).join('、') : null, r.unit].filter(Boolean).join(' · ')}
                    </span>
                  </td>
                  <td className="wrap" data-raw>
                    {r.purpose ?? '—'}
                  </td>
                  <td className="wrap">
                    <code>{r.action}</code> <Params json={r.target} />
                  </td>
                  <td className="mono">{r.results ?? ''}</td>
                  <td className="nowrap">{r.allowed ? t('audit.allowed') : r.intent ? t('audit.intent') : <strong>{t('audit.denied')}</strong>}</td>
                  <td className="mono muted">{r.hash?.slice(0, 10)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </AsyncView>
    </div>
  );
}

/** One line per request's parameters (`key=value`, long values cut), the whole JSON on demand. */
export function summarizeParams(json: string): string {
  try {
    const v = JSON.parse(json) as Record<string, unknown>;
    const flat: string[] = [];
    for (const part of Object.values(v)) {
      if (part && typeof part === 'object') for (const [k, x] of Object.entries(part)) flat.push(`${k}=${typeof x === 'string' ? x : JSON.stringify(x)}`);
    }
    const line = flat.map((f) => (f.length > 40 ? `${f.slice(0, 39)}…` : f)).join(' ');
    return line.length > 120 ? `${line.slice(0, 119)}…` : line;
  } catch {
    return json.length > 120 ? `${json.slice(0, 119)}…` : json;
  }
}

function Params({ json }: { json: string | null | undefined }) {
  if (!json) return null;
  let pretty = json;
  try {
    pretty = JSON.stringify(JSON.parse(json), null, 2);
  } catch {
    // not JSON: shown as it is
  }
  return (
    <details className="params" data-testid="audit-params">
      <summary className="mono">{summarizeParams(json)}</summary>
      <pre>{pretty}</pre>
    </details>
  );
}
