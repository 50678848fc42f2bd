import { formatBeijing } from '@onemap/graph-schema';
import { type FormEvent, useState } from 'react';
import { adminApi } from '../api/admin-client.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { localName, sourceName } from '../i18n/source-name.ts';
import { AsyncView, useAsync, useLoad } from '../ui/states.tsx';
import { ActionResult } from './action.tsx';
import { AdminTable, CheckboxGroup, RowAction } from './admin-table.tsx';
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
          <AdminTable
            testid="admin-keys"
            rows={list}
            rowAttr="key"
            rowId={(k) => k.id}
            dimmed={(k) => k.revoked}
            columns={[
              { head: 'admin.keyName', cell: (k) => k.name, raw: true },
              { head: 'admin.keySources', cell: (k) => k.sources.map(srcName).join('、') },
              { head: 'admin.issuedBy', cell: (k) => label(k.unitCode), raw: true },
              { head: 'admin.issuedAt', cell: (k) => formatBeijing(k.createdAt) },
              { head: 'admin.status', cell: (k) => (k.revoked ? t('admin.revoked') : t('admin.active')) },
            ]}
            action={(k) =>
              !k.revoked && (
                <RowAction testid="admin-key-revoke" label={t('admin.revoke')} onClick={() => void revoke(k.id)} />
              )
            }
          />
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
        <CheckboxGroup
          name="key-source"
          options={own.map((s) => ({ value: s.id, label: localName(s, lang) }))}
          picked={picked}
          onChange={setPicked}
        />
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
