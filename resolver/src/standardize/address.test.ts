import { afterEach, describe, expect, it } from 'vitest';
import { resetDivisionGazetteer, setDivisionGazetteer, standardizeAddress, standardizeDivisionCode } from './address.ts';

afterEach(() => setDivisionGazetteer([]));

describe('standardizeAddress', () => {
  it('finds the county division code through the gazetteer and keeps the part below it', () => {
    setDivisionGazetteer([
      { code: '620000', name: '甘肃省' },
      { code: '620100', name: '兰州市' },
      { code: '620102', name: '城关区' },
      { code: '620123', name: '榆中县' },
      { code: '630102', name: '城东区' },
    ]);
    expect(standardizeAddress('甘肃省兰州市城关区草场街街道解放路341号')).toEqual({
      ok: true,
      value: '甘肃省兰州市城关区草场街街道解放路341号',
      derived: { divisionCode: '620102', addressKey: '6201|草场街街道解放路341号' },
    });
    expect(standardizeAddress('兰州市榆中县韦营乡团结路287号')).toMatchObject({ derived: { divisionCode: '620123' } });
    expect(standardizeAddress('甘肅省蘭州市 城關區 解放路341號')).toMatchObject({
      value: '甘肃省兰州市城关区解放路341号',
      derived: { divisionCode: '620102' },
    });
  });
  it('knows every division of China by default, a county several cities have under the city written', () => {
    resetDivisionGazetteer();
    const code = (a: string) => (standardizeAddress(a) as { derived?: Record<string, string> }).derived?.divisionCode;
    expect(code('甘肃省兰州市城关区解放路341号')).toBe('620102');
    expect(code('西藏自治区拉萨市城关区北京中路1号')).toBe('540102');
    expect(code('北京市朝阳区建国路1号')).toBe('110105');
    expect(code('广东省深圳市南山区科技园1号')).toBe('440305');
    // a county name alone that several cities have: no county code
    expect(code('城关区解放路341号')).toBeUndefined();
  });
  it('keys the part below the county after its city: one street in two cities is two addresses', () => {
    resetDivisionGazetteer();
    const key = (a: string) => (standardizeAddress(a) as { derived?: Record<string, string> }).derived?.addressKey;
    expect(key('甘肃省兰州市城关区人民路1号')).toBe('6201|人民路1号');
    expect(key('甘肃省天水市秦州区人民路1号')).toBe('6205|人民路1号');
    // the same address with or without its province and county
    expect(key('兰州市人民路1号')).toBe(key('甘肃省兰州市城关区人民路1号'));
    // no city to tell: the part below the county alone
    expect(key('人民路1号')).toBe('人民路1号');
  });
  it('without a gazetteer: no division code, still normalized', () => {
    expect(standardizeAddress('甘肃省兰州市城关区解放路341号')).toEqual({
      ok: true,
      value: '甘肃省兰州市城关区解放路341号',
      derived: { addressKey: '解放路341号' },
    });
  });
  it('takes no housing estate for a county and no district for a city: the estate stays in the key', () => {
    const key = (a: string) => (standardizeAddress(a) as { derived?: Record<string, string> }).derived?.addressKey;
    expect(key('幸福小区3号楼2单元101')).not.toBe(key('和平小区3号楼2单元101'));
    expect(key('金城花园小区5号楼')).toBe('金城花园小区5号楼');
    expect(key('兰州市幸福小区3号楼')).toBe(key('兰州市城关区幸福小区3号楼'));
    expect(key('城关区市场街1号')).toBe('市场街1号');
    expect(key('甘肃省兰州市城关区市场街1号')).toBe('市场街1号');
  });
  it('unifies Latin street types', () => {
    expect(standardizeAddress('6 Tullaroop Street, Willaroo')).toMatchObject({ value: '6 TULLAROOP ST WILLAROO' });
  });
  it('division codes: 6 digits, longer codes cut to the county', () => {
    expect(standardizeDivisionCode('620102001')).toEqual({ ok: true, value: '620102' });
    expect(standardizeDivisionCode('62A102').ok).toBe(false);
  });
});
