import { afterEach, describe, expect, it } from 'vitest';
import { setDivisionGazetteer } from './address.ts';
import { parseOrgName, standardizeOrgName } from './org-name.ts';

afterEach(() => setDivisionGazetteer([]));

const parts = (raw: string) => {
  const s = standardizeOrgName(raw)!;
  return {
    region: s.orgRegion,
    code: s.orgRegionCode,
    trade: s.orgTrade,
    industry: s.orgIndustry,
    form: s.orgForm,
    branch: s.orgBranch,
  };
};

describe('parseOrgName: region', () => {
  it.each([
    ['兰州华宇商贸有限公司', '兰州', '6201'], // the city
    ['兰州市华宇商贸有限公司', '兰州', '6201'], // the city with 市
    ['甘肃华宇商贸有限公司', '甘肃', '62'], // the province
    ['甘肃省兰州市华宇商贸有限公司', '兰州', '6201'], // province and city: the more specific one
    ['华宇商贸（甘肃）有限公司', '甘肃', '62'], // in parentheses after the trade name
    ['华宇商贸(兰州)有限公司', '兰州', '6201'], // half-width parentheses
    ['临夏华宇商贸有限公司', '临夏', '6229'], // 临夏回族自治州 by its short name
    ['华宇商贸有限公司', undefined, undefined], // none
  ])('%s → %s (%s)', (raw, region, code) => {
    expect(parts(raw)).toMatchObject({ region, code, trade: '华宇' });
  });
  it('reads a county-level name written with its suffix through the gazetteer', () => {
    setDivisionGazetteer([
      { code: '620900', name: '酒泉市' },
      { code: '620982', name: '敦煌市' },
    ]);
    expect(parts('敦煌市飞天矿业有限公司')).toMatchObject({ region: '敦煌', code: '620982', trade: '飞天' });
  });
  it('reads a county written with its suffix without a gazetteer, under its city when several cities have one', () => {
    setDivisionGazetteer([]);
    expect(parts('甘肃省兰州市城关区华宇商贸有限公司')).toMatchObject({ region: '城关区', code: '620102', trade: '华宇' });
    expect(parts('敦煌市华宇商贸有限公司')).toMatchObject({ code: '620982', trade: '华宇' });
    // 城关区 is a county of Lanzhou and of Lhasa: no region to compare, but not the trade name either
    expect(parts('城关区华宇商贸有限公司')).toMatchObject({ region: undefined, code: undefined, trade: '华宇' });
  });
  it('reads a county by its short name in parentheses, by its full name after its province, or by its short name after its city', () => {
    expect(parts('华宇商贸（敦煌）有限公司')).toMatchObject({ region: '敦煌', code: '620982', trade: '华宇' });
    expect(parts('甘肃敦煌市华宇商贸有限公司')).toMatchObject({ region: '敦煌', code: '620982', trade: '华宇' });
    expect(parts('酒泉敦煌华宇商贸有限公司')).toMatchObject({ region: '敦煌', code: '620982', trade: '华宇' });
  });
  it('after a province alone, a county short name begins the trade name (one division name to a company name)', () => {
    // 甘肃敦煌添成医药 and 甘南敦煌添成医药 are one company's trade name 敦煌添成, under two regions
    expect(parts('甘肃敦煌添成医药有限公司')).toMatchObject({ region: '甘肃', code: '62', trade: '敦煌添成' });
    expect(parts('甘南敦煌添成医药有限公司')).toMatchObject({ trade: '敦煌添成' });
  });
  it('leaves a place word that is part of the trade name alone when nothing marks it as a region', () => {
    expect(parts('敦煌飞天矿业有限公司')).toMatchObject({ region: undefined, trade: '敦煌飞天' });
  });
});

describe('parseOrgName: trade name and industry', () => {
  it.each([
    ['兰州华宇商贸有限公司', '华宇', '商贸'],
    ['兰州华宇信息技术有限公司', '华宇', '信息技术'],
    ['兰州华宇商贸物流有限公司', '华宇', '商贸物流'], // two industry words
    ['兰州华宇有限公司', '华宇', undefined], // the industry word dropped
    ['兰州祁连金鼎文化传媒有限公司', '祁连金鼎', '文化传媒'],
  ])('%s → %s + %s', (raw, trade, industry) => {
    expect(parts(raw)).toMatchObject({ trade, industry });
  });
  it('keeps at least two characters of trade name', () => {
    expect(parts('兰州商贸有限公司')).toMatchObject({ trade: '商贸', industry: undefined });
  });
  it('gives homophone trade names the same Pinyin and different characters', () => {
    const a = parseOrgName('华宇商贸有限公司');
    const b = parseOrgName('桦宇商贸有限公司');
    expect([a.trade, b.trade]).toEqual(['华宇', '桦宇']);
    expect(a.tradePinyin).toBe('huayu');
    expect(b.tradePinyin).toBe('huayu');
  });
});

describe('parseOrgName: legal form', () => {
  it.each([
    ['兰州华宇商贸有限公司', 'limited'],
    ['兰州华宇商贸有限责任公司', 'limited'],
    ['兰州华宇商贸（有限公司）', 'limited'],
    ['兰州华宇商贸(有限公司)', 'limited'],
    ['兰州华宇商贸股份有限公司', 'joint_stock'],
    ['Huayu Trading Co., Ltd.', 'limited'],
  ])('%s → %s', (raw, form) => {
    expect(parts(raw).form).toBe(form);
  });
});

describe('parseOrgName: branch', () => {
  it('reads the branch after the head office name', () => {
    expect(parts('兰州华宇商贸有限公司武威分公司')).toMatchObject({
      region: '兰州',
      trade: '华宇',
      industry: '商贸',
      form: 'limited',
      branch: '武威',
    });
  });
  it('reads a branch written in parentheses and drops what registries write after a name', () => {
    const plain = standardizeOrgName('甘肃华宇商贸有限公司兰州分公司')!;
    expect(standardizeOrgName('甘肃华宇商贸有限公司（兰州分公司）')).toEqual(plain);
    expect(plain.orgBranch).toBe('兰州');
    const head = standardizeOrgName('甘肃华宇商贸有限公司')!;
    for (const n of ['甘肃华宇商贸有限公司（已注销）', '甘肃华宇商贸有限公司(吊销未注销)', '甘肃华宇商贸有限公司。', '甘肃华宇商贸有限公司（自然人独资）'])
      expect(standardizeOrgName(n), n).toEqual(head);
  });
  it('marks a head office with `-`', () => {
    expect(parts('兰州华宇商贸有限公司').branch).toBe('-');
  });
  it('reads the branch city written with 市', () => {
    expect(parts('兰州华宇商贸有限公司武威市分公司').branch).toBe('武威');
  });
});

describe('standardizeOrgName: written variants', () => {
  const same = ['兰州华宇商贸有限公司', '兰州 华宇商贸有限公司', '兰州华宇\u3000商贸有限公司', '蘭州華宇商貿有限公司'];
  it.each(same)('%s parses like 兰州华宇商贸有限公司', (raw) => {
    expect(parts(raw)).toEqual(parts(same[0]!));
  });
  it('keeps the old name key (no legal form, no punctuation)', () => {
    expect(standardizeOrgName('华宇商贸（甘肃）有限公司')).toMatchObject({
      name: '华宇商贸(甘肃)有限公司',
      nameKey: '华宇商贸甘肃',
    });
  });
});
