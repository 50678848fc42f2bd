import { formatBeijing, parseBeijingLocal, toBeijingIso } from '@onemap/graph-schema';
import { type FormEvent, useState } from 'react';
import { type AdminGrant, adminApi } from '../api/admin-client.ts';
import { translateValue, useI18n } from '../i18n/i18n.tsx';
import { type MessageKey, zh } from '../i18n/messages.ts';
import { localName, sourceName } from '../i18n/source-name.ts';
import { AsyncView, useAsync, useLoad } from '../ui/states.tsx';
import { ActionResult } from './action.tsx';
import { AdminTable, CheckboxGroup, RowAction, UnitSelect } from './admin-table.tsx';
import { useUnits } from './use-units.ts';

const PURPOSES = [
  'criminal_case',
  'administrative_case',
  'security_check',
  'emergency',
  'investigation_lead',
  'statistics',
] as const;

/** A date 90 days ahead, as a Beijing `YYYY-MM-DD`. */
const inNinetyDays = () => formatBeijing(Date.now() + 90 * 86_400_000, 'date');

/** Active grants to units of the admin's subtree: who may use which conditional source, for what, until when. */
export default function GrantsTab() {
  const { t, lang } = useI18n();
  const { units, label } = useUnits();
  const [grants, reload] = useLoad(() => adminApi.grants(), []);
  const [sources] = useLoad(() => adminApi.sources(), []);
  const [form, setForm] = useState({
    unitCode: '',
    sourceId: '',
    purposes: ['criminal_case'] as string[],
    until: inNinetyDays(),
  });
  const [createSt, create] = useAsync(async () => {
    // Valid through the whole last day, Beijing time.
    const expiresAt = toBeijingIso(parseBeijingLocal(`${form.until}T23:59`));
    await adminApi.createGrant({
      unitCode: form.unitCode,
      sourceId: form.sourceId,
      purposes: form.purposes as (typeof PURPOSES)[number][],
      expiresAt,
    });
    reload();
  });
  const [revokeSt, revoke] = useAsync(async (id: string) => {
    await adminApi.revokeGrant(id);
    reload();
  });
  const srcList = sources.state === 'done' ? sources.data : [];
  const srcName = (id: string) => sourceName(srcList, id, lang);
  const fieldList = (g: AdminGrant) =>
    g.fields.length === 0 || g.fields.includes('*')
      ? t('admin.allFields')
      : g.fields.map((f) => (`field.${f}` in zh ? t(`field.${f}` as MessageKey) : f)).join('、');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void create();
  };
  return (
    <>
      <AsyncView st={grants} onRetry={reload} isEmpty={(d) => d.length === 0}>
        {(list) => (
          <AdminTable
            testid="admin-grants"
            rows={list}
            rowAttr="grant"
            rowId={(g) => g.id}
            columns={[
              { head: 'admin.unit', cell: (g) => label(g.unitCode), raw: true },
              { head: 'admin.source', cell: (g) => srcName(g.sourceId) },
              { head: 'admin.purposes', cell: (g) => g.purposes.map((p) => translateValue(t, 'pk', p)).join('、') },
              { head: 'admin.fields', cell: fieldList },
              { head: 'admin.expires', cell: (g) => formatBeijing(g.expiresAt) },
              { head: 'admin.grantedBy', cell: (g) => g.createdBy ?? '—', mono: true },
            ]}
            action={(g) => (
              <RowAction testid="admin-grant-revoke" label={t('admin.revoke')} onClick={() => void revoke(g.id)} />
            )}
          />
        )}
      </AsyncView>
      <ActionResult st={revokeSt} done={t('admin.revoked')} />
      <form className="card row wrap" onSubmit={submit} data-testid="admin-grant-form">
        <strong>{t('admin.addGrant')}</strong>
        <UnitSelect
          units={units.state === 'done' ? units.data : []}
          value={form.unitCode}
          onChange={(unitCode) => setForm({ ...form, unitCode })}
        />
        <select
          name="sourceId"
          value={form.sourceId}
          onChange={(e) => setForm({ ...form, sourceId: e.target.value })}
          required
        >
          <option value="">{t('admin.source')}</option>
          {srcList
            .filter((s) => s.shareClass === 'conditional')
            .map((s) => (
              <option key={s.id} value={s.id}>
                {localName(s, lang)}
              </option>
            ))}
        </select>
        <CheckboxGroup
          name="purpose"
          options={PURPOSES.map((p) => ({ value: p, label: translateValue(t, 'pk', p) }))}
          picked={form.purposes}
          onChange={(purposes) => setForm({ ...form, purposes })}
        />
        <label className="small">
          {t('admin.expires')}{' '}
          <input
            type="date"
            name="until"
            value={form.until}
            onChange={(e) => setForm({ ...form, until: e.target.value })}
            required
          />
        </label>
        <button type="submit">{t('admin.create')}</button>
        <ActionResult st={createSt} done={t('admin.created')} />
      </form>
    </>
  );
}
