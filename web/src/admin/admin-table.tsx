import type { ReactNode } from 'react';
import type { AdminUnit } from '../api/admin-client.ts';
import { useI18n } from '../i18n/i18n.tsx';
import type { MessageKey } from '../i18n/messages.ts';

/** One column of an admin list: its heading and what a row shows in it. */
export interface AdminColumn<T> {
  head: MessageKey;
  cell: (row: T) => ReactNode;
  /** The cell shows data as stored (a name, a code): the language walk does not expect it translated. */
  raw?: boolean;
  mono?: boolean;
}

/**
 * The list every admin tab shows: one row per item, marked `data-<rowAttr>=<id>` for tests and
 * greyed when `dimmed`, with the row's action (revoke, disable…) in the last column.
 */
export function AdminTable<T>({
  testid,
  rows,
  columns,
  rowAttr,
  rowId,
  dimmed,
  action,
}: {
  testid: string;
  rows: T[];
  columns: AdminColumn<T>[];
  rowAttr: string;
  rowId: (row: T) => string;
  dimmed?: (row: T) => boolean;
  action?: (row: T) => ReactNode;
}) {
  const { t } = useI18n();
  return (
    <table className="grid small" data-testid={testid}>
      <thead>
        <tr>
          {columns.map((c) => (
            <th key={c.head}>{t(c.head)}</th>
          ))}
          {action && <th />}
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={rowId(row)} {...{ [`data-${rowAttr}`]: rowId(row) }} className={dimmed?.(row) ? 'denied' : ''}>
            {columns.map((c) => (
              <td key={c.head} data-raw={c.raw || undefined} className={c.mono ? 'mono' : undefined}>
                {c.cell(row)}
              </td>
            ))}
            {action && <td>{action(row)}</td>}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** A row's action in an admin list: a link-styled button. */
export function RowAction({ testid, label, onClick }: { testid: string; label: string; onClick: () => void }) {
  return (
    <button type="button" className="link" data-testid={testid} onClick={onClick}>
      {label}
    </button>
  );
}

/** A set of checkboxes named `<name>-<value>`, e.g. the roles of a new user or the purposes of a grant. */
export function CheckboxGroup({
  name,
  options,
  picked,
  onChange,
}: {
  name: string;
  options: { value: string; label: string }[];
  picked: string[];
  onChange: (picked: string[]) => void;
}) {
  return (
    <>
      {options.map((o) => (
        <label key={o.value} className="small">
          <input
            type="checkbox"
            name={`${name}-${o.value}`}
            checked={picked.includes(o.value)}
            onChange={(e) => onChange(e.target.checked ? [...picked, o.value] : picked.filter((x) => x !== o.value))}
          />
          {o.label}
        </label>
      ))}
    </>
  );
}

/** The unit picker of the admin forms: the units the admin manages, by name and code. */
export function UnitSelect({
  units,
  value,
  onChange,
}: {
  units: AdminUnit[];
  value: string;
  onChange: (code: string) => void;
}) {
  const { t } = useI18n();
  return (
    <select name="unitCode" value={value} onChange={(e) => onChange(e.target.value)} required>
      <option value="">{t('admin.unit')}</option>
      {units.map((u) => (
        <option key={u.code} value={u.code} data-raw>
          {u.name} ({u.code})
        </option>
      ))}
    </select>
  );
}
