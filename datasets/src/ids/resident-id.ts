/**
 * Synthetic PRC resident identity numbers (GB 11643-1999): 6-digit address (county) code,
 * 8-digit birth date, 3-digit sequence (odd = male, even = female) and a check character
 * (ISO 7064 MOD 11-2, computed by `@onemap/graph-schema`'s universal/id-check-chars.ts).
 */
import { residentIdCheckChar } from '@onemap/graph-schema';

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

/** Sex encoded in the sequence digit: odd = 'M', even = 'F'. */
export function sexOfResidentId(id: string): 'M' | 'F' {
  return Number(id[16]) % 2 === 1 ? 'M' : 'F';
}
