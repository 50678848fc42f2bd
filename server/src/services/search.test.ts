import { describe, expect, it } from 'vitest';
import { escapeLucene, luceneQuery, withinOneEdit } from './search.ts';

describe('luceneQuery', () => {
  it('gives each term its exact form, a prefix and, for long Latin terms, one typo', () => {
    expect(luceneQuery('zhang wei')).toBe('(zhang^4 OR zhang*^2 OR zhang~1) OR (wei^4 OR wei*^2)');
    expect(luceneQuery('张伟')).toBe('(张伟^4 OR 张伟*^2)');
  });
  it('never passes Lucene syntax through', () => {
    for (const q of ['a:b', 'x~2', 'name:* OR 1', '"quoted"', '(a) AND [b TO c]', '\\']) {
      expect(luceneQuery(q)).not.toMatch(/[:"[\]\\]|~2|\bAND\b|\bTO\b/);
    }
    expect(escapeLucene('AND OR NOT')).toBe('and or not');
  });
});

describe('withinOneEdit', () => {
  it('accepts one substitution, insertion, deletion or transposition and nothing more', () => {
    expect(withinOneEdit('zhangwei', 'zhangwie')).toBe(true);
    expect(withinOneEdit('zhangwei', 'zhangwi')).toBe(true);
    expect(withinOneEdit('zhangwei', 'zhangweii')).toBe(true);
    expect(withinOneEdit('zhangwei', 'zhangwai')).toBe(true);
    expect(withinOneEdit('zhangwei', 'zhengwai')).toBe(false);
    expect(withinOneEdit('zhangwei', 'wei')).toBe(false);
  });
});
