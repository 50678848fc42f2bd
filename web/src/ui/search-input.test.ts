import { residentIdCheckChar } from '@onemap/graph-schema';
import { describe, expect, it } from 'vitest';
import { checkSearchInput } from './search-input.ts';

describe('checkSearchInput', () => {
  const body = '62010219900307001';
  const good = `${body}${residentIdCheckChar(body)}`;
  const wrong = `${body}${residentIdCheckChar(body) === '1' ? '2' : '1'}`;
  it('passes a valid resident ID through', () => {
    expect(checkSearchInput(good)).toEqual({ ok: true, query: good });
  });
  it('refuses a bad check character and names the right one', () => {
    expect(checkSearchInput(wrong)).toEqual({ ok: false, error: 'search.badCheckDigit', params: { expected: residentIdCheckChar(body), got: wrong.slice(17) } });
  });
  it('searches a formatted mobile number as its digits and says so', () => {
    expect(checkSearchInput('138-1234-5678')).toEqual({ ok: true, query: '13812345678', normalized: { from: '138-1234-5678', to: '13812345678' } });
    expect(checkSearchInput('+86 138 1234 5678')).toMatchObject({ ok: true, query: '13812345678' });
  });
  it('leaves names and plain numbers alone', () => {
    expect(checkSearchInput('张伟')).toEqual({ ok: true, query: '张伟' });
    expect(checkSearchInput('13812345678')).toEqual({ ok: true, query: '13812345678' });
  });
});
