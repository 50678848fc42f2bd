/**
 * A source record's values as delivered, read back from staging. The graph does not keep them
 * (`SourceRecord` has `batchId` and `line`; the batch its content `hash` and `way`): staging keeps
 * every delivery, a file under its bytes and a push as the JSON lines the door staged, so the row
 * at the record's line is exactly what the pipeline read. A correction ticket opened on a source
 * column reports that cell (`POST /api/quality/tickets`); the pipeline's own quality rules have
 * the delivered values in memory and never come here.
 */
import fs from 'node:fs';
import type { SourceCatalogEntry } from '@onemap/graph-schema';
import { readSourceFile } from '../intake/read-source.ts';
import { PUSH_FILE, stagedPathOf } from '../intake/staged-batch.ts';
import { compileMapping } from '../standardize/compile-mapping.ts';

/** Where a source record came from: its delivery (the `Batch`'s content hash and way in) and line. */
export interface DeliveredAt {
  source: string;
  /** the batch's full SHA-256 (`Batch.hash`) */
  hash: string;
  way: 'file' | 'push' | string;
  line: number;
}

/** The staged file of a delivery (named as `stageFile` / `stageRecords` name it). */
function stagedFileOf(stagingDir: string, entry: SourceCatalogEntry, at: DeliveredAt) {
  const file = at.way === 'push' ? PUSH_FILE : entry.file;
  return { path: stagedPathOf(stagingDir, at.source, at.hash, file.format), ...file };
}

/**
 * Reads the delivered values (source column → cell) of the record at `at.line` of its staged
 * delivery; null when staging no longer has the delivery (or the line). Reads the whole staged
 * file: for the rare ticket, not for a loop.
 * @example readDeliveredValues(stagingDir, hotelEntry, { source: 'hotel', hash, way: 'push', line: 3 })
 *   // → { record_id: 'LG3', guest_name: '张三', address: '…', … }
 */
export function readDeliveredValues(stagingDir: string, entry: SourceCatalogEntry, at: DeliveredAt): Record<string, string | undefined> | null {
  const staged = stagedFileOf(stagingDir, entry, at);
  if (!fs.existsSync(staged.path)) return null;
  let found: Record<string, string | undefined> | null = null;
  readSourceFile(staged.path, compileMapping(entry, entry.id), {
    format: staged.format,
    encoding: staged.encoding,
    absentKeysAreEmpty: at.way === 'push',
    onRow: (row) => {
      if (row.line === at.line) found = row.values;
    },
  });
  return found;
}
