import { useState } from 'react';
import GrantsTab from '../admin/grants-tab.tsx';
import KeysTab from '../admin/keys-tab.tsx';
import SourcesTab from '../admin/sources-tab.tsx';
import UnitsTab from '../admin/units-tab.tsx';
import UsersTab from '../admin/users-tab.tsx';
import { useI18n } from '../i18n/i18n.tsx';

const TABS = { units: UnitsTab, users: UsersTab, grants: GrantsTab, sources: SourcesTab, keys: KeysTab } as const;
type Tab = keyof typeof TABS;

/**
 * Administration (系统管理): units, users, grants, sources with their sharing class and owner, and
 * source keys — all of the admin's unit subtree, as the server scopes them (`/api/admin/*`).
 */
export default function AdminScreen() {
  const { t } = useI18n();
  const [tab, setTab] = useState<Tab>('users');
  const Current = TABS[tab];
  return (
    <div className="page" data-testid="admin">
      <div className="tabs" data-testid="admin-tabs">
        {(Object.keys(TABS) as Tab[]).map((k) => (
          <button key={k} type="button" className={k === tab ? 'active' : ''} data-tab={k} onClick={() => setTab(k)}>
            {t(`admin.${k}`)}
          </button>
        ))}
      </div>
      <p className="muted small">{t('admin.scopeNote')}</p>
      <Current key={tab} />
    </div>
  );
}
