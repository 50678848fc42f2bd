import { formatBeijing } from '@onemap/graph-schema';
import { type FormEvent, useState } from 'react';
import { adminApi } from '../api/admin-client.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { localName, sourceName } from '../i18n/source-name.ts';
import { AsyncView, useAsync, useLoad } from '../ui/states.tsx';
import { ActionResult } from './action.tsx';
import { useUnits } from './use-units.ts';

/**
 * Source keys: the only credential a source system pushes records with. Issued for sources the
 * admin's subtree owns; the secret is shown once, right after issuing; revoked keys stop at once.
 */
export default function KeysTab() {
  const { t, lang } = useI18n();
  const { units, label } = useUnits();
  const [keys, reload] = useLoad(() => adminApi.sourceKeys(), []);
  const [sources] = useLoad(() => adminApi.sources(), []);
  const [name, setName] = useState('');
  const [picked, setPicked] = useState<string[]>([]);
  const [issueSt, issue] = useAsync(async () => {
    const k = await adminApi.issueSourceKey(name, picked);
    reload();
    return k;
  });
  const [revokeSt, revoke] = useAsync(async (id: string) => {
    await adminApi.revokeSourceKey(id);
    reload();
  });
  const mine = new Set(units.state === 'done' ? units.data.map((u) => u.code) : []);
  const own = (sources.state === 'done' ? sources.data : []).filter((s) => mine.has(s.ownerUnit));
  const srcName = (id: string) => sourceName(sources.state === 'done' ? sources.data : [], id, lang);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void issue();
  };
  return (
    <>
      <AsyncView st={keys} onRetry={reload} isEmpty={(d) => d.length === 0}>
        {(list) => (
          <table className="grid small" data-testid="admin-keys">
            <thead>
              <tr>
                <th>{t('admin.keyName')}</th>
                <th>{t('admin.keySources')}</th>
                <th>{t('admin.issuedBy')}</th>
                <th>{t('admin.issuedAt')}</th>
                <th>{t('admin.status')}</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {list.map((k) => (
                <tr key={k.id} data-key={k.id} className={k.revoked ? 'denied' : ''}>
                  <td data-raw>{k.name}</td>
                  <td>{k.sources.map(srcName).join('、')}</td>
                  <td data-raw>{label(k.unitCode)}</td>
                  <td>{formatBeijing(k.createdAt)}</td>
                  <td>{k.revoked ? t('admin.revoked') : t('admin.active')}</td>
                  <td>
                    {!k.revoked && (
                      <button
                        type="button"
                        className="link"
                        data-testid="admin-key-revoke"
                        onClick={() => void revoke(k.id)}
                      >
                        {t('admin.revoke')}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </AsyncView>
      <ActionResult st={revokeSt} done={t('admin.revoked')} />
      <form className="card row wrap" onSubmit={submit} data-testid="admin-key-form">
        <strong>{t('admin.issueKey')}</strong>
        <input
          name="keyName"
          placeholder={t('admin.keyName')}
          value={name}
          onChange={(e) => setName(e.target.value)}
          required
          minLength={2}
        />
        {own.map((s) => (
          <label key={s.id} className="small">
            <input
              type="checkbox"
              name={`key-source-${s.id}`}
              checked={picked.includes(s.id)}
              onChange={(e) => setPicked(e.target.checked ? [...picked, s.id] : picked.filter((x) => x !== s.id))}
            />
            {localName(s, lang)}
          </label>
        ))}
        <button type="submit" disabled={picked.length === 0}>
          {t('admin.issueKey')}
        </button>
        {issueSt.state === 'done' && issueSt.data ? (
          <p className="small" data-testid="admin-key-secret">
            {t('admin.keyOnce')} <code>{issueSt.data.key}</code>
          </p>
        ) : (
          <ActionResult st={issueSt} done="" />
        )}
      </form>
    </>
  );
}
