import { isValidResidentId } from '@onemap/graph-schema';
import { describe, expect, it } from 'vitest';
import { makeResidentId, sexOfResidentId } from './resident-id.ts';

// The check character's own vectors (11010519491231002X …) are in graph-schema/src/universal/id-check-chars.test.ts.
describe('GB 11643 resident ids', () => {
  it('builds ids with the check character worked out by hand from the weights', () => {
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
