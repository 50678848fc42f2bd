import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { placeFactsOf } from '@onemap/graph-schema';
import { CSV_QUOTE, CsvFile, writeImportCsv } from './bulk-import-csv.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'onemap-csv-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** The format neo4j-admin import reads, spelled out one cell at a time (the reference). */
function expected(header: string[], rows: unknown[][]): string {
  const cell = (v: unknown): string => {
    if (v === null || v === undefined) return '';
    if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
    if (typeof v === 'boolean') return String(v);
    if (Array.isArray(v) && !v.length) return '';
    const s = Array.isArray(v) ? v.join(';') : String(v);
    return `${CSV_QUOTE}${s.replaceAll(CSV_QUOTE, CSV_QUOTE + CSV_QUOTE)}${CSV_QUOTE}`;
  };
  return `${header.join(',')}\n${rows.map((r) => `${r.map(cell).join(',')}\n`).join('')}`;
}

function written(name: string, header: string[], rows: unknown[][]): { text: string; file: CsvFile } {
  const file = new CsvFile(path.join(dir, name), header);
  for (const r of rows) file.row(r);
  file.close();
  return { text: fs.readFileSync(file.file, 'utf8'), file };
}

describe('CsvFile', () => {
  it('writes every kind of cell as the import reads it: JSON as it is, the quote character doubled, lists joined, empty and missing as nothing', () => {
    const header = ['id:ID', 'name', 'n:double', 'ok:boolean', 'tags:string[]'];
    const rows = [
      ['p1', '张三', 1.5, true, ['a', 'b']],
      ['p2', 'say "hi"', Number.NaN, false, []],
      ['p3', null, undefined, null, ['只']],
      ['p4', '', 0, true, null],
      ['p5', '𠀀 surrogate pair, 中文 and émigré', -3, false, ['"q"']],
      ['p6', `the quote itself: ${CSV_QUOTE}, twice ${CSV_QUOTE}${CSV_QUOTE}`, 2, true, [`a${CSV_QUOTE}`]],
      ['p7', '{"kind":"Person","value":"x, \\"y\\""}', 0, false, null],
    ];
    const { text, file } = written('kinds.csv', header, rows);
    expect(text).toBe(expected(header, rows));
    // a JSON cell is written as it is: its double quotes are not the CSV's
    expect(text).toContain(`${CSV_QUOTE}{"kind":"Person","value":"x, \\"y\\""}${CSV_QUOTE}`);
    expect(file.rows).toBe(rows.length);
    expect(file.multiline).toBe(false);
  });

  it('notices a value that spans lines (the import then needs --multiline-fields)', () => {
    const { text, file } = written('multi.csv', ['id:ID', 'raw'], [['r1', 'line one\nline two']]);
    expect(text).toBe(expected(['id:ID', 'raw'], [['r1', 'line one\nline two']]));
    expect(file.multiline).toBe(true);
  });

  it('writes a cell given as UTF-8 bytes (a spilled JSON cell) as the string they encode, quote and line breaks included, across blocks', () => {
    const header = ['id:ID', 'attrs', 'mentions'];
    const values = [
      '{"guest":{"name":"张三","note":"x, \\"y\\""}}',
      '',
      '𠀀 surrogate pair, 中文 and émigré',
      `the quote itself: ${CSV_QUOTE}, twice ${CSV_QUOTE}${CSV_QUOTE}`,
      '大'.repeat(2_000_000),
      ...Array.from({ length: 20_000 }, (_, i) => `{"i":${i},"姓名":"${'甲'.repeat(i % 53)}"}`),
    ];
    const rows = values.map((v, i) => [`r${i}`, v, `${v}!`]);
    const asBytes = values.map((v, i) => [`r${i}`, Buffer.from(v), Buffer.from(`${v}!`)]);
    const strings = written('cells-strings.csv', header, rows);
    const bytes = written('cells-bytes.csv', header, asBytes);
    expect(bytes.text).toBe(strings.text);
    expect(bytes.text).toBe(expected(header, rows));
    expect(bytes.file.multiline).toBe(false);
    // a view into a larger buffer (as a spill line's cell is) writes only its own bytes
    const line = Buffer.from('before\t{"a":"中"}\tafter');
    const multi = written('cells-view.csv', ['id:ID', 'attrs', 'raw'], [['v', line.subarray(7, 18), Buffer.from('one\ntwo')]]);
    expect(multi.text).toBe(expected(['id:ID', 'attrs', 'raw'], [['v', '{"a":"中"}', 'one\ntwo']]));
    expect(multi.file.multiline).toBe(true);
  });

  it('is byte for byte the reference across many blocks, with multi-byte text on block edges and a cell larger than a block', () => {
    const rows: unknown[][] = [];
    for (let i = 0; i < 60_000; i++)
      rows.push([`rid-${i}`, `姓名${i}“引号”"q"`, i * 0.25, i % 2 === 0, [`s${i % 7}`, '来源']]);
    rows.splice(30_000, 0, ['big', '大'.repeat(2_000_000), 1, true, []]);
    const header = ['rid:ID', 'name', 'n:double', 'b:boolean', 'src:string[]'];
    const { text, file } = written('blocks.csv', header, rows);
    expect(Buffer.byteLength(text)).toBeGreaterThan(2 * (4 << 20));
    expect(text).toBe(expected(header, rows));
    expect(file.rows).toBe(rows.length);
  });
});

describe('writeImportCsv', () => {
  it("writes each place's facts (roles per source, sources that mention home) as a recount of its records says, and none on other entities", () => {
    const rec = (rid: string, source: string, attrs: string, resolved: { eid: string; role: string }[]) => ({
      rid, source, recordId: rid, receivedAt: '2026-10-01T00:00:00Z', hash: rid, file: 'f', line: 1, batchId: 'b', attrs, mentions: '{}', flags: [],
      resolved: resolved.map((r) => ({ ...r, score: 1, decision: 'new' })),
    });
    const entity = (eid: string, kind: 'Place' | 'Person') => ({ eid, kind, props: { name: eid }, provenance: '{}', searchText: eid, lon: null, lat: null });
    const records = [
      rec('hotel:1', 'hotel', '{"hotel":{"name":"a"}}', [{ eid: 'P1', role: 'guest' }, { eid: 'L1', role: 'hotel' }]),
      rec('household:2', 'household', '{"home":{"placeKind":"home"}}', [{ eid: 'P1', role: 'person' }, { eid: 'L1', role: 'home' }]),
      rec('netcafe:3', 'netcafe', '{"place":{"name":"b"}}', [{ eid: 'L2', role: 'place' }]),
    ];
    const out = path.join(dir, 'import');
    const files = writeImportCsv({ entities: [entity('L1', 'Place'), entity('L2', 'Place'), entity('P1', 'Person')], identifiers: [], records, relations: [], visits: [], batches: [], seq: 1, loadedAt: '2026-10-01T00:00:00Z' }, out);
    const lines = fs.readFileSync(files.nodes.find((f) => f.endsWith('nodes-Place.csv')) as string, 'utf8').trim().split('\n');
    const header = (lines[0] as string).split(',');
    const col = (line: string, name: string) => line.split(',')[header.indexOf(name)];
    const q = (v: string) => `${CSV_QUOTE}${v}${CSV_QUOTE}`;
    const l1 = lines.find((l) => l.startsWith(q('L1'))) as string;
    const f1 = placeFactsOf([{ source: 'hotel', role: 'hotel', attrs: records[0]?.attrs }, { source: 'household', role: 'home', attrs: records[1]?.attrs }]);
    expect(col(l1, 'recordRoles:string[]')).toBe(q(f1.recordRoles.join(';')));
    expect(col(l1, 'homeSources:string[]')).toBe(q('household'));
    const l2 = lines.find((l) => l.startsWith(q('L2'))) as string;
    expect(col(l2, 'recordRoles:string[]')).toBe(q('netcafe:place'));
    expect(col(l2, 'homeSources:string[]')).toBe('');
    const persons = fs.readFileSync(files.nodes.find((f) => f.endsWith('nodes-Person.csv')) as string, 'utf8');
    expect(persons.split('\n')[0]).not.toContain('recordRoles');
  });
});
