import { describe, expect, it } from 'vitest';
import { standardizeBirthDate, standardizeDate } from './date.ts';

describe('standardizeDate', () => {
  it.each([
    ['19900307', '1990-03-07'],
    ['1990-3-7', '1990-03-07'],
    ['1990/03/07', '1990-03-07'],
    ['1990.03.07', '1990-03-07'],
    ['1990年3月7日', '1990-03-07'],
    ['20260302121526', '2026-03-02T12:15:26'],
    ['2026-03-02 12:15:26', '2026-03-02T12:15:26'],
    ['2026-03-02 12:15', '2026-03-02T12:15:00'],
    ['2026/3/2 8:05:09', '2026-03-02T08:05:09'],
    ['2026-03-02T12:15:26+08:00', '2026-03-02T12:15:26'],
    // a stated offset is that instant, told in China time (UTC+8) like every other time
    ['2026-03-02T12:15:26Z', '2026-03-02T20:15:26'],
    ['2026-03-02T04:15:26.123Z', '2026-03-02T12:15:26'],
    ['2026-03-02T23:30:00-02:00', '2026-03-03T09:30:00'],
    ['2026-12-31T20:00:00+0000', '2027-01-01T04:00:00'],
    ['1772424926', '2026-03-02T12:15:26'], // epoch seconds, China time
  ])('%s -> %s', (input, out) => {
    expect(standardizeDate(input)).toEqual({ ok: true, value: out });
  });
  it('reads day/month order from the format hint', () => {
    expect(standardizeDate('07/03/1990', 'dd/MM/yyyy')).toEqual({ ok: true, value: '1990-03-07' });
    expect(standardizeDate('03/07/1990', 'MM/dd/yyyy')).toEqual({ ok: true, value: '1990-03-07' });
  });
  it('flags an ambiguous day/month without a hint', () => {
    expect(standardizeDate('07/03/1990')).toMatchObject({ ok: false, reason: 'ambiguous_day_month' });
  });
  it('flags an impossible date instead of rolling it over', () => {
    expect(standardizeDate('1990-02-30')).toMatchObject({ ok: false, reason: 'impossible_date' });
    expect(standardizeDate('19900230')).toMatchObject({ ok: false, reason: 'impossible_date' });
  });
  it('accepts 29 February only in leap years', () => {
    expect(standardizeDate('2000-02-29').ok).toBe(true);
    expect(standardizeDate('1900-02-29').ok).toBe(false);
  });
  it('flags a future birth date', () => {
    expect(standardizeBirthDate('2199-01-01')).toMatchObject({ ok: false, reason: 'future_date' });
  });
  it.each(['1900-01-01', '1900/1/1', '19000101', '1899-12-30'])('takes %s as a placeholder, not a birth date', (v) => {
    expect(standardizeBirthDate(v)).toMatchObject({ ok: false, reason: 'placeholder_date' });
  });
  it('keeps the first real dates after the placeholder', () => {
    expect(standardizeBirthDate('0001-01-01').ok).toBe(false);
    expect(standardizeBirthDate('1900-01-02')).toEqual({ ok: true, value: '1900-01-02' });
    expect(standardizeBirthDate('1970-01-01')).toEqual({ ok: true, value: '1970-01-01' });
  });
  it.each([
    ['2024年1月5日 08时05分', '2024-01-05T08:05:00'],
    ['2024年1月5日8时5分', '2024-01-05T08:05:00'],
    ['2024年1月5日 8时5分30秒', '2024-01-05T08:05:30'],
    ['2024年1月5日08:05', '2024-01-05T08:05:00'],
    ['2024-01-05 08:00:00 +0800', '2024-01-05T08:00:00'],
    ['2024-01-05 08:00:00 +0000', '2024-01-05T16:00:00'],
    ['20240105 080000', '2024-01-05T08:00:00'],
    ['45296', '2024-01-05'], // an Excel serial
    ['45296.5', '2024-01-05T12:00:00'],
    ['32874', '1990-01-01'],
  ])('reads what registries and spreadsheets write: %s', (input, out) => {
    expect(standardizeDate(input)).toEqual({ ok: true, value: out });
  });
  it('takes no other five-digit number for an Excel serial', () => {
    expect(standardizeDate('12345').ok).toBe(false);
    expect(standardizeDate('99999').ok).toBe(false);
    expect(standardizeBirthDate('32874')).toEqual({ ok: true, value: '1990-01-01' });
  });
});
