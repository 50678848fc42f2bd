/**
 * Read and standardize one source file with its mapping (through the one reader, `readSource`):
 * the mentions it makes, the rows it rejects (with file, line, field and reason) and the values
 * it flags. Good rows resolve even when bad ones are rejected.
 */
import type { SourceMapping } from '@onemap/graph-schema';
import { type CompiledMapping, compileMapping } from '../standardize/compile-mapping.ts';
import type { FieldProblem, Mention, ProgressFn } from '../types.ts';
import { readSource } from './read-source.ts';

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
  /** called every few thousand records while standardizing */
  onProgress?: ProgressFn;
  /** each mention as it is made, instead of collecting them in `mentions` (left empty) */
  onMention?: (m: Mention) => void;
}

export function loadSource(
  file: string,
  mapping: SourceMapping | CompiledMapping,
  opts: LoadOptions = {},
): LoadedSource {
  const cm = 'roles' in mapping ? mapping : compileMapping(mapping, opts.source);
  if (opts.source) cm.source = opts.source;
  if (opts.truthColumn && !cm.columns.includes(opts.truthColumn)) cm.columns.push(opts.truthColumn);
  const mentions: Mention[] = [];
  const truth = opts.truthColumn ? new Map<string, string>() : undefined;
  // records one by one: only their mentions are kept, not the raw rows
  const read = readSource(file, cm, {
    hashes: false,
    ...(opts.limit !== undefined ? { limit: opts.limit } : {}),
    ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
    onRecord: (rec) => {
      for (const m of rec.mentions) {
        if (opts.onMention) opts.onMention(m);
        else mentions.push(m);
        if (truth && opts.truthColumn) {
          const t = rec.raw[opts.truthColumn]?.trim();
          if (t) truth.set(m.key, t);
        }
      }
      opts.onRecord?.(rec.recordId, rec.record, rec.mentions);
    },
  });
  const out: LoadedSource = {
    file,
    rows: read.rows,
    mentions,
    rejects: read.rejects,
    problems: read.flagged,
    readMs: read.readMs,
    standardizeMs: read.standardizeMs,
  };
  if (truth) out.truth = truth;
  return out;
}
