import { describe, expect, it } from 'vitest';
import { defaultPersonSettings } from '../scoring/default-person-settings.ts';
import { standardizeEntityAttrs } from '../standardize/entity-attrs.ts';
import type { Mention } from '../types.ts';
import { explainPair, formatPairExplanation } from './explain-pair.ts';

function mention(key: string, v: Record<string, string>): Mention {
  const r = standardizeEntityAttrs('Person', new Map(Object.entries(v).map(([k, value]) => [k, { value, column: k }])));
  return { key, source: 's', recordId: key, role: 'p', kind: 'Person', ...r };
}

describe('explainPair', () => {
  it('gives every comparison level with its weight; the waterfall adds up to the total', () => {
    const e = explainPair(
      mention('a', { name: '张伟', birthDate: '1990-03-07' }),
      mention('b', { name: 'ZHANG Wei', birthDate: '1990-03-07' }),
      defaultPersonSettings(),
    );
    expect(e.terms.find((t) => t.comparison === 'family name')?.level).toBe('pinyin equal');
    expect(e.terms.find((t) => t.comparison === 'birth date')?.level).toBe('exact');
    const last = e.waterfall[e.waterfall.length - 1]!;
    expect(last.cumulative).toBeCloseTo(e.weight, 9);
    expect(e.probability).toBeCloseTo(2 ** e.weight / (1 + 2 ** e.weight), 9);
    expect(formatPairExplanation(e)).toMatch(/family name: pinyin equal/);
  });
  it('names anchors and conflicts', () => {
    const e = explainPair(
      mention('a', { name: '张伟', residentId: '11010519491231002X' }),
      mention('b', { name: '张伟', residentId: '11010519491231002X' }),
      defaultPersonSettings(),
    );
    expect(e.anchors).toEqual(['resident_id=11010519491231002X']);
  });
});
