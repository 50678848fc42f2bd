import { describe, expect, it } from 'vitest';
import { cleanText } from './text.ts';

/** cleanText before its fast path: every value went through the regexps. */
function reference(raw: string): string {
  let s = raw;
  if (/[\u00a0\u2000-\u206f\u3000\u3002\uf900-\ufaff\ufe30-\ufe6f\uff00-\uffef\t\r\n]/.test(s))
    s = s.normalize('NFKC').replace(/[\u3000\u00a0\t\r\n]/g, ' ');
  s = s.trim();
  if (s.includes('  ')) s = s.replace(/ {2,}/g, ' ');
  return ['', 'null', 'NULL', 'None', 'none', 'N/A', 'n/a', 'NA', '-', '--', '无', '空', '\\N', 'undefined'].includes(s)
    ? ''
    : s;
}

describe('cleanText', () => {
  const values = [
    '张三', ' 张三', '张三 ', '张 三', '张  三', 'ＡＢＣ１２３', '张\u3000三', '\u3000张三', 'a\tb', 'a\r\n', '\v x', 'x\f',
    '\u00a0x', 'x\u1680', '\u2028x', 'x\u202f', '\u205fx', '\ufeffx', 'x\ufeff', '北京市。', '﹏x', '\uf900', 'null',
    ' null ', 'N/A', '无', '-', '', ' ', '  ', 'a b c', '𠀀𠀁', 'Zhang Wei', 'ZHANG,WEI', '\u0085x', 'x\u0085', '\u007f',
    '1990-01-01', '13800138000', '11010519491231002X',
  ];
  it.each(values.map((v) => [v]))('gives what the regexp path gives for %j', (v) => {
    expect(cleanText(v)).toBe(reference(v));
  });

  it('gives every character alone (and padded) what the regexp path gives', () => {
    const diffs: number[] = [];
    for (let c = 0; c < 0x10000; c++) {
      const ch = String.fromCharCode(c);
      for (const v of [ch, `a${ch}b`, `${ch}a`, `a${ch}`]) if (cleanText(v) !== reference(v)) diffs.push(c);
    }
    expect(diffs).toEqual([]);
  });
});
