import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileMapping } from '../standardize/compile-mapping.ts';
import { type BatchRecord, readSource } from './read-source.ts';

const mapping = compileMapping(
  {
    id: 'hotel',
    recordIdColumn: 'id',
    entities: [{ role: 'guest', kind: 'Person' }],
    fields: [
      { column: 'id', target: null, meaning: 'record id', sensitivity: 1 },
      { column: 'name', target: 'guest.name', required: true, meaning: 'guest name', sensitivity: 2 },
      { column: 'birth', target: 'guest.birthDate', meaning: 'birth date', sensitivity: 2 },
    ],
  },
  'hotel',
);

function file(text: string, ext = 'csv') {
  const f = join(mkdtempSync(join(tmpdir(), 'read-source-')), `2024-01-01.${ext}`);
  writeFileSync(f, text);
  return f;
}

describe('readSource', () => {
  // rows standardized as they are parsed: a reader reject and a standardizer reject interleaved
  const csv = 'id,name,birth\n1,张三,1990-01-01\n2,李四\n3,,1990-01-02\n4,王五,1990-13-01\n5,赵六,1991-02-03\n';

  it('reports the reading rejects first, then the standardizing ones, each in file order', () => {
    const r = readSource(file(csv), mapping);
    expect(r.rows).toBe(5);
    expect(r.records.map((x) => x.recordId)).toEqual(['1', '4', '5']);
    expect(r.rejects.map((x) => [x.line, x.code])).toEqual([
      [3, 'ONEMAP_ERR_FIELD_COUNT'],
      [4, 'ONEMAP_ERR_REQUIRED_MISSING'],
    ]);
    expect(r.flagged.map((x) => x.line)).toEqual([5]);
  });

  it('passes the same records to onRecord as it returns without it, and holds none itself', () => {
    const f = file(csv);
    const got: BatchRecord[] = [];
    const streamed = readSource(f, mapping, { onRecord: (rec) => got.push(rec) });
    const held = readSource(f, mapping);
    expect(streamed.records).toEqual([]);
    expect(got).toEqual(held.records);
    expect({ ...streamed, records: [], readMs: 0, standardizeMs: 0 }).toEqual({
      ...held,
      records: [],
      readMs: 0,
      standardizeMs: 0,
    });
  });

  it('stops after `limit` rows and still throws on a mapped key no JSON line carries', () => {
    expect(readSource(file(csv), mapping, { limit: 2 }).records.map((x) => x.recordId)).toEqual(['1']);
    const jsonl = file('{"id":"1","name":"张三"}\n{"id":"2","name":"李四"}\n', 'jsonl');
    expect(() => readSource(jsonl, mapping)).toThrow(/birth/);
  });

  it('a malformed JSON line is rejected with its column, never the parser\'s quote of the line', () => {
    const jsonl = file('{"id":"1","name":"张三","birth":"1990-01-01"}\n{"id":"2","name":"620102198805051234","birth":undefined}\n{"id":"3","name":"李四","birth":"1990-01-02"}\n', 'jsonl');
    const r = readSource(jsonl, mapping);
    expect(r.records.map((x) => x.recordId)).toEqual(['1', '3']);
    expect(r.rejects).toHaveLength(1);
    expect(r.rejects[0]).toMatchObject({ line: 2, code: 'ONEMAP_ERR_BAD_JSON' });
    expect(r.rejects[0]?.reason).toMatch(/^not valid JSON/);
    expect(JSON.stringify(r.rejects[0])).not.toMatch(/1234|undefined/);
  });

  it('one stray quote in 10,000 rows rejects its own line with the reason, and the other 9,999 go in', () => {
    const lines = ['id,name,birth'];
    for (let i = 1; i <= 10_000; i++) lines.push(i === 4_321 ? `${i},"张${i},1990-01-01` : `${i},张${i},1990-01-01`);
    const r = readSource(file(`${lines.join('\n')}\n`), mapping);
    expect(r.records).toHaveLength(9_999);
    expect(r.records.some((x) => x.recordId === '4321')).toBe(false);
    expect(r.records.at(-1)?.recordId).toBe('10000');
    expect(r.rejects).toEqual([
      expect.objectContaining({ line: 4_322, code: 'ONEMAP_ERR_UNTERMINATED_QUOTE', reason: expect.stringMatching(/not closed/) }),
    ]);
  });

  it('a JSON line whose mapped column holds an object or a list is rejected naming the column; unmapped ones pass', () => {
    const jsonl = file(
      [
        '{"id":"1","name":"张三","extra":{"a":1}}',
        '{"id":"2","name":{"family":"李","given":"四"}}',
        '{"id":"3","name":"王五","birth":["1990-01-02"]}',
        '{"id":"4","name":"赵六","birth":"1991-02-03"}',
      ].join('\n'),
      'jsonl',
    );
    const r = readSource(jsonl, mapping);
    expect(r.records.map((x) => x.recordId)).toEqual(['1', '4']);
    expect(r.rejects.map((x) => [x.line, x.code, x.field])).toEqual([
      [2, 'ONEMAP_ERR_BAD_VALUE', 'name'],
      [3, 'ONEMAP_ERR_BAD_VALUE', 'birth'],
    ]);
    expect(r.rejects[0]?.reason).toMatch(/object or list/);
  });
});
