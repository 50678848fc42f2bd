import { describe, expect, it } from 'vitest';
import { standardizeNameParts, standardizePersonName } from './person-name.ts';

const parts = (n: string, order?: 'family_first' | 'given_first') => {
  const r = standardizePersonName(n, order);
  return r && [r.script, r.family, r.given, r.pyFamily, r.pyGiven];
};

describe('standardizePersonName', () => {
  it.each([
    ['张伟', ['han', '张', '伟', 'zhang', 'wei']],
    ['張偉', ['han', '张', '伟', 'zhang', 'wei']], // traditional to simplified
    ['欧阳修', ['han', '欧阳', '修', 'ouyang', 'xiu']], // compound surname
    ['歐陽修', ['han', '欧阳', '修', 'ouyang', 'xiu']],
    ['单雄信', ['han', '单', '雄信', 'shan', 'xiongxin']], // surname reading, not dan
    ['曾国藩', ['han', '曾', '国藩', 'zeng', 'guofan']],
    ['吕布', ['han', '吕', '布', 'lv', 'bu']],
    ['张 伟', ['han', '张', '伟', 'zhang', 'wei']],
    ['买买提·艾力', ['han', '艾力', '买买提', 'aili', 'maimaiti']], // minority name with a dot
    ['买买提.艾力', ['han', '艾力', '买买提', 'aili', 'maimaiti']], // dot variants normalized
    ['买买提•艾力', ['han', '艾力', '买买提', 'aili', 'maimaiti']],
    ['ZHANG Wei', ['latin', 'ZHANG', 'WEI', 'zhang', 'wei']], // Pinyin, capitals mark the family name
    ['Wei ZHANG', ['latin', 'ZHANG', 'WEI', 'zhang', 'wei']],
    ['John Smith', ['latin', 'SMITH', 'JOHN', 'smith', 'john']],
    ['SMITH, John', ['latin', 'SMITH', 'JOHN', 'smith', 'john']],
    ['SMITH<<JOHN<PAUL', ['latin', 'SMITH', 'JOHN PAUL', 'smith', 'johnpaul']], // MRZ
    ['José Álvarez', ['latin', 'ALVAREZ', 'JOSE', 'alvarez', 'jose']], // diacritics
    ['吴铭轩', ['han', '吴', '铭轩', 'wu', 'mingxuan']], // 吴 is the surname, not a compound 吴铭
    ['ZHANGSAN', ['latin', 'ZHANG', 'SAN', 'zhang', 'san']], // one Pinyin word: surname and given name
    ['OUYANGXIU', ['latin', 'OUYANG', 'XIU', 'ouyang', 'xiu']],
    ['LIANGWEI', ['latin', 'LIANG', 'WEI', 'liang', 'wei']],
    ['LIANG', ['latin', '', 'LIANG', '', 'liang']], // no LI ANG: a syllable never starts with a vowel unwritten
    ['MAIMAITIAILI', ['latin', '', 'MAIMAITIAILI', '', 'maimaitiaili']], // a minority name stays whole (MA, then a vowel)
    ['Lü Wei', ['latin', 'LV', 'WEI', 'lv', 'wei']], // ü is v, as 吕 reads
    ['LYU WEI', ['latin', 'LYU', 'WEI', 'lv', 'wei']], // the passport spelling, family first
  ])('%s', (input, expected) => {
    expect(parts(input)).toEqual(expected);
  });
  it('notes a traditional-to-simplified conversion', () => {
    expect(standardizePersonName('張偉')?.notes).toContain('traditional_converted');
  });
  it('returns null for an empty or null-like value', () => {
    expect(standardizePersonName('  ')).toBeNull();
    expect(standardizePersonName('NULL')).toBeNull();
  });
  it('honours a family_first hint for Pinyin data', () => {
    expect(parts('Wei Zhang', 'given_first')).toEqual(['latin', 'ZHANG', 'WEI', 'zhang', 'wei']);
  });
});

describe('standardizeNameParts', () => {
  it('keeps separate family and given columns (FEBRL style)', () => {
    expect(standardizeNameParts('waller', 'lachlan')).toMatchObject({
      family: 'WALLER',
      given: 'LACHLAN',
      pyFamily: 'waller',
    });
  });
  it('reads a Hanzi family column as a surname (单 shan, 曾 zeng, 解 xie), as a full name does', () => {
    for (const [f, g] of [
      ['单', '田芳'],
      ['曾', '小明'],
      ['解', '放'],
      ['尉迟', '恭'],
    ] as const)
      expect(standardizeNameParts(f, g)?.pyFamily, f).toBe(standardizePersonName(f + g)?.pyFamily);
  });
  it('handles Hanzi columns', () => {
    expect(standardizeNameParts('歐陽', '修')).toMatchObject({
      family: '欧阳',
      given: '修',
      pyFamily: 'ouyang',
      pyGiven: 'xiu',
    });
  });
});
