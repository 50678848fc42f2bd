import type { SourceCatalogEntry } from '@onemap/graph-schema';
import { ResolverError } from '../errors.ts';
import { type CompiledMapping, compileMapping } from '../standardize/compile-mapping.ts';
import type { FieldProblem } from '../types.ts';
import { type BatchRecord, readSource, readSourceFile } from './read-source.ts';
import type { StagedBatch } from './staged-batch.ts';

export type { BatchRecord };

export interface ReadBatchResult {
  records: BatchRecord[];
  rejects: FieldProblem[];
  flagged: FieldProblem[];
  rows: number;
}

const compiled = new Map<string, CompiledMapping>();
function mappingFor(entry: SourceCatalogEntry, batch: Pick<StagedBatch, 'format' | 'encoding'>): CompiledMapping {
  const key = `${entry.id}|${batch.format}|${batch.encoding}`;
  let cm = compiled.get(key);
  if (!cm) {
    cm = compileMapping(entry, entry.id);
    compiled.set(key, cm);
  }
  return cm;
}

/**
 * Reads and standardizes a staged batch (the one reader, `readSource`, with the batch's format,
 * encoding and original file name; a record id repeated in the batch is a reject). A file-level
 * fault (unreadable, a mapped column missing) throws a ResolverError with file and field;
 * record-level faults are rejects and the rest goes on.
 */
export function readBatch(batch: StagedBatch, entry: SourceCatalogEntry): ReadBatchResult {
  const read = readSource(batch.stagedPath, mappingFor(entry, batch), {
    format: batch.format,
    encoding: batch.encoding,
    fileLabel: batch.originalName,
    rejectRepeatedIds: true,
    // Pushed records are objects that leave out what they do not have: checked one by one.
    absentKeysAreEmpty: batch.way === 'push',
  });
  return { records: read.records, rejects: read.rejects, flagged: read.flagged, rows: read.rows };
}

export { ResolverError };

/**
 * A CSV file's header checked against its source's mapping, before the file is queued: a mapped
 * column missing is the deliverer's error at once (`ONEMAP_ERR_MISSING_COLUMN`, with the file and
 * the column), not a job found `rejected` later. Reads the header and at most one row. A JSON
 * lines file is checked as it is read (a key may be absent from its first lines).
 * @throws ResolverError the reader's file-level fault
 */
export function checkFileHeader(entry: SourceCatalogEntry, path: string): void {
  if (entry.file.format !== 'csv') return;
  const shape = { format: 'csv', encoding: entry.file.encoding } as const;
  readSourceFile(path, mappingFor(entry, shape), { ...shape, limit: 1 });
}
