/**
 * Synthetic unified social credit codes (GB 32100-2015): 1 registration-authority char,
 * 1 organization-type char, 6-digit division code, 9-char organization code (GB 11714, with
 * its own check char) and a check char over the first 17 chars. The check characters
 * themselves live in `@onemap/graph-schema` (universal/id-check-chars.ts).
 */
import { creditCodeCheckChar, orgCodeCheckChar } from '@onemap/graph-schema';

/**
 * Build a credit code for a company (`91` = market regulator, enterprise).
 * @param division 6-digit division code of the registering office
 * @param orgBody 8 digits/letters of the organization code body
 */
export function makeCreditCode(division: string, orgBody: string): string {
  const first17 = `91${division}${orgBody}${orgCodeCheckChar(orgBody)}`;
  return first17 + creditCodeCheckChar(first17);
}
