import fs from 'node:fs';
import path from 'node:path';
import type { ResolverError } from '../errors.ts';
import type { FieldProblem } from '../types.ts';
import { parseCsv } from './parse-csv.ts';
import { csvCell } from '@onemap/graph-schema';

const COLUMNS = ['source', 'file', 'line', 'record_id', 'field', 'code', 'reason', 'value'] as const;


/**
 * Writes the rejects report of a batch as CSV: one row per rejected record (or dropped fact)
 * with source, file, line, record id, field, code and reason. Returns the file path, or null
 * when nothing was rejected.
 */
export function writeRejectsReport(dir: string, batchId: string, rejects: FieldProblem[]): string | null {
  if (!rejects.length) return null;
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${batchId}.csv`);
  const lines = [COLUMNS.join(',')];
  for (const r of rejects) {
    lines.push([r.source, r.file, r.line, r.recordId, r.field, r.code, r.reason, r.value].map((v) => csvCell(v, { raw: true })).join(','));
  }
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

/**
 * A file-level fault (unreadable, a mapped column missing) rejects the whole file, once: writes its
 * one-row rejects report and returns the report's path (or null).
 */
export function writeFileFault(dir: string, batch: { batchId: string; source: string; originalName: string }, e: Pick<ResolverError, 'code' | 'message' | 'location'>): string | null {
  const problem: FieldProblem = { source: batch.source, file: batch.originalName, code: e.code, reason: e.message };
  if (e.location.line !== undefined) problem.line = e.location.line;
  if (e.location.field !== undefined) problem.field = e.location.field;
  return writeRejectsReport(dir, batch.batchId, [problem]);
}

/** Reads a rejects report back (for the API and tests). */
export function readRejectsReport(file: string): Record<(typeof COLUMNS)[number], string>[] {
  const out: Record<string, string>[] = [];
  let header: string[] | undefined;
  parseCsv(fs.readFileSync(file, 'utf8'), ',', (fields, _line, fault) => {
    // the report is written quoted (`writeRejectsReport`): a fault is no row of it
    if (fault) return true;
    if (!header) header = fields;
    else out.push(Object.fromEntries(header.map((c, i) => [c, fields[i] ?? ''])));
    return true;
  });
  return out as Record<(typeof COLUMNS)[number], string>[];
}
