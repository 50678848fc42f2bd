import { describe, expect, it } from 'vitest';
import { maskIdentifiersInText, maskIdentifiersInUrl } from './mask-text.ts';

describe('maskIdentifiersInText', () => {
  const table: [string, string][] = [
    ['{"q":"620102199001011234"}', '{"q":"620102********1234"}'],
    ['q=62010219900101123X&limit=5', 'q=620102********123X&limit=5'],
    ['{"q":"+8613800001234"}', '{"q":"+86138****1234"}'],
    ['call 13800001234 now', 'call 138****1234 now'],
    ['{"plate":"甘A12345"}', '{"plate":"***"}'],
    ['{"code":"91620102MA00000000"}', '{"code":"***"}'],
    ['{"vin":"LSVAU2180N2183294"}', '{"vin":"***"}'],
    ['{"passport":"E12345678"}', '{"passport":"E1*****78"}'],
    // written with the separators search ignores (it takes them as the whole identifier)
    ['{"q":"620102-19880505-1234"}', '{"q":"620102********1234"}'],
    ['{"q":"620102 1988 0505 1234"}', '{"q":"620102********1234"}'],
    ['{"q":"620102.19880505.1234 张三"}', '{"q":"620102********1234 张三"}'],
    ['phone +86 138-0000-1234, please', 'phone +86138****1234, please'],
    ['{"q":"138 0000 1234"}', '{"q":"138****1234"}'],
  ];
  for (const [plain, masked] of table)
    it(`${plain} → ${masked}`, () => expect(maskIdentifiersInText(plain)).toBe(masked));
  it('leaves eids, case numbers, dates and counts alone', () => {
    const s =
      '{"params":{"eid":"P-FX1"},"query":{"depth":2,"limit":50,"from":"2026-11-01T00:00:00Z"},"purpose":"A6201022026110001"}';
    expect(maskIdentifiersInText(s)).toBe(s);
  });
});

describe('maskIdentifiersInUrl', () => {
  it('masks identifiers a URL carries plain or percent-encoded', () => {
    expect(maskIdentifiersInUrl('/api/nope/620102199001011234')).toBe('/api/nope/620102********1234');
    expect(maskIdentifiersInUrl('/api/x/%E7%94%98A12345?q=1')).toBe('/api/x/***?q=1');
    expect(maskIdentifiersInUrl('/api/x/%2B8613800001234')).toBe('/api/x/+86138****1234');
    // a broken escape beside an identifier neither throws nor keeps it plain
    expect(maskIdentifiersInUrl('/api/x/%E0%A4%A/620102199001011234')).not.toContain('19900101');
  });
  it('keeps a URL without identifiers as it was sent', () => {
    for (const u of ['/api/entities/:eid', '/api/entities/P-FX1/relations', '/api/x/%E4%B8%AD%E6%96%87', '/api/x/%E0%A4%A']) expect(maskIdentifiersInUrl(u)).toBe(u);
  });
});
