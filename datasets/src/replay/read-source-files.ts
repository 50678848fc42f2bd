/**
 * Reads a source's daily files back as plain objects (column → string), decoding GBK
 * where the catalog says so. Duplicate deliveries (`*.redelivered.*`) are skipped
 * unless asked for.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SourceCatalogEntry } from '@onemap/graph-schema';
import iconv from 'iconv-lite';

/** Split one CSV line (RFC 4180 quoting, no embedded newlines). */
export function parseCsvLine(line: string, delimiter = ','): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i] as string;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === delimiter) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

/** The daily files of a source in date order. */
export function listSourceFiles(dir: string, entry: SourceCatalogEntry, includeRedelivered = false): string[] {
  return readdirSync(join(dir, entry.id))
    .filter((f) => f.endsWith(`.${entry.file.format}`) && (includeRedelivered || !f.includes('.redelivered.')))
    .sort()
    .map((f) => join(dir, entry.id, f));
}

/**
 * Parse one source file into row objects.
 * @param path a `<date>.csv` or `<date>.jsonl` file of the source
 * @param entry the source's catalog entry (format, encoding, delimiter)
 */
export function readSourceFile(path: string, entry: SourceCatalogEntry): Record<string, unknown>[] {
  const buf = readFileSync(path);
  const text = entry.file.encoding === 'gbk' ? iconv.decode(buf, 'gbk') : buf.toString('utf8');
  const lines = text.split('\n').filter((l) => l.length > 0);
  if (entry.file.format === 'jsonl') return lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  const [header, ...rows] = lines;
  const cols = parseCsvLine(header ?? '', entry.file.delimiter);
  return rows.map((l) => {
    const values = parseCsvLine(l, entry.file.delimiter);
    return Object.fromEntries(cols.map((c, i) => [c, values[i] ?? '']));
  });
}
