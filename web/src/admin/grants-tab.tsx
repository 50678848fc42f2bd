import { formatBeijing, parseBeijingLocal, toBeijingIso } from '@onemap/graph-schema';
import { type FormEvent, useState } from 'react';
import { adminApi } from '../api/admin-client.ts';
import { translateValue, useI18n } from '../i18n/i18n.tsx';
import { type MessageKey, zh } from '../i18n/messages.ts';
import { localName, sourceName } from '../i18n/source-name.ts';
import { AsyncView, useAsync, useLoad } from '../ui/states.tsx';
import { ActionResult } from './action.tsx';
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
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void create();
  };
  return (
    <>
      <AsyncView st={grants} onRetry={reload} isEmpty={(d) => d.length === 0}>
        {(list) => (
          <table className="grid small" data-testid="admin-grants">
            <thead>
              <tr>
                <th>{t('admin.unit')}</th>
                <th>{t('admin.source')}</th>
                <th>{t('admin.purposes')}</th>
                <th>{t('admin.fields')}</th>
                <th>{t('admin.expires')}</th>
                <th>{t('admin.grantedBy')}</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {list.map((g) => (
                <tr key={g.id} data-grant={g.id}>
                  <td data-raw>{label(g.unitCode)}</td>
                  <td>{srcName(g.sourceId)}</td>
                  <td>{g.purposes.map((p) => translateValue(t, 'pk', p)).join('、')}</td>
                  <td>
                    {g.fields.length === 0 || g.fields.includes('*')
                      ? t('admin.allFields')
                      : g.fields.map((f) => (`field.${f}` in zh ? t(`field.${f}` as MessageKey) : f)).join('、')}
                  </td>
                  <td>{formatBeijing(g.expiresAt)}</td>
                  <td className="mono">{g.createdBy ?? '—'}</td>
                  <td>
                    <button
                      type="button"
                      className="link"
                      data-testid="admin-grant-revoke"
                      onClick={() => void revoke(g.id)}
                    >
                      {t('admin.revoke')}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </AsyncView>
      <ActionResult st={revokeSt} done={t('admin.revoked')} />
      <form className="card row wrap" onSubmit={submit} data-testid="admin-grant-form">
        <strong>{t('admin.addGrant')}</strong>
        <select
          name="unitCode"
          value={form.unitCode}
          onChange={(e) => setForm({ ...form, unitCode: e.target.value })}
          required
        >
          <option value="">{t('admin.unit')}</option>
          {(units.state === 'done' ? units.data : []).map((u) => (
            <option key={u.code} value={u.code} data-raw>
              {u.name} ({u.code})
            </option>
          ))}
        </select>
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
        {PURPOSES.map((p) => (
          <label key={p} className="small">
            <input
              type="checkbox"
              name={`purpose-${p}`}
              checked={form.purposes.includes(p)}
              onChange={(e) =>
                setForm({
                  ...form,
                  purposes: e.target.checked ? [...form.purposes, p] : form.purposes.filter((x) => x !== p),
                })
              }
            />
            {translateValue(t, 'pk', p)}
          </label>
        ))}
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
