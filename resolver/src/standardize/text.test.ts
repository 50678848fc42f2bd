import { describe, expect, it } from 'vitest';
import { cleanText, foldTyped } from './text.ts';

/** cleanText before its fast path: every value went through the regexps. */
function reference(raw: string): string {
  const sheet = /^(?:="([^"]*)"|['`](.+))$/s.exec(raw.trim());
  let s = (sheet ? (sheet[1] ?? sheet[2]!) : raw).replace(/[\u0000-\u0008\u000e-\u001f\u007f-\u0084\u0086-\u009f\u00ad\u200b-\u200d\u2060\ufeff]/g, '');
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
    '1990-01-01', '13800138000', '11010519491231002X', "'11010519491231002X", '="11010519491231002X"', '`13800138000',
    "O'Brien", "'", '=', '=""', "''x", '1101\u200b0519491231002X', '甘A\u200d12345', '\u0001x',
  ];
  it.each(values.map((v) => [v]))('gives what the regexp path gives for %j', (v) => {
    expect(cleanText(v)).toBe(reference(v));
  });

  it('removes what a spreadsheet or a web page adds to an identifier: text marks, zero-width characters', () => {
    expect(cleanText("'11010519491231002X")).toBe('11010519491231002X');
    expect(cleanText(' ="13800138000" ')).toBe('13800138000');
    expect(cleanText('6201\u200b0219880505\u2060123X')).toBe('62010219880505123X');
    expect(cleanText('华宇商贸有限公司\u200b')).toBe('华宇商贸有限公司');
    expect(cleanText("O'Brien")).toBe("O'Brien");
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

describe('foldTyped', () => {
  it('folds what an input method or a paste adds, as the values searched were folded', () => {
    expect(foldTyped('６２０１０２')).toBe('620102');
    expect(foldTyped('张\u200b伟')).toBe('张伟');
    expect(foldTyped('張偉')).toBe('张伟');
    expect(foldTyped('甘Ａ１２３４５')).toBe('甘A12345');
    expect(foldTyped('无')).toBe('无');
    expect(foldTyped('zhang wei')).toBe('zhang wei');
  });
});
