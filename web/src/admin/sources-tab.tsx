import { useState } from 'react';
import { adminApi, type CatalogSource, type ShareClass } from '../api/admin-client.ts';
import { translateValue, useI18n } from '../i18n/i18n.tsx';
import { localName } from '../i18n/source-name.ts';
import { AsyncView, useAsync, useLoad } from '../ui/states.tsx';
import { ActionResult } from './action.tsx';
import { useUnits } from './use-units.ts';

const SHARE: ShareClass[] = ['unconditional', 'conditional', 'none'];

/**
 * Sources (数据资源) with their owner unit and sharing class. The sharing class of a source the
 * admin's subtree owns can be changed here; the server refuses any other (answers 404).
 */
export default function SourcesTab() {
  const { t, lang } = useI18n();
  const { units, label } = useUnits();
  const [sources, reload] = useLoad(() => adminApi.sources(), []);
  const [saveSt, save] = useAsync(async (id: string, shareClass: ShareClass) => {
    await adminApi.changeSource(id, { shareClass });
    reload();
  });
  const [edit, setEdit] = useState<Record<string, ShareClass>>({});
  const mine = new Set(units.state === 'done' ? units.data.map((u) => u.code) : []);
  return (
    <>
      <AsyncView st={sources} onRetry={reload} isEmpty={(d) => d.length === 0}>
        {(list: CatalogSource[]) => (
          <table className="grid small" data-testid="admin-sources">
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
              {list.map((s) => {
                const value = edit[s.id] ?? (s.shareClass as ShareClass);
                return (
                  <tr key={s.id} data-source={s.id}>
                    <td title={s.id}>{localName(s, lang)}</td>
                    <td data-raw>{label(s.ownerUnit)}</td>
                    <td>
                      {mine.has(s.ownerUnit) ? (
                        <span className="row">
                          <select
                            name={`share-${s.id}`}
                            value={value}
                            onChange={(e) => setEdit({ ...edit, [s.id]: e.target.value as ShareClass })}
                          >
                            {SHARE.map((c) => (
                              <option key={c} value={c}>
                                {t(`share.${c}`)}
                              </option>
                            ))}
                          </select>
                          {value !== s.shareClass && (
                            <button
                              type="button"
                              data-testid="admin-source-save"
                              onClick={() => void save(s.id, value)}
                            >
                              {t('admin.save')}
                            </button>
                          )}
                        </span>
                      ) : (
                        translateValue(t, 'share', s.shareClass)
                      )}
                    </td>
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
                );
              })}
            </tbody>
          </table>
        )}
      </AsyncView>
      <ActionResult st={saveSt} done={t('admin.saved')} />
    </>
  );
}
