/**
 * Worker thread of `loadDirectoryParallel`: reads and standardizes the files it is given (same
 * `loadSource` as the serial path); per file, its mentions back to the parent packed
 * (`packed-mentions.ts`) in chunks of `CHUNK_MENTIONS` as they are made, then one message with
 * the file's counts, rejects and problems (`done`).
 */
import { getHeapStatistics } from 'node:v8';
import { parentPort, workerData } from 'node:worker_threads';
import type { DivisionEntry } from '../standardize/address.ts';
import { setDivisionGazetteer } from '../standardize/address.ts';
import type { CompiledMapping, compileMapping } from '../standardize/compile-mapping.ts';
import type { Mention } from '../types.ts';
import { kindMapping } from './load-directory.ts';
import { loadSource } from './load-source.ts';
import { packMentions } from './packed-mentions.ts';

interface Job {
  files: Array<{ index: number; source: string; file: string; entry: Parameters<typeof compileMapping>[0] }>;
  gazetteer?: DivisionEntry[];
  kinds?: string[];
  chunkMentions?: number;
}

/** Mentions per message to the parent. */
const CHUNK_MENTIONS = 10_000;

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
  // the mentions go to the parent in chunks as they are made: the worker never holds a whole
  // file's (the largest file at 1M records makes 300,000)
  let chunk: Mention[] = [];
  const send = () => {
    // packed: the integer array is moved to the parent, each distinct string sent once
    const mentions = packMentions(chunk);
    chunk = [];
    parentPort!.postMessage({ index, mentions }, [mentions.codes.buffer as ArrayBuffer]);
  };
  const l = loadSource(file, cm, {
    onMention: (m) => {
      chunk.push(m);
      if (chunk.length >= (job.chunkMentions ?? CHUNK_MENTIONS)) send();
    },
  });
  if (chunk.length) send();
  parentPort!.postMessage({
    index,
    done: true,
    rows: l.rows,
    rejects: l.rejects,
    problems: l.problems,
    readMs: l.readMs,
    standardizeMs: l.standardizeMs,
    // this thread's heap after the file (its memos and what it has not collected yet)
    heapUsed: getHeapStatistics().used_heap_size,
    heapTotal: getHeapStatistics().total_heap_size,
  });
}
