/**
 * Worker thread of `loadDirectoryParallel`: reads and standardizes the files it is given, one
 * message per file back to the parent (same `loadSource` as the serial path), its mentions
 * packed (`packed-mentions.ts`).
 */
import { getHeapStatistics } from 'node:v8';
import { parentPort, workerData } from 'node:worker_threads';
import type { DivisionEntry } from '../standardize/address.ts';
import { setDivisionGazetteer } from '../standardize/address.ts';
import type { CompiledMapping, compileMapping } from '../standardize/compile-mapping.ts';
import { kindMapping } from './load-directory.ts';
import { loadSource } from './load-source.ts';
import { packMentions } from './packed-mentions.ts';

interface Job {
  files: Array<{ index: number; source: string; file: string; entry: Parameters<typeof compileMapping>[0] }>;
  gazetteer?: DivisionEntry[];
  kinds?: string[];
}

const job = workerData as Job;
if (job.gazetteer) setDivisionGazetteer(job.gazetteer);
const mappings = new Map<string, CompiledMapping>();
for (const { index, source, file, entry } of job.files) {
  let cm = mappings.get(source);
  if (!cm) {
    // listFiles gave only sources with a role of the kinds
    cm = kindMapping(entry, source, job.kinds)!;
    mappings.set(source, cm);
  }
  const l = loadSource(file, cm);
  // packed: the integer array is moved to the parent, each distinct string sent once
  const mentions = packMentions(l.mentions);
  parentPort!.postMessage(
    {
      index,
      rows: l.rows,
      mentions,
      rejects: l.rejects,
      problems: l.problems,
      readMs: l.readMs,
      standardizeMs: l.standardizeMs,
      // this thread's heap after the file (its memos and what it has not collected yet)
      heapUsed: getHeapStatistics().used_heap_size,
      heapTotal: getHeapStatistics().total_heap_size,
    },
    [mentions.codes.buffer as ArrayBuffer],
  );
}
