import { describe, expect, it } from 'vitest';
import { standardizeEntityAttrs } from '../standardize/entity-attrs.ts';
import type { Attrs } from '../types.ts';
import { ItemColumns } from './batch-scorer.ts';
import { DataStats, MIN_TF_VALUES } from './data-stats.ts';
import { defaultOrganizationSettings } from './default-organization-settings.ts';
import { defaultPersonSettings } from './default-person-settings.ts';
import { PairScorer } from './pair-scorer.ts';

const person = (v: Record<string, string>): Attrs =>
  standardizeEntityAttrs('Person', new Map(Object.entries(v).map(([k, value]) => [k, { value, column: k }]))).attrs;

// every level of every comparison is hit somewhere: typos, swapped and re-split names,
// Pinyin-only spellings, swapped day/month, missing values, a generic phone
const PERSONS: Array<Record<string, string>> = [
  {
    name: '张伟',
    residentId: '620402197411046954',
    birthDate: '1974-11-04',
    sex: 'M',
    phone: '13912345678',
    address: '甘肃省兰州市城关区东岗西路1号',
  },
  {
    name: '张伟',
    residentId: '620402197411406954',
    birthDate: '1974-04-11',
    sex: 'M',
    phone: '13912345678',
    address: '甘肃省兰州市城关区东岗西路1号',
  },
  { name: '張偉', birthDate: '1974-11-04', sex: 'M', phone: '13900000000', address: '甘肃省兰州市城关区东岗西路10号' },
  { name: 'ZHANG Wei', birthDate: '1974-11-05', phone: '13900000000' },
  { name: 'WEI Zhang', birthDate: '1974-11-04', phone: '13900000000' },
  { name: '张玮', residentId: '620402197411046945', birthDate: '1974-11-14', sex: 'F', phone: '13900000000' },
  { name: '李娜', birthDate: '1990-02-03', sex: 'F', phone: '13900000000', address: '甘肃省天水市秦州区' },
  { name: '李娜', birthDate: '1990-02', sex: 'F', address: '甘肃省天水市秦州区' },
  { name: '阿不都·热合曼', birthDate: '1985-07-07' },
  { name: '阿不都热合曼', birthDate: '1985-07-07', passport: 'E12345678' },
  { name: 'ABUDU REHEMAN', passport: 'E12345679' },
  { name: '王芳', email: 'wf@example.com', phone: '13811112222' },
  { name: '王芳', email: 'wf@example.com' },
  {},
];

function allPairs(items: Attrs[], stats: DataStats | undefined, model = defaultPersonSettings()) {
  const scorer = new PairScorer(model, stats);
  const batch = scorer.forItems(items, new ItemColumns(items, stats));
  const g1 = new Uint8Array(scorer.comparisonCount);
  const g2 = new Uint8Array(scorer.comparisonCount);
  let compared = 0;
  for (let i = 0; i < items.length; i++)
    for (let j = 0; j < items.length; j++) {
      if (i === j) continue;
      scorer.levels(items[i]!, items[j]!, g1);
      batch.levels(i, j, g2);
      expect([...g2], `levels ${i}-${j}`).toEqual([...g1]);
      const w = scorer.weight(items[i]!, items[j]!);
      expect(batch.weight(i, j), `weight ${i}-${j}`).toBe(w);
      expect(batch.lastContradiction).toBe(scorer.lastContradiction);
      compared++;
    }
  // comparison vectors computed once for many pairs give the same levels and weights
  const left = Int32Array.from({ length: items.length * items.length }, (_, p) => Math.floor(p / items.length));
  const right = Int32Array.from({ length: items.length * items.length }, (_, p) => p % items.length);
  const gamma = batch.levelsOfPairs(left, right, left.length);
  const K = batch.width;
  expect(K).toBe(scorer.comparisonCount);
  for (let p = 0; p < left.length; p++) {
    const i = left[p]!;
    const j = right[p]!;
    if (i === j) continue;
    scorer.levels(items[i]!, items[j]!, g1);
    expect([...gamma.subarray(p * K, p * K + K)], `vector ${i}-${j}`).toEqual([...g1]);
    expect(batch.weightOfLevels(i, j, gamma, p * K), `weight of levels ${i}-${j}`).toBe(
      scorer.weight(items[i]!, items[j]!),
    );
    expect(batch.lastContradiction).toBe(scorer.lastContradiction);
  }
  return compared;
}

describe('BatchScorer (columnar batch path)', () => {
  it('gives the same levels, weights and contradictions as PairScorer on the items, without statistics', () => {
    const items = PERSONS.map(person);
    expect(allPairs(items, undefined)).toBe(items.length * (items.length - 1));
  });

  it('gives the same weights with term frequencies and generic values', () => {
    const items = PERSONS.map(person);
    // enough filler to switch term frequencies on, and four names on one phone (generic)
    for (let i = 0; i < MIN_TF_VALUES; i++)
      items.push(
        person({
          name: `赵${'一二三四五六七八九十'[i % 10]}${i % 7}`,
          phone: i < 4 ? '13900000000' : `1370000${String(i).padStart(4, '0')}`,
          postcode: '730000',
        }),
      );
    const model = defaultPersonSettings();
    const stats = new DataStats(model);
    for (const a of items) stats.add(a);
    expect(stats.isGeneric('phone', '+8613900000000')).toBe(true);
    const head = items.slice(0, PERSONS.length + 6);
    // statistics over all items, pairs over the first ones (the tf columns are per item)
    const scorer = new PairScorer(model, stats);
    const batch = scorer.forItems(items, new ItemColumns(items, stats));
    let tfAdjusted = 0;
    let generic = 0;
    for (let i = 0; i < head.length; i++)
      for (let j = i + 1; j < head.length; j++) {
        const w = scorer.weight(items[i]!, items[j]!);
        expect(batch.weight(i, j), `weight ${i}-${j}`).toBe(w);
        const terms = scorer.terms(items[i]!, items[j]!);
        if (terms.some((t) => t.tfAdjustment !== 0)) tfAdjusted++;
        if (terms.some((t) => t.level === 'generic value')) generic++;
      }
    expect(tfAdjusted).toBeGreaterThan(0);
    expect(generic).toBeGreaterThan(0);
    // the generic phone's pair on the batch path: the neutral level, not 'exact'
    const g = new Uint8Array(scorer.comparisonCount);
    batch.levels(2, 3, g);
    const phone = model.comparisons.findIndex((c) => c.name === 'phone');
    expect(model.comparisons[phone]!.levels[g[phone]!]!.label).toBe('generic value');
  });

  it('organizations: same weights on both paths', () => {
    const org = (v: Record<string, string>): Attrs =>
      standardizeEntityAttrs('Organization', new Map(Object.entries(v).map(([k, value]) => [k, { value, column: k }])))
        .attrs;
    const raw: Array<Record<string, string>> = [
      { name: '兰州市城关区东岗餐饮有限公司', creditCode: '91620102MA71234567', phone: '0931-8888888' },
      { name: '兰州东岗餐饮有限公司', creditCode: '91620102MA71234568' },
      { name: '天水市秦州区东岗餐饮店', phone: '0931-8888888' },
      { name: '甘肃东岗餐饮有限责任公司' },
    ];
    const items = raw.map(org);
    expect(allPairs(items, undefined, defaultOrganizationSettings())).toBe(12);
  });
});
