import fs from 'node:fs';
import path from 'node:path';
import { BlockFile, FILE_BLOCK } from '../intake/block-file.ts';

/** Bytes read or gathered before one system call. */
const BLOCK = 4 << 20;
const NEWLINE = 0x0a;

/**
 * An append-only file of lines (a record each: `bulk-spill-record.ts`), written in 4 MiB blocks by
 * the writer thread (`BlockFile`): what a bulk load's first pass resolved, kept on disk instead of
 * in memory until every mention's entity is final (a record's rows name entities that later
 * records may merge). Read back by `readSpillLineBytes`.
 */
export class SpillWriter {
  private readonly out: BlockFile;
  count = 0;

  constructor(readonly file: string) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    this.out = new BlockFile(file);
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
 * The lines of a spill file in the order they were written, as bytes without their newlines, read
 * in 4 MiB blocks: a line is a view into the block, valid until the next line is asked for (use it
 * or copy it first). The second pass copies a record's JSON cells from it into the CSV as they are
 * (`CsvFile`), so most of a line is never decoded into a string.
 */
export function* readSpillLineBytes(file: string): Generator<Buffer> {
  const fd = fs.openSync(file, 'r');
  let buf = Buffer.allocUnsafe(BLOCK);
  // the bytes read and not yet handed out: [start, end)
  let start = 0;
  let end = 0;
  try {
    for (;;) {
      const read = buf.subarray(0, end);
      for (let nl = read.indexOf(NEWLINE, start); nl >= 0; nl = read.indexOf(NEWLINE, start)) {
        if (nl > start) yield read.subarray(start, nl);
        start = nl + 1;
      }
      // the start of the next line to the front (a line longer than the buffer: a bigger one)
      const rest = end - start;
      if (rest === buf.length) {
        const bigger = Buffer.allocUnsafe(buf.length * 2);
        buf.copy(bigger, 0, start, end);
        buf = bigger;
      } else if (rest && start) buf.copy(buf, 0, start, end);
      start = 0;
      end = rest;
      const n = fs.readSync(fd, buf, end, buf.length - end, null);
      if (!n) {
        if (end) yield buf.subarray(0, end);
        return;
      }
      end += n;
    }
  } finally {
    fs.closeSync(fd);
  }
}
