import { creditCodeCheckChar } from '@onemap/graph-schema';
import { describe, expect, it } from 'vitest';
import { standardizeCreditCode } from './credit-code.ts';
import { standardizeNationality, standardizePassport, standardizeSex } from './identifiers.ts';
import { standardizePhone } from './phone.ts';
import { standardizePlate, standardizeVin } from './plate.ts';

describe('standardizePhone (E.164)', () => {
  it.each([
    ['13800138000', '+8613800138000'],
    ['138 0013 8000', '+8613800138000'],
    ['+86 138-0013-8000', '+8613800138000'],
    ['008613800138000', '+8613800138000'],
    ['0931-8888888', '+869318888888'], // landline with area code
    ['+1 202 555 0143', '+12025550143'],
    ['13800138000.0', '+8613800138000'], // a spreadsheet's float
    ["'13800138000", '+8613800138000'], // a spreadsheet's text mark
    ['="13800138000"', '+8613800138000'],
    ['138\u200b0013\u200b8000', '+8613800138000'], // zero-width spaces from a web page
  ])('%s -> %s', (input, e164) => {
    expect(standardizePhone(input)).toEqual({ ok: true, value: e164 });
  });
  it.each(['123', '12345', 'abc'])('flags %s', (input) => {
    expect(standardizePhone(input).ok).toBe(false);
  });
  it('flags a landline without its area code: the same digits are a line in every city', () => {
    expect(standardizePhone('8888888')).toMatchObject({ ok: false, reason: 'no_area_code' });
    expect(standardizePhone('88886666')).toMatchObject({ ok: false, reason: 'no_area_code' });
  });
});

describe('standardizePlate', () => {
  it.each([
    ['甘A·12345', '甘A12345'],
    ['甘a 1234s', '甘A1234S'],
    ['甘AD12345', '甘AD12345'], // new-energy plate
    ['京A1234学', '京A1234学'],
    // every middle dot a checkpoint writes
    ['甘A・12345', '甘A12345'],
    ['甘A･12345', '甘A12345'],
    ['甘A‧12345', '甘A12345'],
    ['甘A∙12345', '甘A12345'],
    // the plate colour written with it, before or after
    ['蓝甘A12345', '甘A12345'],
    ['甘A12345黄', '甘A12345'],
    ['甘A12345(蓝)', '甘A12345'],
    ['甘A12345（蓝色）', '甘A12345'],
    ['黄绿甘AD12345', '甘AD12345'],
    ['黑京A12345', '京A12345'],
    // 黑 before a letter is Heilongjiang, not a colour
    ['黑A12345', '黑A12345'],
    ['蓝黑A12345', '黑A12345'],
    ['甘A\u200b12345', '甘A12345'],
  ])('%s -> %s', (input, out) => {
    expect(standardizePlate(input)).toEqual({ ok: true, value: out });
  });
  it('flags the letters I and O, never used on plates', () => {
    expect(standardizePlate('甘AI2345')).toMatchObject({ ok: false, reason: 'letter_I_or_O' });
  });
  it('flags a plate without a province', () => {
    expect(standardizePlate('AB12345')).toMatchObject({ ok: false, reason: 'bad_plate_format' });
  });
});

describe('standardizeVin', () => {
  it('accepts a VIN whose check digit matches', () => {
    expect(standardizeVin('1m8gdm9axkp042788')).toEqual({ ok: true, value: '1M8GDM9AXKP042788' });
  });
  it('flags a wrong check digit', () => {
    expect(standardizeVin('1M8GDM9A1KP042788')).toMatchObject({ ok: false, reason: 'bad_check_digit' });
  });
});

describe('standardizeCreditCode (GB 32100)', () => {
  it('accepts valid codes and derives the division code', () => {
    expect(standardizeCreditCode('91350100M000100Y43')).toEqual({
      ok: true,
      value: '91350100M000100Y43',
      derived: { divisionCode: '350100' },
    });
    expect(standardizeCreditCode('91620102MA0004CT18').ok).toBe(true);
  });
  it('computes the check character with mod 31', () => {
    expect(creditCodeCheckChar('91350100M000100Y4')).toBe('3');
  });
  it('flags a wrong check character and letters outside the alphabet', () => {
    expect(standardizeCreditCode('91350100M000100Y44')).toMatchObject({ ok: false, reason: 'bad_check_digit' });
    expect(standardizeCreditCode('91350100M000100I43')).toMatchObject({ ok: false, reason: 'bad_chars' });
  });
});

describe('passports, sex, nationality', () => {
  it('normalizes passports', () => {
    expect(standardizePassport('e 1234 5678')).toEqual({ ok: true, value: 'E12345678' });
    expect(standardizePassport('ABC')).toMatchObject({ ok: false });
  });
  it.each([
    ['男', 'M'],
    ['2', 'F'],
    ['female', 'F'],
  ])('sex %s -> %s', (i, o) => expect(standardizeSex(i)).toEqual({ ok: true, value: o }));
  it('flags an unknown sex code', () => expect(standardizeSex('9').ok).toBe(false));
  it.each([
    ['中国', 'CHN'],
    ['kr', 'KOR'],
    ['USA', 'USA'],
  ])('nationality %s -> %s', (i, o) => expect(standardizeNationality(i)).toEqual({ ok: true, value: o }));
});
