import { describe, expect, it } from 'vitest';
import { csvCell } from './csv-cell.ts';

describe('csvCell', () => {
  it('quotes separators, quotes and line breaks', () => {
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell(null)).toBe('');
  });
  it('writes a cell a spreadsheet would run as a formula as text', () => {
    for (const f of ['=1+1', '+1+cmd', '-2+3+cmd|calc!A0', '@SUM(A1)', '\t=1', '\r=1']) expect(csvCell(f).replace(/^"/, '').startsWith("'"), f).toBe(true);
    expect(csvCell('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`);
  });
  it('keeps numbers, negative ones included, and raw cells as they are', () => {
    expect(csvCell(-0.05)).toBe('-0.05');
    expect(csvCell(3)).toBe('3');
    expect(csvCell('=1+1', { raw: true })).toBe('=1+1');
  });
});
