import { describe, expect, it } from 'vitest';
import { standardizeEntityAttrs } from '../standardize/entity-attrs.ts';
import type { Attrs } from '../types.ts';
import { defaultPersonSettings } from './default-person-settings.ts';
import { PairScorer } from './pair-scorer.ts';
import { damerauLevenshtein, jaroWinkler } from './string-distance.ts';

const person = (v: Record<string, string>): Attrs =>
  standardizeEntityAttrs('Person', new Map(Object.entries(v).map(([k, value]) => [k, { value, column: k }]))).attrs;

function levelOf(name: string, a: Attrs, b: Attrs): string {
  const model = defaultPersonSettings();
  const scorer = new PairScorer(model);
  return scorer.terms(a, b).find((t) => t.comparison === name)!.level;
}

describe('string distances', () => {
  it('jaro-winkler', () => {
    expect(jaroWinkler('martha', 'marhta')).toBeCloseTo(0.9611, 3);
    expect(jaroWinkler('dixon', 'dicksonx')).toBeCloseTo(0.8133, 3);
    expect(jaroWinkler('abc', 'abc')).toBe(1);
    expect(jaroWinkler('', 'abc')).toBe(0);
  });
  it('damerau-levenshtein counts a transposition as one edit and stops past the limit', () => {
    expect(damerauLevenshtein('620402197411046954', '620402197411406954', 2)).toBe(1);
    expect(damerauLevenshtein('kitten', 'sitting', 5)).toBe(3);
    expect(damerauLevenshtein('aaaaaaaa', 'bbbbbbbb', 2)).toBe(3);
  });
});

describe('name comparison levels', () => {
  it('exact for the same characters', () => {
    expect(levelOf('given name', person({ name: '张伟' }), person({ name: '张伟' }))).toBe('exact');
  });
  it('exact for traditional vs simplified (both standardized to simplified)', () => {
    expect(levelOf('given name', person({ name: '張偉' }), person({ name: '张伟' }))).toBe('exact');
  });
  it('pinyin equal for homophones and for Pinyin-only records', () => {
    expect(levelOf('given name', person({ name: '张伟' }), person({ name: '张玮' }))).toBe('pinyin equal');
    expect(levelOf('family name', person({ name: '张伟' }), person({ name: 'ZHANG Wei' }))).toBe('pinyin equal');
  });
  it('aligns a swapped order before comparing', () => {
    expect(levelOf('family name', person({ name: 'Wei ZHANG' }), person({ name: 'ZHANG Wei' }))).toBe('exact');
    expect(levelOf('given name', person({ name: '张伟明' }), person({ name: 'Weiming Zhang' }))).toBe('pinyin equal');
  });
  it('close by jaro-winkler for a typo', () => {
    expect(
      levelOf(
        'family name',
        person({ familyName: 'harrington', givenName: 'kayla' }),
        person({ familyName: 'harringtom', givenName: 'kayla' }),
      ),
    ).toBe('jaro-winkler >= 0.92');
  });
  it('different and missing', () => {
    expect(levelOf('given name', person({ name: '张伟' }), person({ name: '张强' }))).toBe('different');
    expect(levelOf('birth date', person({ name: '张伟' }), person({ name: '张伟', birthDate: '19900101' }))).toBe(
      'null',
    );
  });
});

describe('other comparison levels', () => {
  it('birth dates: exact, one typo, day/month swapped, same month, different', () => {
    const d = (x: string, y: string) => levelOf('birth date', person({ birthDate: x }), person({ birthDate: y }));
    expect(d('1990-03-07', '1990-03-07')).toBe('exact');
    expect(d('1990-03-07', '1990-03-08')).toBe('one character differs');
    expect(d('1990-03-07', '1990-07-03')).toBe('day and month swapped');
    expect(d('1990-03-07', '1990-03-27')).toBe('one character differs');
    expect(d('1990-03-07', '1990-03-19')).toBe('same year and month');
    expect(d('1990-03-07', '1985-11-20')).toBe('different');
  });
  it('a mistyped resident id is one edit from the valid one', () => {
    expect(
      levelOf(
        'resident id',
        person({ residentId: '11010519491231002X' }),
        person({ residentId: '11010519491213002X' }),
      ),
    ).toBe('one edit');
  });
});

describe('weights', () => {
  it('agreement adds, disagreement subtracts', () => {
    const s = new PairScorer(defaultPersonSettings());
    const a = person({ name: '张伟', birthDate: '19900307' });
    expect(s.weight(a, person({ name: '张伟', birthDate: '19900307' }))).toBeGreaterThan(
      s.weight(a, person({ name: '张伟' })),
    );
    expect(s.weight(a, person({ name: '张伟', birthDate: '19850101' }))).toBeLessThan(
      s.weight(a, person({ name: '张伟' })),
    );
  });
});
