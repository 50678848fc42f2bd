/**
 * The `unitCode` prefix of the places inside a jurisdiction (GB/T 2260): places carry their
 * county's code, so a province matches its first 2 digits, a city its first 4, a county all 6.
 * Stations (9 digits) have no territory of their own: null.
 * @param code a province, city or county code
 * @returns the prefix, or null for a code that names no territory
 * @example
 * jurisdictionPrefix('620100') // => '6201'
 * jurisdictionPrefix('620102') // => '620102'
 */
export function jurisdictionPrefix(code: string): string | null {
  if (!/^\d{6}$/.test(code)) return null;
  if (code.endsWith('0000')) return code.slice(0, 2);
  if (code.endsWith('00')) return code.slice(0, 4);
  return code;
}
