/**
 * The one reader of source files: read a file (CSV or JSON lines, UTF-8 or GBK) and standardize
 * its rows with the source's mapping. File-level problems throw (unreadable file, a mapped column
 * missing from the header); row-level problems (wrong number of fields, bad JSON, a value the
 * mapping refuses) are rejects with file, line, field and code, and reading goes on.
 * The pipeline reads staged batches through it (`readBatch`), the CLI and benchmarks read files
 * and delivery directories through it (`loadSource`, `loadDirectory`).
 */
import { closeSync, openSync, readSync } from 'node:fs';
import iconv from 'iconv-lite';
import { formatMessage, ResolverError } from '../errors.ts';
import type { CompiledMapping } from '../standardize/compile-mapping.ts';
import { standardizeRecord } from '../standardize/standardize-record.ts';
import type { FieldProblem, Mention, ProgressFn } from '../types.ts';
import { CsvPieces } from './parse-csv.ts';
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
    ...(opts.onProgress ? { onLineCount: (n: number) => (total = n) } : {}),
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
  /** the file's line count (`\n`s), before the first row: a progress total (costs a second read) */
  onLineCount?: (lines: number) => void;
}

/** Decode bytes; invalid sequences become U+FFFD so the standardizer can flag the exact field. */
/**
 * The decoder of a catalog's `gbk`: GB18030, its superset (the national standard, and what Chinese
 * government systems write): the same for every GBK byte, and its four-byte sequences (rare name
 * characters, Tibetan, Uyghur and Mongolian script) decode instead of becoming U+FFFD and a
 * rejected record. No byte of a four-byte sequence is a line end, so a file still cuts at `\n`.
 */
const GBK_DECODER = 'gb18030';

export function decodeText(buf: Buffer, encoding: 'utf-8' | 'gbk'): string {
  if (encoding === 'gbk') return iconv.decode(buf, GBK_DECODER);
  return new TextDecoder('utf-8', { fatal: false }).decode(buf);
}

/** Bytes read at a time: a file is never held whole (the household file at 1M records is 77 MB). */
export const READ_CHUNK_BYTES = 1 << 20;

/**
 * A file's text, decoded piece by piece as it is read: the pieces joined are `decodeText` of the
 * whole file (a character cut between two reads is decoded whole, in the later piece; GBK is
 * decoded a line end at a time). A GBK file without line ends is decoded whole at its end.
 * @throws ResolverError `ONEMAP_ERR_FILE_UNREADABLE`
 */
export function* readTextPieces(
  path: string,
  encoding: 'utf-8' | 'gbk',
  chunkBytes = READ_CHUNK_BYTES,
): Generator<string, void, undefined> {
  const fd = openOrThrow(path);
  try {
    const utf8 = encoding === 'gbk' ? undefined : new TextDecoder('utf-8', { fatal: false });
    // GBK: each piece cut just after a line end and decoded alone (no GBK character holds 0x0A,
    // and the decoder starts afresh after one, also after an invalid byte before it)
    let carry: Buffer | undefined;
    let first = true;
    const gbk = (bytes: Buffer) => {
      const s = iconv.decode(bytes, GBK_DECODER, { stripBOM: first });
      first = false;
      return s;
    };
    for (;;) {
      const buf = Buffer.allocUnsafe(chunkBytes);
      const n = readOrThrow(fd, buf, path);
      if (n === 0) break;
      let text: string;
      if (utf8) text = utf8.decode(buf.subarray(0, n), { stream: true });
      else {
        const bytes = carry ? Buffer.concat([carry, buf.subarray(0, n)]) : buf.subarray(0, n);
        const cut = bytes.lastIndexOf(10) + 1;
        text = cut > 0 ? gbk(bytes.subarray(0, cut)) : '';
        carry = cut < bytes.length ? Buffer.from(bytes.subarray(cut)) : undefined;
      }
      if (text) yield text;
    }
    const rest = utf8 ? utf8.decode() : carry ? gbk(carry) : '';
    if (rest) yield rest;
  } finally {
    closeSync(fd);
  }
}

/** `\n` bytes of a file, read in chunks (the same count in UTF-8 and GBK: no multi-byte character holds 0x0A). */
function countNewlines(path: string): number {
  const fd = openOrThrow(path);
  try {
    const buf = Buffer.allocUnsafe(READ_CHUNK_BYTES);
    let lines = 0;
    for (let n = readOrThrow(fd, buf, path); n > 0; n = readOrThrow(fd, buf, path))
      for (let i = buf.indexOf(10); i >= 0 && i < n; i = buf.indexOf(10, i + 1)) lines++;
    return lines;
  } finally {
    closeSync(fd);
  }
}

function unreadable(path: string, e: unknown): ResolverError {
  return new ResolverError(
    'ONEMAP_ERR_FILE_UNREADABLE',
    { detail: (e as NodeJS.ErrnoException).code ?? (e as Error).message },
    { file: path },
  );
}

function openOrThrow(path: string): number {
  try {
    return openSync(path, 'r');
  } catch (e) {
    throw unreadable(path, e);
  }
}

function readOrThrow(fd: number, buf: Buffer, path: string): number {
  try {
    return readSync(fd, buf, 0, buf.length, null);
  } catch (e) {
    throw unreadable(path, e);
  }
}

/**
 * Reads a source file's rows, the file read and decoded in pieces (`readTextPieces`): neither
 * its bytes nor its text are held whole.
 */
export function readSourceFile(
  path: string,
  mapping: CompiledMapping,
  opts: ReadFileOptions = {},
): ReadResult {
  const encoding = opts.encoding ?? mapping.encoding;
  const pieces = readTextPieces(path, encoding);
  if (opts.onLineCount) opts.onLineCount(countNewlines(path));
  const format = opts.format ?? mapping.format ?? (/\.jsonl?$|\.ndjson$/i.test(path) ? 'jsonl' : 'csv');
  const rows: RawRow[] = [];
  const onRow = opts.onRow ?? ((row: RawRow) => void rows.push(row));
  const r =
    format === 'jsonl'
      ? readJsonl(pieces, path, mapping, onRow, opts.limit, opts.absentKeysAreEmpty)
      : readCsv(pieces, path, mapping, onRow, opts.limit);
  return { rows, ...r };
}

function readCsv(
  pieces: Iterable<string>,
  file: string,
  mapping: CompiledMapping,
  onRow: (row: RawRow) => void,
  limit = Number.POSITIVE_INFINITY,
): Omit<ReadResult, 'rows'> {
  let rowCount = 0;
  const rejects: FieldProblem[] = [];
  let header: string[] | undefined;
  const csv = new CsvPieces(mapping.delimiter, (fields, line, fault) => {
    if (fault) {
      rejects.push({ source: mapping.source, file, line, code: 'ONEMAP_ERR_UNTERMINATED_QUOTE', reason: formatMessage('ONEMAP_ERR_UNTERMINATED_QUOTE') });
      return true;
    }
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
  let more = true;
  for (const piece of pieces) if (!(more = csv.push(piece))) break;
  if (more) csv.end();
  if (!header) throw new ResolverError('ONEMAP_ERR_FILE_UNREADABLE', { detail: 'file is empty' }, { file });
  return { rowCount, rejects, header };
}

function readJsonl(
  pieces: Iterable<string>,
  file: string,
  mapping: CompiledMapping,
  onRow: (row: RawRow) => void,
  limit = Number.POSITIVE_INFINITY,
  absentKeysAreEmpty = false,
): Omit<ReadResult, 'rows'> {
  let rowCount = 0;
  const rejects: FieldProblem[] = [];
  const keys = new Set<string>();
  const mappedColumns = new Set(mapping.columns);
  let line = 0;
  let first = true;
  let pending = '';
  /** the whole lines of `text` (and, at the end, its last unterminated one); returns the rest */
  const lines = (text: string, final: boolean): string => {
    let pos = first && text.charCodeAt(0) === 0xfeff ? 1 : 0;
    if (text.length) first = false;
    while (pos < text.length && rowCount < limit) {
      let nl = text.indexOf('\n', pos);
      if (nl < 0) {
        if (!final) break;
        nl = text.length;
      }
      const s = text.slice(pos, nl).trim();
      pos = nl + 1;
      line++;
      if (!s) continue;
      let obj: unknown;
      try {
        obj = JSON.parse(s);
      } catch (e) {
        rejects.push({ source: mapping.source, file, line, code: 'ONEMAP_ERR_BAD_JSON', reason: badJsonReason(e) });
        continue;
      }
      if (!obj || typeof obj !== 'object' || Array.isArray(obj)) {
        rejects.push({ source: mapping.source, file, line, code: 'ONEMAP_ERR_BAD_JSON', reason: 'not an object' });
        continue;
      }
      const values: Record<string, string | undefined> = {};
      let lossy: string | undefined;
      let nested: string | undefined;
      for (const [k, v] of Object.entries(obj as Record<string, unknown>)) {
        keys.add(k);
        if (v === null || v === undefined) continue;
        // An integer past 2^53 has lost digits in JSON already (a resident ID sent as a number:
        // 622927197407290707 reads 622927197407290700, which may pass the check digit as another
        // person's): the record is refused with why, never resolved on a number that was changed.
        if (typeof v === 'number' && Number.isInteger(v) && !Number.isSafeInteger(v)) lossy ??= k;
        // An object or a list where the mapping reads one value is a sender's contract broken:
        // its JSON text would be standardized as a name or an address.
        if (typeof v === 'object' && mappedColumns.has(k)) nested ??= k;
        values[k] = typeof v === 'object' ? JSON.stringify(v) : String(v);
      }
      if (lossy !== undefined) {
        const reason = `${lossy} is a number too long for JSON to keep every digit: send it as a string`;
        rejects.push({ source: mapping.source, file, line, field: lossy, code: 'ONEMAP_ERR_BAD_VALUE', reason });
        continue;
      }
      if (nested !== undefined) {
        const reason = `${nested} is a JSON object or list: the mapping reads one value from it, send a string or a number`;
        rejects.push({ source: mapping.source, file, line, field: nested, code: 'ONEMAP_ERR_BAD_VALUE', reason });
        continue;
      }
      onRow({ line, values });
      rowCount++;
    }
    return pos < text.length ? text.slice(pos) : '';
  };
  for (const piece of pieces) {
    if (rowCount >= limit) break;
    pending = lines(pending + piece, false);
  }
  if (rowCount < limit) lines(pending, true);
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

/**
 * Why a JSON line did not parse, without the parser's quote of the line (V8 repeats the text around
 * the error, e.g. an ID's digits): a rejects report and its API answer carry no record value.
 */
export function badJsonReason(e: unknown): string {
  const at = /position (\d+)/.exec((e as Error)?.message ?? '')?.[1];
  return at ? `not valid JSON (column ${Number(at) + 1})` : 'not valid JSON';
}
