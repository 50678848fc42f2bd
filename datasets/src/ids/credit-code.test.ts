import { describe, expect, it } from 'vitest';
import { creditCodeCheckChar, isValidCreditCode, makeCreditCode, orgCodeCheckChar } from './credit-code.ts';

describe('GB 32100 unified social credit codes', () => {
  it('validates the code printed in the standard examples (91350100M000100Y43)', () => {
    expect(orgCodeCheckChar('M000100Y')).toBe('4');
    expect(creditCodeCheckChar('91350100M000100Y4')).toBe('3');
    expect(isValidCreditCode('91350100M000100Y43')).toBe(true);
  });

  it('builds codes whose organization code and credit code check characters both hold', () => {
    const code = makeCreditCode('620102', 'MA7K2Q9B');
    expect(code).toMatch(/^91620102MA7K2Q9B..$/);
    expect(code[16]).toBe(orgCodeCheckChar('MA7K2Q9B'));
    expect(isValidCreditCode(code)).toBe(true);
  });

  it('rejects corrupted codes and characters outside the charset', () => {
    const code = makeCreditCode('620102', 'MA7K2Q9B');
    const wrong = code.slice(0, 17) + (code[17] === '0' ? '1' : '0');
    expect(isValidCreditCode(wrong)).toBe(false);
    expect(isValidCreditCode(`${code.slice(0, 10)}I${code.slice(11)}`)).toBe(false);
    expect(isValidCreditCode(code.slice(0, 17))).toBe(false);
  });
});
