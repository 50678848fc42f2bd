import { type FormEvent, useState } from 'react';
import { type AdminUser, adminApi } from '../api/admin-client.ts';
import type { Role } from '../api/types.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { AsyncView, useAsync, useLoad } from '../ui/states.tsx';
import { ActionResult } from './action.tsx';
import { AdminTable, CheckboxGroup, RowAction, UnitSelect } from './admin-table.tsx';
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
          <AdminTable
            testid="admin-users"
            rows={list}
            rowAttr="username"
            rowId={(u) => u.username}
            dimmed={(u) => u.disabled}
            columns={[
              { head: 'admin.username', cell: (u) => u.username, mono: true },
              { head: 'admin.displayName', cell: (u) => u.displayName, raw: true },
              { head: 'admin.unit', cell: (u) => label(u.unitCode), raw: true },
              { head: 'admin.roles', cell: (u) => u.roles.map((r) => t(`role.${r as Role}`)).join('、') },
              { head: 'admin.certificate', cell: (u) => (u.hasCertificate ? t('admin.yes') : t('admin.no')) },
              { head: 'admin.status', cell: (u) => (u.disabled ? t('admin.disabled') : t('admin.enabled')) },
            ]}
            action={(u) => (
              <RowAction
                testid="admin-user-toggle"
                label={u.disabled ? t('admin.enable') : t('admin.disable')}
                onClick={() => void toggle(u)}
              />
            )}
          />
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
        <UnitSelect units={unitList} value={form.unitCode} onChange={(unitCode) => setForm({ ...form, unitCode })} />
        <CheckboxGroup
          name="role"
          options={ROLES.map((r) => ({ value: r, label: t(`role.${r}`) }))}
          picked={form.roles}
          onChange={(roles) => setForm({ ...form, roles: roles as Role[] })}
        />
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
