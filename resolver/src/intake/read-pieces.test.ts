import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { compileMapping } from '../standardize/compile-mapping.ts';
import { CsvPieces, MAX_OPEN_QUOTE_CHARS, parseCsv } from './parse-csv.ts';
import { decodeText, READ_CHUNK_BYTES, readSourceFile, readTextPieces } from './read-source.ts';

function file(bytes: Buffer | string, ext = 'csv') {
  const f = join(mkdtempSync(join(tmpdir(), 'read-pieces-')), `2024-01-01.${ext}`);
  writeFileSync(f, bytes);
  return f;
}

const rowsOf = (text: string) => {
  const out: Array<[number, string[]]> = [];
  parseCsv(text, ',', (f, line, fault) => void out.push([line, fault ? [fault] : f]));
  return out;
};

/** `rowsOf` with the text cut in three at every pair of places (every third second cut). */
function expectSameRowsCut(text: string, whole: Array<[number, string[]]>) {
  for (let a = 0; a <= text.length; a++)
    for (let b = a; b <= text.length; b += 3) {
      const got: Array<[number, string[]]> = [];
      const csv = new CsvPieces(',', (f, line, fault) => void got.push([line, fault ? [fault] : f]));
      for (const p of [text.slice(0, a), text.slice(a, b), text.slice(b)]) csv.push(p);
      csv.end();
      expect(got, `cut at ${a}, ${b}`).toEqual(whole);
    }
}

// quoted fields over lines, doubled quotes, CRLF and CR line ends, blank lines, multi-byte
// characters (3 bytes in UTF-8, 2 in GBK, 4 for the emoji), a BOM, stray quotes, no final newline
const tricky =
  '\ufeffid,name,note\r\n1,张三,"第一行\n第二行"\r\n2,"李""四",x"y\r\r\n\n3,王五,😀😀\n4,"赵\r\n六",""\n5,,end';

describe('a file read and parsed in pieces', () => {
  it('gives the whole text, whatever the read size cuts (UTF-8, GBK, invalid bytes)', () => {
    const utf8 = Buffer.concat([Buffer.from(tricky), Buffer.from([0xe5, 0x0a, 0xff, 0x41])]);
    const gbk = Buffer.concat([iconv.encode(tricky.replaceAll('😀', '中'), 'gbk'), Buffer.from([0x81, 0x0a, 0x41])]);
    for (const [bytes, enc] of [
      [utf8, 'utf-8'],
      [gbk, 'gbk'],
    ] as const) {
      const f = file(bytes);
      const whole = decodeText(bytes, enc);
      for (let size = 1; size <= 9; size++) expect([...readTextPieces(f, enc, size)].join(''), `${enc} ${size}`).toBe(whole);
    }
  });

  it('decodes a catalog gbk file as GB18030: a four-byte character is read whole, whatever the read size cuts', () => {
    const text = 'id,name\n1,张𠀀伟\n2,阿依古丽·吐尔逊\n';
    const bytes = iconv.encode(text, 'gb18030');
    expect(decodeText(bytes, 'gbk')).toBe(text);
    const f = file(bytes);
    for (let size = 1; size <= 9; size++) expect([...readTextPieces(f, 'gbk', size)].join(''), `${size}`).toBe(text);
  });

  it('gives the rows and lines of the whole text, the text cut at every place', () => {
    const whole = rowsOf(tricky);
    expect(whole.map(([line, f]) => [line, f[0]])).toEqual([
      [1, 'id'],
      [2, '1'],
      [4, '2'],
      [7, '3'],
      [8, '4'],
      [10, '5'],
    ]);
    expectSameRowsCut(tricky, whole);
  });

  it('rejects the line of a quote that never closes and reads every line after it, the text cut anywhere', () => {
    const text = 'id,name,note\n1,张三,"open\n2,李四,x\n3,"王\n五",y\n4,赵六,z';
    const whole = rowsOf(text);
    expect(whole).toEqual([
      [1, ['id', 'name', 'note']],
      [2, ['unterminated_quote']],
      [3, ['2', '李四', 'x']],
      // a quote that closes on a later line in a row of the header's shape is a field over lines
      [4, ['3', '王\n五', 'y']],
      [6, ['4', '赵六', 'z']],
    ]);
    expectSameRowsCut(text, whole);
    // the same at the very end of the text
    expect(rowsOf('id,name\n1,"a')).toEqual([
      [1, ['id', 'name']],
      [2, ['unterminated_quote']],
    ]);
  });

  it('rejects the line of a quote closed lines later by the quote of another field, and reads the lines it took', () => {
    // line 2 opens a quote; the next quote is the one line 3 opens: one row of the header's shape
    // but with characters after its closing quote, and another whose shape is wrong
    const text = 'id,name,note\r\n1,"a,x\r\n2,"b",y\r\n3,c,d\r\n4,"e\r\n5,f,"g"\r\n6,h,i\r\n';
    const whole = rowsOf(text);
    expect(whole).toEqual([
      [1, ['id', 'name', 'note']],
      [2, ['unterminated_quote']],
      [3, ['2', 'b', 'y']],
      [4, ['3', 'c', 'd']],
      [5, ['unterminated_quote']],
      [6, ['5', 'f', 'g']],
      [7, ['6', 'h', 'i']],
    ]);
    expectSameRowsCut(text, whole);
  });

  it('does not hold the rest of a stream behind an unclosed quote: its rows come before the end', () => {
    const got: Array<[number, string]> = [];
    const csv = new CsvPieces(',', (f, line, fault) => void got.push([line, fault ?? f[0]!]));
    csv.push('id,name\n1,"open\n');
    const row = 'x,abcdefghijklmnopqrstuvwxyz0123456789\n';
    const rows = Math.ceil((MAX_OPEN_QUOTE_CHARS * 1.5) / row.length);
    // in reads of 64 KiB (a file is read in reads of `READ_CHUNK_BYTES`)
    const perRead = Math.floor(65_536 / row.length);
    for (let i = 0; i < rows; i += perRead) csv.push(row.repeat(Math.min(perRead, rows - i)));
    // before `end`: the open quote was given up once the cap passed, the rows after it read
    expect(got[1]).toEqual([2, 'unterminated_quote']);
    expect(got.length).toBeGreaterThan(rows / 2);
    csv.end();
    expect(got.length).toBe(rows + 2);
    expect(got.at(-1)).toEqual([rows + 2, 'x']);
  });

  it('stops when asked and holds back nothing it was told to stop before', () => {
    const got: string[] = [];
    const csv = new CsvPieces(',', (f) => got.push(f[0]!) < 2);
    expect(csv.push('a,1\nb,2\nc,3\n')).toBe(false);
    csv.end();
    expect(got).toEqual(['a', 'b']);
  });

  it('reads a file larger than a read (GBK rows across reads, JSON lines too) as the whole text parses', () => {
    const mapping = compileMapping(
      {
        id: 'hotel',
        recordIdColumn: 'id',
        entities: [{ role: 'guest', kind: 'Person' }],
        fields: [
          { column: 'id', target: null, meaning: 'record id', sensitivity: 1 },
          { column: 'name', target: 'guest.name', meaning: 'guest name', sensitivity: 2 },
        ],
      },
      'hotel',
    );
    const lines = ['id,name'];
    // about 1.7 reads of rows of different byte lengths: rows cut at many different places
    for (let i = 0, chars = 0; chars < READ_CHUNK_BYTES * 1.5; i++) {
      lines.push(`${i},"${'张王李赵'.slice(0, 1 + (i % 4))}\n${'x'.repeat(i % 7)}"`);
      chars += lines.at(-1)!.length + 1;
    }
    const text = `${lines.join('\n')}\n`;
    const f = file(iconv.encode(text, 'gbk'));
    const r = readSourceFile(f, { ...mapping, encoding: 'gbk' });
    const want = rowsOf(text)
      .slice(1)
      .map(([line, v]) => `${line} ${v[0]} ${v[1]}`);
    // (compared as one text: a mismatch prints a short diff)
    expect(r.rows.map((x) => `${x.line} ${x.values.id} ${x.values.name}`).join('\n')).toBe(want.join('\n'));
    expect(r.rows.length).toBeGreaterThan(50_000);
    const jsonl = lines.slice(1).map((l, i) => JSON.stringify({ id: String(i), name: l }));
    const j = readSourceFile(file(`${jsonl.join('\n')}\n`, 'jsonl'), mapping);
    expect(j.rows.map((x) => x.values.name).join('|')).toBe(lines.slice(1).join('|'));
    expect(j.rows.at(-1)!.line).toBe(jsonl.length);
  });
});
