/**
 * Check characters of the two Chinese identifiers the graph anchors on: the resident identity
 * number (GB 11643-1999, ISO 7064 MOD 11-2) and the unified social credit code (GB 32100-2015,
 * with the GB 11714 organization code inside it). Import-safe: the generator (datasets), the
 * standardizer (resolver) and the browser all use these, and nothing else computes them.
 */

const RESIDENT_ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const RESIDENT_ID_CHECK_CHARS = '10X98765432';

/** The 31 characters a unified social credit code may use (no I, O, S, V, Z). */
export const CREDIT_CODE_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const CREDIT_CODE_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28] as const;
const ORG_CODE_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2] as const;
const ORG_CODE_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/**
 * The GB 11643 check character of a resident id's first 17 digits.
 * @param first17 the 6-digit county code, 8-digit birth date and 3-digit sequence
 * @returns `0`-`9` or `X`
 * @throws Error when `first17` is not exactly 17 digits
 * @example residentIdCheckChar('11010519491231002') // 'X'
 */
export function residentIdCheckChar(first17: string): string {
  if (!/^\d{17}$/.test(first17)) throw new Error(`need 17 digits, got ${first17}`);
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (first17.charCodeAt(i) - 48) * (RESIDENT_ID_WEIGHTS[i] as number);
  return RESIDENT_ID_CHECK_CHARS[sum % 11] as string;
}

/**
 * True when the id has 18 characters, a real birth date and a correct GB 11643 check character.
 * @example isValidResidentId('11010519491231002X') // true
 */
export function isValidResidentId(id: string): boolean {
  if (!/^\d{17}[\dX]$/.test(id)) return false;
  const y = Number(id.slice(6, 10));
  const m = Number(id.slice(10, 12));
  const d = Number(id.slice(12, 14));
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return false;
  return residentIdCheckChar(id.slice(0, 17)) === id[17];
}

/**
 * GB 11714 check character of an 8-character organization code body.
 * @throws Error on a character outside `0-9A-Z`
 * @example orgCodeCheckChar('M000100Y') // '4'
 */
export function orgCodeCheckChar(body8: string): string {
  let sum = 0;
  for (let i = 0; i < 8; i++) {
    const v = ORG_CODE_ALPHABET.indexOf(body8[i] ?? '');
    if (v < 0) throw new Error(`bad organization code char in ${body8}`);
    sum += v * (ORG_CODE_WEIGHTS[i] as number);
  }
  const c = 11 - (sum % 11);
  return c === 10 ? 'X' : c === 11 ? '0' : String(c);
}

/**
 * GB 32100 check character of a credit code's first 17 characters.
 * @throws Error on a character outside {@link CREDIT_CODE_ALPHABET}
 * @example creditCodeCheckChar('91350100M000100Y4') // '3'
 */
export function creditCodeCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const v = CREDIT_CODE_ALPHABET.indexOf(first17[i] ?? '');
    if (v < 0) throw new Error(`bad credit code char in ${first17}`);
    sum += v * (CREDIT_CODE_WEIGHTS[i] as number);
  }
  return CREDIT_CODE_ALPHABET[(31 - (sum % 31)) % 31] as string;
}

/**
 * True when the code has 18 characters of the alphabet, a 6-digit division code and a correct
 * GB 32100 check character.
 * @example isValidCreditCode('91350100M000100Y43') // true
 */
export function isValidCreditCode(code: string): boolean {
  if (!/^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$/.test(code)) return false;
  return creditCodeCheckChar(code.slice(0, 17)) === code[17];
}
