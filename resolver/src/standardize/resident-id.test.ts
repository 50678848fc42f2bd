import { residentIdCheckChar } from '@onemap/graph-schema';
import { describe, expect, it } from 'vitest';
import { standardizeResidentId } from './resident-id.ts';

describe('standardizeResidentId (GB 11643)', () => {
  it('accepts a valid id and derives birth date, sex and birth county', () => {
    expect(standardizeResidentId('11010519491231002X')).toEqual({
      ok: true,
      value: '11010519491231002X',
      derived: { birthDate: '1949-12-31', sex: 'F', birthCounty: '110105' },
    });
  });
  it('accepts a lower-case x, spaces and full-width digits', () => {
    expect(standardizeResidentId(' 110105 19491231 002x ')).toMatchObject({ ok: true, value: '11010519491231002X' });
    expect(standardizeResidentId('１１０１０５１９４９１２３１００２Ｘ')).toMatchObject({
      ok: true,
      value: '11010519491231002X',
    });
  });
  it('accepts what spreadsheets and web pages add: text marks, zero-width characters, × for X', () => {
    for (const v of ["'11010519491231002X", '="11010519491231002X"', '110105\u200b19491231002X', '11010519491231002×'])
      expect(standardizeResidentId(v), v).toMatchObject({ ok: true, value: '11010519491231002X' });
  });
  it('flags a wrong check character and keeps the raw value (never fixes it)', () => {
    expect(standardizeResidentId('110105194912310021')).toEqual({
      ok: false,
      reason: 'bad_check_digit',
      raw: '110105194912310021',
      checksum: true,
    });
  });
  it('flags two transposed digits', () => {
    expect(
      standardizeResidentId('110105194921310021'.slice(0, 17) + residentIdCheckChar('11010519492131002')),
    ).toMatchObject({
      ok: false,
      reason: 'bad_birth_date',
    });
  });
  it('flags an impossible birth date even with a matching check character', () => {
    const body = '11010519490230002';
    expect(standardizeResidentId(body + residentIdCheckChar(body))).toMatchObject({
      ok: false,
      reason: 'bad_birth_date',
    });
  });
  it('upgrades a 15-digit first-generation id, noting it', () => {
    expect(standardizeResidentId('110105491231002')).toMatchObject({
      ok: true,
      value: '11010519491231002X',
      note: 'upgraded_from_15',
    });
  });
  it('rejects wrong lengths and characters', () => {
    expect(standardizeResidentId('1101051949123100')).toMatchObject({ ok: false, reason: 'bad_length' });
    expect(standardizeResidentId('11010519491231002A')).toMatchObject({ ok: false, reason: 'bad_chars' });
    expect(standardizeResidentId('')).toMatchObject({ ok: false, reason: 'empty' });
  });
});
