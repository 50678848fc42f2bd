import { useMemo } from 'react';
import { type AdminUnit, adminApi } from '../api/admin-client.ts';
import { type Async, useLoad } from '../ui/states.tsx';

/** The units the admin manages (its own and below), and a code → "name (code)" label. */
export function useUnits(): { units: Async<AdminUnit[]>; reload: () => void; label: (code: string) => string } {
  const [units, reload] = useLoad(() => adminApi.units(), []);
  const names = useMemo(() => new Map(units.state === 'done' ? units.data.map((u) => [u.code, u.name]) : []), [units]);
  return { units, reload, label: (code: string) => (names.has(code) ? `${names.get(code)} (${code})` : code) };
}
