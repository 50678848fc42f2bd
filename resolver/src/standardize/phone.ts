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
  const compact = s.replace(/[\s\-().]/g, '');
  const m = CN_MOBILE.exec(compact);
  if (m) return { ok: true, value: `+86${m[1]}` };
  const ck = `${defaultCountry}|${compact}`;
  const hit = cache.get(ck);
  if (hit) return hit;
  let r: StdResult;
  if (!/^\+?[\d]+$/.test(compact) || compact.length < 5) r = { ok: false, reason: 'bad_chars', raw: s };
  else {
    const p = parsePhoneNumberFromString(compact.startsWith('00') ? `+${compact.slice(2)}` : compact, defaultCountry);
    r = p?.isValid() ? { ok: true, value: p.number } : { ok: false, reason: 'invalid_number', raw: compact };
  }
  cache.set(ck, r);
  return r;
}
