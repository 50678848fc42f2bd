import type { SourceCatalogEntry } from '@onemap/graph-schema';
import { readSourceFile } from './read-source.ts';
import { ResolverError } from '../errors.ts';
import type { FieldProblem, Mention } from '../types.ts';
import { type CompiledMapping, compileMapping } from '../standardize/compile-mapping.ts';
import { standardizeRecord } from '../standardize/standardize-record.ts';
import { sha256, type StagedBatch } from './staged-batch.ts';

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

export interface ReadBatchResult {
  records: BatchRecord[];
  rejects: FieldProblem[];
  flagged: FieldProblem[];
  rows: number;
}

const compiled = new Map<string, CompiledMapping>();
function mappingFor(entry: SourceCatalogEntry, batch: StagedBatch): CompiledMapping {
  const key = `${entry.id}|${batch.format}|${batch.encoding}`;
  let cm = compiled.get(key);
  if (!cm) {
    cm = compileMapping(entry, entry.id);
    compiled.set(key, cm);
  }
  return cm;
}

/**
 * Reads and standardizes a staged batch. A file-level fault (unreadable, a mapped column missing)
 * throws a ResolverError with file and field; record-level faults are rejects and the rest goes on.
 */
export function readBatch(batch: StagedBatch, entry: SourceCatalogEntry): ReadBatchResult {
  const cm = mappingFor(entry, batch);
  const read = readSourceFile(batch.stagedPath, cm, { format: batch.format, encoding: batch.encoding });
  const out: ReadBatchResult = { records: [], rejects: [], flagged: [], rows: read.rows.length + read.rejects.length };
  for (const r of read.rejects) out.rejects.push({ ...r, file: batch.originalName });
  const seen = new Set<string>();
  for (const row of read.rows) {
    const r = standardizeRecord(row.values, cm, { source: entry.id, file: batch.originalName, line: row.line });
    if (!r.ok) {
      out.rejects.push(r.rejection);
      continue;
    }
    const rid = `${entry.id}:${r.recordId}`;
    if (seen.has(rid)) {
      out.rejects.push({
        source: entry.id,
        file: batch.originalName,
        line: row.line,
        recordId: r.recordId,
        field: entry.recordIdColumn,
        code: 'ONEMAP_ERR_BAD_VALUE',
        reason: `record id ${r.recordId} appears twice in this batch; the first is kept`,
      });
      continue;
    }
    seen.add(rid);
    for (const p of r.problems) out.flagged.push(p);
    const keys = Object.keys(row.values).sort();
    out.records.push({
      rid,
      recordId: r.recordId,
      line: row.line,
      hash: sha256(JSON.stringify(row.values, keys)).slice(0, 32),
      raw: row.values,
      record: r.record,
      mentions: r.mentions,
      problems: r.problems,
    });
  }
  return out;
}

export { ResolverError };
