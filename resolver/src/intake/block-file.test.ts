import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BlockFile, FILE_BLOCK } from './block-file.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'block-file-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Bytes as a caller writes them: some through `buf`/`pos` a byte at a time, some through `write`. */
function fill(f: BlockFile, bytes: Buffer, byByte: boolean) {
  if (!byByte) return f.write(bytes);
  for (const b of bytes) {
    if (f.pos === FILE_BLOCK) f.handOver();
    f.buf[f.pos++] = b;
  }
}

describe('BlockFile: blocks written by the writer thread', () => {
  it('writes every byte in order, across blocks, for several files filled in turn', () => {
    const files = ['a', 'b', 'c'].map((n) => path.join(dir, n));
    const out = files.map((f) => new BlockFile(f));
    const expected = files.map(() => [] as Buffer[]);
    // pieces of every size: a byte, a block's worth and more, written alternately to each file
    const sizes = [1, 7, FILE_BLOCK - 3, 5, FILE_BLOCK + 11, 4096, 2 * FILE_BLOCK + 1, 13];
    sizes.forEach((n, i) => {
      for (let k = 0; k < out.length; k++) {
        const bytes = crypto.randomBytes(n);
        fill(out[k] as BlockFile, bytes, n < 10_000);
        expected[k]?.push(bytes);
      }
      if (i === 3) for (const f of out) f.handOver();
    });
    for (const f of out) f.close();
    files.forEach((f, k) => expect(fs.readFileSync(f).equals(Buffer.concat(expected[k] as Buffer[])), f).toBe(true));
  });

  it('an empty file, and closing twice, are fine', () => {
    const f = path.join(dir, 'empty');
    const out = new BlockFile(f);
    out.close();
    out.close();
    expect(fs.statSync(f).size).toBe(0);
  });

  it('a path that cannot be opened fails at once, where the file is made', () => {
    expect(() => new BlockFile(path.join(dir, 'no-such-dir', 'x'))).toThrow(/ENOENT/);
  });

  it('a write that fails is thrown by the next call, naming the file and the reason', () => {
    // every write to /dev/full fails with ENOSPC
    const out = new BlockFile('/dev/full');
    out.write(crypto.randomBytes(FILE_BLOCK + 1));
    expect(() => out.write(crypto.randomBytes(3 * FILE_BLOCK))).toThrow(/writing \/dev\/full: .*ENOSPC/);
    // closing waits for the blocks in flight, closes the descriptor and says it failed; once
    expect(() => out.close()).toThrow(/ENOSPC/);
    expect(() => out.close()).not.toThrow();
  });
});
