import fs from 'node:fs';
import path from 'node:path';
import { StringDecoder } from 'node:string_decoder';

/** Bytes read or gathered before one system call. */
const BLOCK = 4 << 20;

/**
 * An append-only file of JSON values, one a line, written in 4 MiB blocks: what a bulk load's
 * first pass resolved, kept on disk instead of in memory until every mention's entity is final
 * (a record's rows name entities that later records may merge).
 */
export class SpillWriter {
  private readonly fd: number;
  private parts: string[] = [];
  private size = 0;
  count = 0;

  constructor(readonly file: string) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    this.fd = fs.openSync(file, 'w');
  }

  /** Appends one value (anything JSON.stringify keeps: undefined properties are dropped). */
  write(value: unknown) {
    this.writeLine(JSON.stringify(value));
  }

  /** Appends one line (it holds no newline). */
  writeLine(text: string) {
    const line = `${text}\n`;
    this.parts.push(line);
    this.size += line.length;
    this.count++;
    if (this.size >= BLOCK) this.flush();
  }

  private flush() {
    if (this.parts.length) fs.writeSync(this.fd, this.parts.join(''));
    this.parts = [];
    this.size = 0;
  }

  close() {
    this.flush();
    fs.closeSync(this.fd);
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
