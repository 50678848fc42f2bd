/**
 * The one reader of source files: read a file (CSV or JSON lines, UTF-8 or GBK) and standardize
 * its rows with the source's mapping. File-level problems throw (unreadable file, a mapped column
 * missing from the header); row-level problems (wrong number of fields, bad JSON, a value the
 * mapping refuses) are rejects with file, line, field and code, and reading goes on.
 * The pipeline reads staged batches through it (`readBatch`), the CLI and benchmarks read files
 * and delivery directories through it (`loadSource`, `loadDirectory`).
 */
import { readFileSync } from 'node:fs';
import iconv from 'iconv-lite';
import { ResolverError } from '../errors.ts';
import type { CompiledMapping } from '../standardize/compile-mapping.ts';
import { standardizeRecord } from '../standardize/standardize-record.ts';
import type { FieldProblem, Mention, ProgressFn } from '../types.ts';
import { parseCsv } from './parse-csv.ts';
import { sha256 } from './staged-batch.ts';

/** Records between two progress calls. */
const PROGRESS_EVERY = 2_000;

/** One usable source record, standardized, with what provenance needs. */
export interface BatchRecord {
  /** `<source>:<recordId>` */
  rid: string;
  recordId: string;
  line: number;
  /** hash of the raw values: the same record delivered again changes nothing */
  hash: string;
  raw: Record<string, string | undefined>;
  record: Record<string, string>;
  mentions: Mention[];
  problems: FieldProblem[];
}

export interface ReadSourceOptions {
  format?: 'csv' | 'jsonl';
  encoding?: 'utf-8' | 'gbk';
  limit?: number;
  /** the file name rejects and problems report (default: the path read) */
  fileLabel?: string;
  /** reject a record id seen earlier in the file (the first is kept) instead of passing both on */
  rejectRepeatedIds?: boolean;
  /** called every few thousand records while standardizing */
  onProgress?: ProgressFn;
  /**
   * JSON lines pushed record by record: a mapped key no record carries is an empty value, not a
   * file-level mapping error, so the records are checked one by one (a required field missing is
   * that record's reject) and nothing else is lost.
   */
  absentKeysAreEmpty?: boolean;
  /**
   * hash each record's raw values (default true); a resolve-only read that writes no
   * provenance skips it (a SHA-256 per record is a tenth of the standardization time)
   */
  hashes?: boolean;
  /**
   * receive each record as it is standardized instead of in `records` (left empty): neither the
   * raw rows nor the records of the whole file are held at once
   */
  onRecord?: (record: BatchRecord) => void;
}

export interface ReadSourceResult {
  /** rows read: accepted and rejected */
  rows: number;
  records: BatchRecord[];
  /** rejected rows: one problem each */
  rejects: FieldProblem[];
  /** flagged values in accepted rows */
  flagged: FieldProblem[];
  readMs: number;
  standardizeMs: number;
}

/**
 * Reads and standardizes one source file with its compiled mapping, row by row as the file is
 * parsed (a raw row is released once standardized). The rejects of the reading (field count, bad
 * JSON) come first, then those of standardizing, each in file order.
 */
export function readSource(path: string, mapping: CompiledMapping, opts: ReadSourceOptions = {}): ReadSourceResult {
  const file = opts.fileLabel ?? path;
  const t0 = performance.now();
  let standardizeMs = 0;
  const records: BatchRecord[] = [];
  const stdRejects: FieldProblem[] = [];
  const flagged: FieldProblem[] = [];
  const seen = new Set<string>();
  const hashes = opts.hashes ?? true;
  const onRecord = opts.onRecord ?? ((r: BatchRecord) => void records.push(r));
  let done = 0;
  let total = 0;
  const standardizeRow = (row: RawRow) => {
    const t = performance.now();
    if (opts.onProgress && ++done % PROGRESS_EVERY === 0) opts.onProgress('standardize', done, total);
    const r = standardizeRecord(row.values, mapping, { source: mapping.source, file, line: row.line });
    if (!r.ok) stdRejects.push(r.rejection);
    else {
      const rid = `${mapping.source}:${r.recordId}`;
      if (opts.rejectRepeatedIds && seen.has(rid)) {
        stdRejects.push({
          source: mapping.source,
          file,
          line: row.line,
          recordId: r.recordId,
          field: mapping.recordIdColumn,
          code: 'ONEMAP_ERR_BAD_VALUE',
          reason: `record id ${r.recordId} appears twice in this batch; the first is kept`,
        });
      } else {
        if (opts.rejectRepeatedIds) seen.add(rid);
        for (const p of r.problems) flagged.push(p);
        onRecord({
          rid,
          recordId: r.recordId,
          line: row.line,
          hash: hashes ? sha256(JSON.stringify(row.values, Object.keys(row.values).sort())).slice(0, 32) : '',
          raw: row.values,
          record: r.record,
          mentions: r.mentions,
          problems: r.problems,
        });
      }
    }
    standardizeMs += performance.now() - t;
  };
  const read = readSourceFile(path, mapping, {
    ...(opts.format ? { format: opts.format } : {}),
    ...(opts.encoding ? { encoding: opts.encoding } : {}),
    ...(opts.limit !== undefined ? { limit: opts.limit } : {}),
    ...(opts.absentKeysAreEmpty ? { absentKeysAreEmpty: true } : {}),
    onRow: standardizeRow,
    ...(opts.onProgress ? { onText: (text: string) => (total = countLines(text)) } : {}),
  });
  const rejects = read.rejects.map((r) => (r.file === file ? r : { ...r, file }));
  for (const r of stdRejects) rejects.push(r);
  return {
    rows: read.rowCount + read.rejects.length,
    records,
    rejects,
    flagged,
    readMs: performance.now() - t0 - standardizeMs,
    standardizeMs,
  };
}

/** Lines of a text (an estimate of its rows for progress reports). */
function countLines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

export interface RawRow {
  line: number;
  values: Record<string, string | undefined>;
}

export interface ReadResult {
  /** the rows read (empty when they were passed to `onRow`) */
  rows: RawRow[];
  /** rows read (accepted by the reader) */
  rowCount: number;
  rejects: FieldProblem[];
  header: string[];
}

interface ReadFileOptions {
  format?: 'csv' | 'jsonl';
  encoding?: 'utf-8' | 'gbk';
  limit?: number;
  absentKeysAreEmpty?: boolean;
  /** receive each row as it is read instead of in `rows` */
  onRow?: (row: RawRow) => void;
  /** the decoded text, before the first row */
  onText?: (text: string) => void;
}

/** Decode bytes; invalid sequences become U+FFFD so the standardizer can flag the exact field. */
export function decodeText(buf: Buffer, encoding: 'utf-8' | 'gbk'): string {
  if (encoding === 'gbk') return iconv.decode(buf, 'gbk');
  return new TextDecoder('utf-8', { fatal: false }).decode(buf);
}

export function readSourceFile(
  path: string,
  mapping: CompiledMapping,
  opts: ReadFileOptions = {},
): ReadResult {
  let buf: Buffer;
  try {
    buf = readFileSync(path);
  } catch (e) {
    throw new ResolverError(
      'ONEMAP_ERR_FILE_UNREADABLE',
      { detail: (e as NodeJS.ErrnoException).code ?? (e as Error).message },
      { file: path },
    );
  }
  const text = decodeText(buf, opts.encoding ?? mapping.encoding);
  opts.onText?.(text);
  const format = opts.format ?? mapping.format ?? (/\.jsonl?$|\.ndjson$/i.test(path) ? 'jsonl' : 'csv');
  const rows: RawRow[] = [];
  const onRow = opts.onRow ?? ((row: RawRow) => void rows.push(row));
  const r =
    format === 'jsonl'
      ? readJsonl(text, path, mapping, onRow, opts.limit, opts.absentKeysAreEmpty)
      : readCsv(text, path, mapping, onRow, opts.limit);
  return { rows, ...r };
}

function readCsv(
  text: string,
  file: string,
  mapping: CompiledMapping,
  onRow: (row: RawRow) => void,
  limit = Number.POSITIVE_INFINITY,
): Omit<ReadResult, 'rows'> {
  let rowCount = 0;
  const rejects: FieldProblem[] = [];
  let header: string[] | undefined;
  parseCsv(text, mapping.delimiter, (fields, line) => {
    if (!header) {
      header = fields.map((f) => f.trim());
      const missing = mapping.columns.filter((c) => !header!.includes(c));
      if (missing.length) {
        throw new ResolverError(
          'ONEMAP_ERR_MISSING_COLUMN',
          { column: missing.join('", "') },
          { file, line, field: missing[0]! },
        );
      }
      return true;
    }
    if (fields.length !== header.length) {
      rejects.push({
        source: mapping.source,
        file,
        line,
        code: 'ONEMAP_ERR_FIELD_COUNT',
        reason: `row has ${fields.length} fields, header has ${header.length}`,
      });
      return true;
    }
    const values: Record<string, string | undefined> = {};
    for (let i = 0; i < header.length; i++) values[header[i]!] = fields[i];
    onRow({ line, values });
    return ++rowCount < limit;
  });
  if (!header) throw new ResolverError('ONEMAP_ERR_FILE_UNREADABLE', { detail: 'file is empty' }, { file });
  return { rowCount, rejects, header };
}

function readJsonl(
  text: string,
  file: string,
  mapping: CompiledMapping,
  onRow: (row: RawRow) => void,
  limit = Number.POSITIVE_INFINITY,
  absentKeysAreEmpty = false,
): Omit<ReadResult, 'rows'> {
  let rowCount = 0;
  const rejects: FieldProblem[] = [];
  const keys = new Set<string>();
  let line = 0;
  let pos = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  while (pos < text.length && rowCount < limit) {
    let nl = text.indexOf('\n', pos);
    if (nl < 0) nl = text.length;
    const s = text.slice(pos, nl).trim();
    pos = nl + 1;
    line++;
    if (!s) continue;
    let obj: unknown;
    try {
      obj = JSON.parse(s);
    } catch (e) {
      rejects.push({ source: mapping.source, file, line, code: 'ONEMAP_ERR_BAD_JSON', reason: (e as Error).message });
      continue;
    }
    if (!obj || typeof obj !== 'object' || Array.isArray(obj)) {
      rejects.push({ source: mapping.source, file, line, code: 'ONEMAP_ERR_BAD_JSON', reason: 'not an object' });
      continue;
    }
    const values: Record<string, string | undefined> = {};
    for (const [k, v] of Object.entries(obj as Record<string, unknown>)) {
      keys.add(k);
      if (v === null || v === undefined) continue;
      values[k] = typeof v === 'object' ? JSON.stringify(v) : String(v);
    }
    onRow({ line, values });
    rowCount++;
  }
  // JSON lines have no header: a mapped column that no line carries is a mapping error.
  const missing = rowCount && !absentKeysAreEmpty ? mapping.columns.filter((c) => !keys.has(c)) : [];
  if (missing.length)
    throw new ResolverError(
      'ONEMAP_ERR_MISSING_COLUMN',
      { column: missing.join('", "') },
      { file, field: missing[0]! },
    );
  return { rowCount, rejects, header: [...keys] };
}
