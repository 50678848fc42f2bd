/**
 * Phone numbers to E.164 with libphonenumber-js. Chinese mobiles (the bulk of the data)
 * take a fast path; everything else goes through libphonenumber, memoized per value.
 */
import { type CountryCode, parsePhoneNumberFromString } from 'libphonenumber-js';
import { BoundedMemo } from './bounded-memo.ts';
import { cleanText, type StdResult } from './text.ts';

const CN_MOBILE = /^(?:\+?86|0086)?(1[3-9]\d{9})$/;
const cache = new BoundedMemo<StdResult>();

/**
 * @param defaultCountry ISO 3166 alpha-2 for numbers written without a country code (default CN)
 * @example standardizePhone('138 0013 8000') // { ok: true, value: '+8613800138000' }
 */
export function standardizePhone(rawValue: string | undefined, defaultCountry: CountryCode = 'CN'): StdResult {
  const s = cleanText(rawValue);
  if (!s) return { ok: false, reason: 'empty', raw: s };
  // a number a spreadsheet kept as a float (`13800138000.0`): the `.0` is no digit of it
  const compact = s.replace(/^(\+?\d+)\.0+$/, '$1').replace(/[\s\-().]/g, '');
  const m = CN_MOBILE.exec(compact);
  if (m) return { ok: true, value: `+86${m[1]}` };
  const ck = `${defaultCountry}|${compact}`;
  const hit = cache.get(ck);
  if (hit) return hit;
  let r: StdResult;
  if (!/^\+?[\d]+$/.test(compact) || compact.length < 5) r = { ok: false, reason: 'bad_chars', raw: s };
  // a Chinese landline without its area code (`8888888`): the same digits are a line in every
  // city, so as an identifier it would join strangers, and the same line written with its code
  // would be another number
  else if (defaultCountry === 'CN' && /^[2-9]\d{6,7}$/.test(compact)) r = { ok: false, reason: 'no_area_code', raw: compact };
  else {
    const p = parsePhoneNumberFromString(compact.startsWith('00') ? `+${compact.slice(2)}` : compact, defaultCountry);
    r = p?.isValid() ? { ok: true, value: p.number } : { ok: false, reason: 'invalid_number', raw: compact };
  }
  cache.set(ck, r);
  return r;
}
