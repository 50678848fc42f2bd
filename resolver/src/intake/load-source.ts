/**
 * Read and standardize one source file with its mapping: the mentions it makes, the rows it
 * rejects (with file, line, field and reason) and the values it flags. Good rows resolve
 * even when bad ones are rejected.
 */
import type { SourceMapping } from '@onemap/graph-schema';
import type { FieldProblem, Mention } from '../types.ts';
import { type CompiledMapping, compileMapping } from '../standardize/compile-mapping.ts';
import { standardizeRecord } from '../standardize/standardize-record.ts';
import { readSourceFile } from './read-source.ts';

export interface LoadedSource {
  file: string;
  rows: number;
  mentions: Mention[];
  /** rejected rows: one problem each */
  rejects: FieldProblem[];
  /** flagged values in accepted rows */
  problems: FieldProblem[];
  /** mention key -> value of the truth column (when asked) */
  truth?: Map<string, string>;
  readMs: number;
  standardizeMs: number;
}

export interface LoadOptions {
  source?: string;
  /** column holding the true entity id (evaluation on labelled data) */
  truthColumn?: string;
  limit?: number;
  /** keep standardized `record.*` attributes per record id */
  onRecord?: (recordId: string, record: Record<string, string>, mentions: Mention[]) => void;
}

export function loadSource(
  file: string,
  mapping: SourceMapping | CompiledMapping,
  opts: LoadOptions = {},
): LoadedSource {
  const cm = 'roles' in mapping ? mapping : compileMapping(mapping, opts.source);
  if (opts.source) cm.source = opts.source;
  if (opts.truthColumn && !cm.columns.includes(opts.truthColumn)) cm.columns.push(opts.truthColumn);
  let t0 = performance.now();
  const read = readSourceFile(file, cm, opts.limit !== undefined ? { limit: opts.limit } : {});
  const readMs = performance.now() - t0;
  t0 = performance.now();
  const out: LoadedSource = {
    file,
    rows: read.rows.length + read.rejects.length,
    mentions: [],
    rejects: read.rejects,
    problems: [],
    readMs,
    standardizeMs: 0,
  };
  if (opts.truthColumn) out.truth = new Map();
  for (const row of read.rows) {
    const r = standardizeRecord(row.values, cm, { source: cm.source, file, line: row.line });
    if (!r.ok) {
      out.rejects.push(r.rejection);
      continue;
    }
    for (const p of r.problems) out.problems.push(p);
    for (const m of r.mentions) {
      out.mentions.push(m);
      if (out.truth && opts.truthColumn) {
        const t = row.values[opts.truthColumn]?.trim();
        if (t) out.truth.set(m.key, t);
      }
    }
    opts.onRecord?.(r.recordId, r.record, r.mentions);
  }
  out.standardizeMs = performance.now() - t0;
  return out;
}
