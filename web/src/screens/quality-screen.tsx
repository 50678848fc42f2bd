import { api } from '../api/client.ts';
import type { QualityReport } from '../api/types.ts';
import { translateValue, useI18n } from '../i18n/i18n.tsx';
import { localName } from '../i18n/source-name.ts';
import { AsyncView, useLoad } from '../ui/states.tsx';

/** Data-quality reports per source and owner unit. */
export default function QualityScreen() {
  const { t, lang } = useI18n();
  const [st, reload] = useLoad(() => api.qualityReports(), []);
  const [cat] = useLoad(() => api.catalog(), []);
  return (
    <div className="page">
      <h2>{t('nav.quality')}</h2>
      <h3>{t('sources')}</h3>
      <AsyncView st={cat} isEmpty={(d) => d.length === 0}>
        {(sources) => (
          <table className="grid small" data-testid="catalog">
            <thead>
              <tr>
                <th>{t('admin.source')}</th>
                <th>{t('admin.owner')}</th>
                <th>{t('admin.shareClass')}</th>
                <th>{t('admin.grade')}</th>
                <th>{t('admin.update')}</th>
                <th>{t('admin.myAccess')}</th>
              </tr>
            </thead>
            <tbody>
              {sources.map((s) => (
                <tr key={s.id} className={s.access.visible ? '' : 'denied'}>
                  <td title={s.id}>{localName(s, lang)}</td>
                  <td className="mono">{s.ownerUnit}</td>
                  <td>{translateValue(t, 'share', s.shareClass)}</td>
                  <td>{s.grade}</td>
                  <td>
                    {s.updateMode ? translateValue(t, 'update', s.updateMode) : '—'}{' '}
                    {s.frequency ? translateValue(t, 'freq', s.frequency) : ''}
                  </td>
                  <td>
                    {s.access.visible
                      ? `✓ ${translateValue(t, 'access', s.access.via ?? '')}`
                      : `✗ ${translateValue(t, 'access', s.access.reason ?? '')}`}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </AsyncView>
      <h3>{t('issues')}</h3>
      <AsyncView st={st} onRetry={reload} isEmpty={(d) => d.length === 0}>
        {(reports: QualityReport[]) => (
          <div className="cards" data-testid="quality-reports">
            {reports.map((r) => {
              const total = r.issues.reduce((s, i) => s + i.count, 0);
              return (
                <article key={r.source} className="card">
                  <header className="row">
                    <strong data-raw>{r.source}</strong>
                    {r.ownerUnit && <span className="muted">{r.ownerUnit}</span>}
                    <span className="spacer" />
                    <span>
                      {t('records')} {r.records}
                    </span>
                    <span className="badge">
                      {t('issues')} {total}
                    </span>
                  </header>
                  <table className="grid small">
                    <tbody>
                      {r.issues.map((i) => (
                        <tr key={i.code}>
                          <td title={i.code}>{translateValue(t, 'rule', i.code)}</td>
                          <td className="mono">{i.count}</td>
                          <td>
                            <div
                              className="hbar"
                              style={{ width: `${Math.max(2, (i.count / Math.max(1, r.records)) * 100)}%` }}
                            />
                          </td>
                          <td className="muted mono" title={t('records')}>
                            {(i.examples ?? []).slice(0, 3).join(', ')}
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </article>
              );
            })}
          </div>
        )}
      </AsyncView>
    </div>
  );
}
