import { type FormEvent, useState } from 'react';
import { type AdminUser, adminApi } from '../api/admin-client.ts';
import type { Role } from '../api/types.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { AsyncView, useAsync, useLoad } from '../ui/states.tsx';
import { ActionResult } from './action.tsx';
import { useUnits } from './use-units.ts';

const ROLES: Role[] = ['officer', 'analyst', 'planner', 'admin', 'auditor'];

/** Users of the admin's subtree: create, disable and enable. */
export default function UsersTab() {
  const { t } = useI18n();
  const { units, label } = useUnits();
  const [users, reload] = useLoad(() => adminApi.users(), []);
  const [form, setForm] = useState({
    username: '',
    displayName: '',
    unitCode: '',
    password: '',
    roles: ['officer'] as Role[],
  });
  const [createSt, create] = useAsync(async () => {
    await adminApi.createUser({ ...form });
    setForm((f) => ({ ...f, username: '', displayName: '', password: '' }));
    reload();
  });
  const [toggleSt, toggle] = useAsync(async (u: AdminUser) => {
    await adminApi.changeUser(u.username, { disabled: !u.disabled });
    reload();
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void create();
  };
  const unitList = units.state === 'done' ? units.data : [];
  return (
    <>
      <AsyncView st={users} onRetry={reload} isEmpty={(d) => d.length === 0}>
        {(list) => (
          <table className="grid small" data-testid="admin-users">
            <thead>
              <tr>
                <th>{t('admin.username')}</th>
                <th>{t('admin.displayName')}</th>
                <th>{t('admin.unit')}</th>
                <th>{t('admin.roles')}</th>
                <th>{t('admin.certificate')}</th>
                <th>{t('admin.status')}</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {list.map((u) => (
                <tr key={u.username} data-username={u.username} className={u.disabled ? 'denied' : ''}>
                  <td className="mono">{u.username}</td>
                  <td data-raw>{u.displayName}</td>
                  <td data-raw>{label(u.unitCode)}</td>
                  <td>{u.roles.map((r) => t(`role.${r as Role}`)).join('、')}</td>
                  <td>{u.hasCertificate ? t('admin.yes') : t('admin.no')}</td>
                  <td>{u.disabled ? t('admin.disabled') : t('admin.enabled')}</td>
                  <td>
                    <button
                      type="button"
                      className="link"
                      data-testid="admin-user-toggle"
                      onClick={() => void toggle(u)}
                    >
                      {u.disabled ? t('admin.enable') : t('admin.disable')}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </AsyncView>
      <ActionResult st={toggleSt} done={t('admin.saved')} />
      <form className="card row wrap" onSubmit={submit} data-testid="admin-user-form">
        <strong>{t('admin.addUser')}</strong>
        <input
          name="username"
          placeholder={t('admin.username')}
          value={form.username}
          onChange={(e) => setForm({ ...form, username: e.target.value.trim() })}
          required
        />
        <input
          name="displayName"
          placeholder={t('admin.displayName')}
          value={form.displayName}
          onChange={(e) => setForm({ ...form, displayName: e.target.value })}
          required
        />
        <select
          name="unitCode"
          value={form.unitCode}
          onChange={(e) => setForm({ ...form, unitCode: e.target.value })}
          required
        >
          <option value="">{t('admin.unit')}</option>
          {unitList.map((u) => (
            <option key={u.code} value={u.code} data-raw>
              {u.name} ({u.code})
            </option>
          ))}
        </select>
        {ROLES.map((r) => (
          <label key={r} className="small">
            <input
              type="checkbox"
              name={`role-${r}`}
              checked={form.roles.includes(r)}
              onChange={(e) =>
                setForm({ ...form, roles: e.target.checked ? [...form.roles, r] : form.roles.filter((x) => x !== r) })
              }
            />
            {t(`role.${r}`)}
          </label>
        ))}
        <input
          name="password"
          type="password"
          autoComplete="new-password"
          placeholder={t('admin.initialPassword')}
          value={form.password}
          onChange={(e) => setForm({ ...form, password: e.target.value })}
          required
          minLength={10}
        />
        <button type="submit">{t('admin.create')}</button>
        <ActionResult st={createSt} done={t('admin.created')} />
      </form>
    </>
  );
}
