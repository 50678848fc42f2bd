import { describe, expect, it } from 'vitest';
import {
  creditCodeCheckChar,
  isValidCreditCode,
  isValidResidentId,
  orgCodeCheckChar,
  residentIdCheckChar,
} from './id-check-chars.ts';

/** In → out vectors: the standards' printed examples and sums worked out by hand from the weights. */
const RESIDENT_ID_CHECK: [first17: string, check: string][] = [
  ['11010519491231002', 'X'], // GB 11643 example 11010519491231002X
  // 6*7+2*9+0*10+1*5+0*8+2*4+1*2+9*1+9*6+0*3+0*7+1*9+0*10+1*5+1*8+2*4+3*2 = 174; 174 % 11 = 9 -> '10X98765432'[9]
  ['62010219900101123', '3'],
  // 1*7+1*9+0*10+1*5+0*8+5*4+1*2+9*1+4*6+9*3+0*7+2*9+3*10+0*5+0*8+0*4+2*2 = 155; 155 % 11 = 1 -> '0' (Feb 30: no valid id)
  ['11010519490230002', '0'],
];
const ORG_CODE_CHECK: [body8: string, check: string][] = [['M000100Y', '4']];
const CREDIT_CODE_CHECK: [first17: string, check: string][] = [
  ['91350100M000100Y4', '3'], // GB 32100 example 91350100M000100Y43
  ['91620102MA0004CT1', '8'],
];

describe('GB 11643 resident id check character', () => {
  it.each(RESIDENT_ID_CHECK)('%s -> %s', (first17, check) => {
    expect(residentIdCheckChar(first17)).toBe(check);
    expect(isValidResidentId(first17 + check)).toBe(first17 !== '11010519490230002'); // Feb 30 is no date
  });

  it('rejects a wrong check character, transposed digits, an impossible date and a short id', () => {
    expect(isValidResidentId('11010519491231002X')).toBe(true);
    expect(isValidResidentId('110105194912310021')).toBe(false);
    expect(isValidResidentId('110105194921310021'.slice(0, 17) + residentIdCheckChar('11010519492131002'))).toBe(false);
    expect(isValidResidentId('620102199002301237')).toBe(false);
    expect(isValidResidentId('62010219900101123')).toBe(false);
  });

  it('refuses anything but 17 digits instead of computing a meaningless character', () => {
    expect(() => residentIdCheckChar('1101051949123100')).toThrow(/17 digits/);
    expect(() => residentIdCheckChar('11010519491231002X')).toThrow(/17 digits/);
  });
});

describe('GB 32100 unified social credit code check characters', () => {
  it.each(ORG_CODE_CHECK)('organization code %s -> %s (GB 11714)', (body8, check) => {
    expect(orgCodeCheckChar(body8)).toBe(check);
  });

  it.each(CREDIT_CODE_CHECK)('%s -> %s', (first17, check) => {
    expect(creditCodeCheckChar(first17)).toBe(check);
    expect(isValidCreditCode(first17 + check)).toBe(true);
  });

  it('rejects a wrong check character, letters outside the alphabet and a short code', () => {
    expect(isValidCreditCode('91350100M000100Y44')).toBe(false);
    expect(isValidCreditCode('91350100M000100I43')).toBe(false);
    expect(isValidCreditCode('91350100M000100Y4')).toBe(false);
    expect(() => creditCodeCheckChar('91350100M000100I4')).toThrow(/bad credit code char/);
  });
});
