/**
 * Buffered, hashed file writers. Every output file is written through one of these so
 * memory stays bounded (a buffer of ~64 KiB per open file) and the manifest can list a
 * sha256 per file without reading the files back.
 */
import { createHash, type Hash } from 'node:crypto';
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import iconv from 'iconv-lite';

const FLUSH_AT = 64 * 1024;

/** A text file written in chunks, encoded as UTF-8 or GBK. */
export class BufferedFile {
  private readonly fd: number;
  private readonly hash: Hash = createHash('sha256');
  private parts: string[] = [];
  private size = 0;
  /** Lines written. */
  lines = 0;
  /** Bytes written so far. */
  bytes = 0;

  constructor(
    readonly path: string,
    private readonly encoding: 'utf-8' | 'gbk' = 'utf-8',
  ) {
    mkdirSync(dirname(path), { recursive: true });
    this.fd = openSync(path, 'w');
  }

  /** Append one line (a newline is added). */
  writeLine(line: string): void {
    this.parts.push(line, '\n');
    this.size += line.length + 1;
    this.lines++;
    if (this.size >= FLUSH_AT) this.flush();
  }

  private flush(): void {
    if (this.parts.length === 0) return;
    const text = this.parts.join('');
    const buf = this.encoding === 'gbk' ? iconv.encode(text, 'gbk') : Buffer.from(text, 'utf8');
    writeSync(this.fd, buf);
    this.hash.update(buf);
    this.bytes += buf.length;
    this.parts = [];
    this.size = 0;
  }

  /** Flush and close; returns the sha256 (hex) of the bytes written. */
  close(): string {
    this.flush();
    closeSync(this.fd);
    return this.hash.digest('hex');
  }
}

/** Quote a CSV value when it holds a delimiter, quote or newline (RFC 4180). */
export function csvValue(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One CSV line from values. */
export function csvLine(values: unknown[]): string {
  return values.map(csvValue).join(',');
}
