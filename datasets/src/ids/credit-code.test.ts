import { isValidCreditCode, orgCodeCheckChar } from '@onemap/graph-schema';
import { describe, expect, it } from 'vitest';
import { makeCreditCode } from './credit-code.ts';

// The check characters' own vectors (91350100M000100Y43 …) are in graph-schema/src/universal/id-check-chars.test.ts.
describe('GB 32100 unified social credit codes', () => {
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
