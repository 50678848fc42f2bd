/**
 * PRC resident identity number (GB 11643-1999): 6-digit birth county, 8-digit birth date,
 * 3-digit sequence (odd = male), check character. 15-digit first-generation numbers are
 * upgraded to 18 digits (a documented, lossless conversion, noted as `upgraded_from_15`).
 */
import { residentIdCheckChar } from '@onemap/graph-schema';
import { isValidYmd, todayIso } from './date.ts';
import { cleanText, type StdResult } from './text.ts';

/**
 * @returns the 18-character id with derived `birthDate`, `sex` (M/F) and `birthCounty`, or a reason:
 *   `bad_length`, `bad_chars`, `bad_birth_date`, `bad_county`, `bad_check_digit`.
 * @example standardizeResidentId('11010519491231002X').derived // { birthDate: '1949-12-31', sex: 'F', birthCounty: '110105' }
 */
export function standardizeResidentId(rawValue: string | undefined): StdResult {
  // (`×`, the multiplication sign, is typed for the check character X)
  const raw = cleanText(rawValue).replace(/[\s-]/g, '').replace(/×$/, 'X').toUpperCase();
  if (!raw) return { ok: false, reason: 'empty', raw };
  // masked as many systems export it (620102********5012, **************5014): no id to compare,
  // and no other id either — compared as a typo of the real one it contradicted it
  if (raw.includes('*') && /^[\dX*]{15,18}$/.test(raw)) return { ok: false, reason: 'masked', raw };
  let id = raw;
  let note: string | undefined;
  if (/^\d{15}$/.test(raw)) {
    const body = `${raw.slice(0, 6)}19${raw.slice(6)}`;
    id = body + residentIdCheckChar(body);
    note = 'upgraded_from_15';
  }
  if (id.length !== 18) return { ok: false, reason: 'bad_length', raw };
  if (!/^\d{17}[\dX]$/.test(id)) return { ok: false, reason: 'bad_chars', raw };
  if (!/^[1-9]\d{5}$/.test(id.slice(0, 6)) || id.slice(2, 6) === '0000')
    return { ok: false, reason: 'bad_county', raw };
  const y = +id.slice(6, 10);
  const m = +id.slice(10, 12);
  const d = +id.slice(12, 14);
  const birthDate = `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`;
  if (!isValidYmd(y, m, d) || y < 1880 || birthDate > todayIso()) {
    return { ok: false, reason: 'bad_birth_date', raw };
  }
  if (residentIdCheckChar(id.slice(0, 17)) !== id[17]) return { ok: false, reason: 'bad_check_digit', raw, checksum: true };
  const sex = (id.charCodeAt(16) - 48) % 2 === 1 ? 'M' : 'F';
  const r: StdResult = { ok: true, value: id, derived: { birthDate, sex, birthCounty: id.slice(0, 6) } };
  if (note) r.note = note;
  return r;
}
