import { api } from '../api/client.ts';
import type { QualityReport } from '../api/types.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { AsyncView, useLoad } from '../ui/states.tsx';

/** Data-quality reports per source and owner unit. */
export default function QualityScreen() {
  const { t } = useI18n();
  const [st, reload] = useLoad(() => api.qualityReports(), []);
  return (
    <div className="page">
      <h2>{t('nav.quality')}</h2>
      <AsyncView st={st} onRetry={reload} isEmpty={(d) => d.length === 0}>
        {(reports: QualityReport[]) => (
          <div className="cards" data-testid="quality-reports">
            {reports.map((r) => {
              const total = r.issues.reduce((s, i) => s + i.count, 0);
              return (
                <article key={r.source} className="card">
                  <header className="row">
                    <strong>{r.source}</strong>
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
                          <td>
                            <code>{i.code}</code>
                          </td>
                          <td className="mono">{i.count}</td>
                          <td>
                            <div className="hbar" style={{ width: `${Math.max(2, (i.count / Math.max(1, r.records)) * 100)}%` }} />
                          </td>
                          <td className="muted">{(i.examples ?? []).slice(0, 3).join(', ')}</td>
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
