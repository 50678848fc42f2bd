import { useState } from 'react';
import { api } from '../api/client.ts';
import type { AuditEntry, AuditVerify } from '../api/types.ts';
import { useI18n } from '../i18n/i18n.tsx';
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
          <table className="grid small" data-testid="audit-table">
            <thead>
              <tr>
                <th>#</th>
                <th>{t('time')}</th>
                <th>{t('audit.user')}</th>
                <th>{t('purpose.current')}</th>
                <th>{t('audit.action')}</th>
                <th>{t('audit.results')}</th>
                <th />
                <th>hash</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.seq} className={r.allowed ? '' : 'denied'}>
                  <td className="mono">{r.seq}</td>
                  <td className="mono nowrap">{formatBeijing(r.at, 'second')}</td>
                  <td>
                    {r.user} <span className="muted">{[r.role, r.unit].filter(Boolean).join(' · ')}</span>
                  </td>
                  <td>{r.purpose ?? '—'}</td>
                  <td>
                    <code>{r.action}</code> {r.target}
                  </td>
                  <td className="mono">{r.results ?? ''}</td>
                  <td className="nowrap">{r.allowed ? t('audit.allowed') : <strong>{t('audit.denied')}</strong>}</td>
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
