/**
 * PRC resident identity numbers (GB 11643-1999): 6-digit address (county) code,
 * 8-digit birth date, 3-digit sequence (odd = male, even = female) and a check
 * character computed over the first 17 digits (ISO 7064 MOD 11-2).
 */

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const CHECK_CHARS = '10X98765432';

/**
 * The GB 11643 check character for the first 17 digits.
 * @example residentIdCheckChar('11010519491231002') // 'X'
 */
export function residentIdCheckChar(first17: string): string {
  if (!/^\d{17}$/.test(first17)) throw new Error(`need 17 digits, got ${first17}`);
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * (WEIGHTS[i] as number);
  return CHECK_CHARS[sum % 11] as string;
}

/**
 * Build an 18-character resident id.
 * @param county 6-digit GB/T 2260 county code of the birth place
 * @param birthDate `YYYYMMDD`
 * @param sequence 0..999; its parity must match the sex (odd = male)
 */
export function makeResidentId(county: string, birthDate: string, sequence: number): string {
  const first17 = `${county}${birthDate}${String(sequence).padStart(3, '0')}`;
  return first17 + residentIdCheckChar(first17);
}

/** True when the id has 18 characters, a plausible birth date and a correct check character. */
export function isValidResidentId(id: string): boolean {
  if (!/^\d{17}[\dX]$/.test(id)) return false;
  const y = Number(id.slice(6, 10));
  const m = Number(id.slice(10, 12));
  const d = Number(id.slice(12, 14));
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return false;
  return residentIdCheckChar(id.slice(0, 17)) === id[17];
}

/** Sex encoded in the sequence digit: odd = 'M', even = 'F'. */
export function sexOfResidentId(id: string): 'M' | 'F' {
  return Number(id[16]) % 2 === 1 ? 'M' : 'F';
}
