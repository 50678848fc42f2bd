import fs from 'node:fs';
import path from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { BlockFile, FILE_BLOCK } from '../intake/block-file.ts';

/** Bytes read or gathered before one system call. */
const BLOCK = 4 << 20;

/**
 * An append-only file of JSON values, one a line, written in 4 MiB blocks by the writer thread
 * (`BlockFile`): what a bulk load's first pass resolved, kept on disk instead of in memory until
 * every mention's entity is final (a record's rows name entities that later records may merge).
 */
export class SpillWriter {
  private readonly out: BlockFile;
  count = 0;

  constructor(readonly file: string) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    this.out = new BlockFile(file);
  }

  /** Appends one value (anything JSON.stringify keeps: undefined properties are dropped). */
  write(value: unknown) {
    this.writeLine(JSON.stringify(value));
  }

  /** Appends one line (it holds no newline). */
  writeLine(text: string) {
    const out = this.out;
    this.count++;
    // at most 3 bytes per UTF-16 unit, and the newline
    if (out.pos + text.length * 3 + 1 > FILE_BLOCK) {
      out.handOver();
      if (text.length * 3 + 1 > FILE_BLOCK) {
        out.write(Buffer.from(`${text}\n`, 'utf8'));
        return;
      }
    }
    out.pos += out.buf.write(text, out.pos, 'utf8');
    out.buf[out.pos++] = 0x0a;
  }

  close() {
    this.out.close();
  }
}

/**
 * The values of a spill file in the order they were written, read in 4 MiB blocks (a string never
 * holds a newline unescaped in JSON, so lines are values).
 * @example for (const v of readSpill(file)) use(v as [number, string]);
 */
export function* readSpill(file: string): Generator<unknown> {
  for (const l of readSpillLines(file)) yield JSON.parse(l);
}

/** The lines of a spill file in the order they were written (without their newlines), read in 4 MiB blocks. */
export function* readSpillLines(file: string): Generator<string> {
  const fd = fs.openSync(file, 'r');
  const buf = Buffer.allocUnsafe(BLOCK);
  const decoder = new StringDecoder('utf8');
  let rest = '';
  try {
    for (;;) {
      const n = fs.readSync(fd, buf, 0, BLOCK, null);
      const text = rest + (n ? decoder.write(buf.subarray(0, n)) : decoder.end());
      const lines = text.split('\n');
      rest = n ? lines.pop()! : '';
      for (const l of lines) if (l) yield l;
      if (!n) return;
    }
  } finally {
    fs.closeSync(fd);
  }
}
