import { describe, expect, it } from 'vitest';
import { defaultPersonSettings } from '../scoring/default-person-settings.ts';
import { PairScorer } from '../scoring/pair-scorer.ts';
import { standardizeEntityAttrs } from '../standardize/entity-attrs.ts';
import type { Mention } from '../types.ts';
import { cohesionBetween, cohesionBetweenItems } from './cohesion.ts';

const mention = (i: number, v: Record<string, string>): Mention => ({
  key: `t:${i}:p`,
  source: 't',
  recordId: String(i),
  role: 'p',
  kind: 'Person',
  attrs: standardizeEntityAttrs('Person', new Map(Object.entries(v).map(([k, value]) => [k, { value, column: k }])))
    .attrs,
  identifiers: [],
  flags: [],
});

// one 张伟 born 1974-11-04 (0-3) and another born 1988-02-09 (4-6): two people, one name
const people: Array<Record<string, string>> = [
  { name: '张伟', birthDate: '1974-11-04', sex: 'M', phone: '13912345678' },
  { name: '張偉', birthDate: '1974-11-04', sex: 'M' },
  { name: 'ZHANG Wei', birthDate: '1974-11-04' },
  { name: '张伟', birthDate: '1974-11-05', phone: '13912345678' },
  { name: '张伟', birthDate: '1988-02-09', sex: 'M' },
  { name: '张伟', birthDate: '1988-02-09', sex: 'M', phone: '13700000000' },
  { name: '张伟', sex: 'M' },
];
const mentions = people.map((v, i) => mention(i, v));

describe('cohesion', () => {
  const model = defaultPersonSettings();
  const scorer = new PairScorer(model);
  const batch = scorer.forItems(mentions.map((m) => m.attrs));
  const same = (A: number[], B: number[]) => {
    const byMentions = cohesionBetween(
      A.map((i) => mentions[i]!),
      B.map((i) => mentions[i]!),
      scorer,
    );
    expect(cohesionBetweenItems(A, B, batch, model)).toBe(byMentions);
    return byMentions;
  };
  it('is 1 inside one person and drops across two people with different birth dates', () => {
    expect(same([0, 1], [2, 3])).toBe(1);
    expect(same([0, 1, 2], [4, 5])).toBe(0);
    // a mention without a birth date contradicts nobody
    expect(same([6], [0, 4])).toBe(1);
  });
  it('gives the same share on the batch path for every split', () => {
    const all = mentions.map((_, i) => i);
    for (let cut = 1; cut < all.length; cut++) same(all.slice(0, cut), all.slice(cut));
  });
});
