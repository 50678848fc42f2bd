import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readSpillLineBytes, SpillWriter } from './bulk-spill.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'onemap-spill-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Every line read back, each copied as it is read (a line is a view into the read block). */
const readBack = (file: string) => Array.from(readSpillLineBytes(file), (l) => l.toString('utf8'));

describe('bulk spill: lines written and read back as bytes', () => {
  it('reads back every line as written: across the 4 MiB blocks, longer than a block, multi-byte characters cut by a block', () => {
    const file = path.join(dir, 'lines.jsonl');
    const out = new SpillWriter(file);
    const lines: string[] = [];
    // ~9 MiB of lines of varied length, Hanzi (3 bytes each) among them, so block ends fall inside characters
    for (let i = 0; lines.length < 40_000; i++)
      lines.push(`${i}\t{"name":"${'张伟'.repeat(i % 97)}","n":${i}}\t${'x'.repeat((i * 7919) % 211)}`);
    // lines longer than a block (of the writer and of the reader), one of them the last before short ones again
    lines.splice(17_000, 0, `big\t${'甲'.repeat(2_000_000)}`);
    lines.splice(30_000, 0, `bigger\t${'a'.repeat(9 << 20)}`);
    for (const l of lines) out.writeLine(l);
    out.close();
    const back = readBack(file);
    expect(back.length).toBe(lines.length);
    for (let i = 0; i < lines.length; i++) if (back[i] !== lines[i]) expect(back[i], `line ${i}`).toBe(lines[i]);
  });

  it('reads a last line without its newline, and no empty lines', () => {
    const file = path.join(dir, 'tail.jsonl');
    fs.writeFileSync(file, 'a\n\nb\t甲\nlast');
    expect(readBack(file)).toEqual(['a', 'b\t甲', 'last']);
    fs.writeFileSync(path.join(dir, 'empty.jsonl'), '');
    expect(readBack(path.join(dir, 'empty.jsonl'))).toEqual([]);
  });
});
