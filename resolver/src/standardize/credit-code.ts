/**
 * Unified social credit code (GB 32100-2015): 18 characters from a 31-character alphabet
 * (no I, O, S, V, Z); registering authority, organization type, 6-digit division code,
 * 9-character organization code, check character (mod 31).
 */
import { CREDIT_CODE_ALPHABET, creditCodeCheckChar } from '@onemap/graph-schema';
import { cleanText, type StdResult } from './text.ts';

/** @returns the code with derived `divisionCode`, or `bad_length` / `bad_chars` / `bad_check_digit`. */
export function standardizeCreditCode(rawValue: string | undefined): StdResult {
  const s = cleanText(rawValue).toUpperCase().replace(/[\s-]/g, '');
  if (!s) return { ok: false, reason: 'empty', raw: s };
  if (s.length !== 18) return { ok: false, reason: 'bad_length', raw: s };
  for (const ch of s) if (!CREDIT_CODE_ALPHABET.includes(ch)) return { ok: false, reason: 'bad_chars', raw: s };
  if (!/^\d{6}$/.test(s.slice(2, 8))) return { ok: false, reason: 'bad_division_code', raw: s };
  if (creditCodeCheckChar(s.slice(0, 17)) !== s[17]) return { ok: false, reason: 'bad_check_digit', raw: s, checksum: true };
  return { ok: true, value: s, derived: { divisionCode: s.slice(2, 8) } };
}
