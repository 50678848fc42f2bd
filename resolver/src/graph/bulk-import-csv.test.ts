import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CsvFile } from './bulk-import-csv.ts';

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
    return `"${s.replaceAll('"', '""')}"`;
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
  it('writes every kind of cell as the import reads it: quotes doubled, lists joined, empty and missing as nothing', () => {
    const header = ['id:ID', 'name', 'n:double', 'ok:boolean', 'tags:string[]'];
    const rows = [
      ['p1', '张三', 1.5, true, ['a', 'b']],
      ['p2', 'say "hi"', Number.NaN, false, []],
      ['p3', null, undefined, null, ['只']],
      ['p4', '', 0, true, null],
      ['p5', '𠀀 surrogate pair, 中文 and émigré', -3, false, ['"q"']],
    ];
    const { text, file } = written('kinds.csv', header, rows);
    expect(text).toBe(expected(header, rows));
    expect(file.rows).toBe(rows.length);
    expect(file.multiline).toBe(false);
  });

  it('notices a value that spans lines (the import then needs --multiline-fields)', () => {
    const { text, file } = written('multi.csv', ['id:ID', 'raw'], [['r1', 'line one\nline two']]);
    expect(text).toBe(expected(['id:ID', 'raw'], [['r1', 'line one\nline two']]));
    expect(file.multiline).toBe(true);
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
