import { readFileSync } from 'node:fs';
import { residentIdCheckChar, type SourceMapping } from '@onemap/graph-schema';
import { describe, expect, it } from 'vitest';
import { loadSource } from '../intake/load-source.ts';
import { standardizeRecord } from '../standardize/standardize-record.ts';
import type { Mention } from '../types.ts';
import { evaluate } from './evaluate.ts';
import { resolveBatch } from './resolve-batch.ts';

const mapping: SourceMapping = {
  recordIdColumn: 'id',
  entities: [{ role: 'p', kind: 'Person' }],
  fields: ['name', 'residentId', 'birthDate', 'phone', 'sex', 'passport', 'nationality'].map((a) => ({
    column: a,
    target: `p.${a}`,
    meaning: a,
    sensitivity: 1 as const,
  })),
};

function mentions(rows: Array<Record<string, string>>): Mention[] {
  return rows.flatMap((r, i) => {
    const s = standardizeRecord({ id: String(i + 1), ...r }, mapping, { source: 's' });
    return s.ok ? s.mentions : [];
  });
}
const validId = (body: string) => body + residentIdCheckChar(body);
const entity = (r: ReturnType<typeof resolveBatch>, i: number) => r.entityOf.get(`s:${i}:p`);

describe('resolveBatch: persons', () => {
  it('merges on a valid resident id (anchor) and across scripts and typos', () => {
    const r = resolveBatch(
      mentions([
        { name: '张伟明', residentId: '11010519491231002X' },
        { name: '張偉明', residentId: '11010519491231002X' },
        { name: 'ZHANG Weiming', birthDate: '1949-12-31', residentId: '110105194912310021' }, // bad check digit
        { name: '李强', birthDate: '1980-01-01' },
      ]),
    );
    expect(entity(r, 1)).toBe(entity(r, 2));
    expect(entity(r, 1)).toBe(entity(r, 3));
    expect(entity(r, 4)).not.toBe(entity(r, 1));
    expect(r.decisions.find((d) => d.decision === 'anchor')?.reason).toBe('resident_id');
  });

  it('never violates a cannot-link: two different valid resident ids are two people, whatever else agrees', () => {
    const same = { name: '王芳', birthDate: '1990-03-07', phone: '13800138000', sex: 'F' };
    const r = resolveBatch(
      mentions([
        { ...same, residentId: validId('11010519900307002') },
        { ...same, residentId: validId('11010519900307004') },
        { ...same }, // could join either: must not join both
      ]),
    );
    expect(entity(r, 1)).not.toBe(entity(r, 2));
    expect(r.decisions.some((d) => d.decision === 'cannot_link')).toBe(true);
  });

  it('respects analysts’ cannot-links and must-links', () => {
    const rows = mentions([
      { name: '赵敏', birthDate: '1990-03-07' },
      { name: '赵敏', birthDate: '1990-03-07' },
      { name: '周芷若', birthDate: '1991-05-05' },
    ]);
    const r = resolveBatch(rows, { cannotLinks: [['s:1:p', 's:2:p']], mustLinks: [['s:1:p', 's:3:p']] });
    expect(entity(r, 1)).not.toBe(entity(r, 2));
    expect(entity(r, 1)).toBe(entity(r, 3));
  });

  it('a generic phone (a front desk shared by many) does not merge strangers', () => {
    const desk = '09318888888';
    const names = ['陈静', '刘洋', '杨帆', '黄磊', '周杰', '吴昊'];
    const r = resolveBatch(mentions(names.map((name) => ({ name, phone: desk }))));
    expect(new Set(names.map((_, i) => entity(r, i + 1))).size).toBe(names.length);
    expect(r.generic.Person?.phone).toEqual(['+869318888888']);
    expect(r.blockingStats.Person?.find((s) => s.rule === 'phone')?.pairs).toBe(0);
  });

  it('does not chain two people through one record that matches both', () => {
    const r = resolveBatch(
      mentions([
        { name: '孙丽', birthDate: '1990-03-07', sex: 'F' },
        { name: '孙丽', phone: '13800138000' },
        { name: '孙丽', birthDate: '1975-11-20', sex: 'F', phone: '13800138000' },
      ]),
    );
    expect(entity(r, 1)).not.toBe(entity(r, 3));
  });

  it('counts candidate pairs per blocking rule and never compares all pairs', () => {
    const r = resolveBatch(mentions([{ name: '甲乙' }, { name: '丙丁' }, { name: '甲乙' }]));
    const st = r.blockingStats.Person!;
    expect(st.map((s) => s.rule)).toContain('@nameSorted');
    expect(st.reduce((n, s) => n + s.pairs, 0)).toBe(1);
  });

  it('drops a redelivered record (same key) instead of resolving it twice', () => {
    const m = mentions([{ name: '张三' }]);
    const r = resolveBatch([...m, ...m]);
    expect(r.clusters).toHaveLength(1);
    expect(r.clusters[0]?.mentionKeys).toEqual(['s:1:p']);
  });
});

describe('resolveBatch on data we did not generate (FEBRL, BSD-3)', () => {
  it('reaches high pairwise F1 on febrl dataset1', () => {
    const dir = new URL('../../test-fixtures/febrl/', import.meta.url);
    const map = JSON.parse(readFileSync(new URL('mapping.json', dir), 'utf8')) as SourceMapping;
    const l = loadSource(new URL('febrl-dataset1.csv', dir).pathname, map, { truthColumn: 'true_id' });
    expect(l.mentions).toHaveLength(1000);
    const r = resolveBatch(l.mentions, { train: true });
    const ev = evaluate(r.entityOf, l.truth!);
    expect(ev.pairwise.f1).toBeGreaterThan(0.95);
  }, 60_000);
});
