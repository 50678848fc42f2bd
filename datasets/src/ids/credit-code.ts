/**
 * Unified social credit codes (GB 32100-2015): 1 registration-authority char,
 * 1 organization-type char, 6-digit division code, 9-char organization code
 * (GB 11714, with its own check char) and a check char over the first 17 chars.
 */

const CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28] as const;
const ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2] as const;
const ORG_CHARSET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/**
 * GB 11714 check character of an 8-character organization code body.
 * @example orgCodeCheckChar('M000100Y') // '4'
 */
export function orgCodeCheckChar(body8: string): string {
  let sum = 0;
  for (let i = 0; i < 8; i++) {
    const v = ORG_CHARSET.indexOf(body8[i] ?? '');
    if (v < 0) throw new Error(`bad organization code char in ${body8}`);
    sum += v * (ORG_WEIGHTS[i] as number);
  }
  const c = 11 - (sum % 11);
  return c === 10 ? 'X' : c === 11 ? '0' : String(c);
}

/**
 * GB 32100 check character of the first 17 characters.
 * @example creditCodeCheckChar('91350100M000100Y4') // '3'
 */
export function creditCodeCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const v = CHARSET.indexOf(first17[i] ?? '');
    if (v < 0) throw new Error(`bad credit code char in ${first17}`);
    sum += v * (WEIGHTS[i] as number);
  }
  const c = (31 - (sum % 31)) % 31;
  return CHARSET[c] as string;
}

/**
 * Build a credit code for a company (`91` = market regulator, enterprise).
 * @param division 6-digit division code of the registering office
 * @param orgBody 8 digits/letters of the organization code body
 */
export function makeCreditCode(division: string, orgBody: string): string {
  const first17 = `91${division}${orgBody}${orgCodeCheckChar(orgBody)}`;
  return first17 + creditCodeCheckChar(first17);
}

/** True when the code has 18 valid characters and a correct GB 32100 check character. */
export function isValidCreditCode(code: string): boolean {
  if (!/^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$/.test(code)) return false;
  return creditCodeCheckChar(code.slice(0, 17)) === code[17];
}
