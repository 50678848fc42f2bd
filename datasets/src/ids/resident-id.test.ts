import { describe, expect, it } from 'vitest';
import { isValidResidentId, makeResidentId, residentIdCheckChar, sexOfResidentId } from './resident-id.ts';

describe('GB 11643 resident ids', () => {
  it('computes the check character of the standard example (11010519491231002X)', () => {
    expect(residentIdCheckChar('11010519491231002')).toBe('X');
    expect(isValidResidentId('11010519491231002X')).toBe(true);
  });

  it('computes check characters worked out by hand from the weights', () => {
    // sum = 6*7+2*9+0*10+1*5+0*8+2*4+1*2+9*1+9*6+0*3+0*7+1*9+0*10+1*5+1*8+2*4+3*2 = 174; 174 % 11 = 9 -> '10X98765432'[9] = '3'
    expect(residentIdCheckChar('62010219900101123')).toBe('3');
    expect(makeResidentId('620102', '19900101', 123)).toBe('620102199001011233');
  });

  it('rejects a wrong check character, transposed digits and impossible dates', () => {
    const id = makeResidentId('623001', '19850715', 42);
    expect(isValidResidentId(id)).toBe(true);
    expect(isValidResidentId(id.slice(0, 17) + (id[17] === '0' ? '1' : '0'))).toBe(false);
    const transposed = id.slice(0, 10) + id[11] + id[10] + id.slice(12);
    if (transposed !== id) expect(isValidResidentId(transposed)).toBe(false);
    expect(isValidResidentId(makeResidentId('620102', '19900230', 1))).toBe(false);
    expect(isValidResidentId('62010219900101123')).toBe(false);
  });

  it('reads the sex from the parity of the sequence', () => {
    expect(sexOfResidentId(makeResidentId('620102', '19900101', 123))).toBe('M');
    expect(sexOfResidentId(makeResidentId('620102', '19900101', 124))).toBe('F');
  });
});
