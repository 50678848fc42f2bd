import { type FormEvent, useState } from 'react';
import { adminApi } from '../api/admin-client.ts';
import { translateValue, useI18n } from '../i18n/i18n.tsx';
import { AsyncView, useAsync } from '../ui/states.tsx';
import { ActionResult } from './action.tsx';
import { useUnits } from './use-units.ts';

const LEVELS = ['city', 'county', 'station'] as const;

/** Units of the admin's subtree, and a form to add (or rename) a unit below the admin's own. */
export default function UnitsTab() {
  const { t } = useI18n();
  const { units, reload, label } = useUnits();
  const [code, setCode] = useState('');
  const [name, setName] = useState('');
  const [level, setLevel] = useState<(typeof LEVELS)[number]>('station');
  const [parent, setParent] = useState('');
  const [saveSt, save] = useAsync(async () => {
    await adminApi.upsertUnit({ code, name, level, parent: parent || null });
    reload();
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void save();
  };
  return (
    <AsyncView st={units} onRetry={reload}>
      {(list) => (
        <>
          <table className="grid small" data-testid="admin-units">
            <thead>
              <tr>
                <th>{t('admin.code')}</th>
                <th>{t('admin.unitName')}</th>
                <th>{t('admin.level')}</th>
                <th>{t('admin.parent')}</th>
              </tr>
            </thead>
            <tbody>
              {list.map((u) => (
                <tr key={u.code} data-code={u.code}>
                  <td className="mono">{u.code}</td>
                  <td data-raw>{u.name}</td>
                  <td>{translateValue(t, 'level', u.level)}</td>
                  <td data-raw>{u.parent ? label(u.parent) : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <form className="card row wrap" onSubmit={submit} data-testid="admin-unit-form">
            <strong>{t('admin.addUnit')}</strong>
            <input
              name="code"
              placeholder={t('admin.code')}
              value={code}
              onChange={(e) => setCode(e.target.value.trim())}
              required
              pattern="\d{6}|\d{9}"
            />
            <input
              name="name"
              placeholder={t('admin.unitName')}
              value={name}
              onChange={(e) => setName(e.target.value)}
              required
            />
            <select name="level" value={level} onChange={(e) => setLevel(e.target.value as (typeof LEVELS)[number])}>
              {LEVELS.map((l) => (
                <option key={l} value={l}>
                  {t(`level.${l}`)}
                </option>
              ))}
            </select>
            <select name="parent" value={parent} onChange={(e) => setParent(e.target.value)} required>
              <option value="">{t('admin.parent')}</option>
              {list.map((u) => (
                <option key={u.code} value={u.code} data-raw>
                  {u.name} ({u.code})
                </option>
              ))}
            </select>
            <button type="submit">{t('admin.save')}</button>
            <ActionResult st={saveSt} done={t('admin.saved')} />
          </form>
        </>
      )}
    </AsyncView>
  );
}
