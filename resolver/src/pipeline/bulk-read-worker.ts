/**
 * Worker thread of `BulkReadAhead`: stages, reads and standardizes the files of a bulk load and
 * turns each record into its facts (`recordFacts`), the part of the first pass that does not
 * depend on the resolution index. Files are claimed in order from a shared counter; a file's
 * events go to the parent in order (`staged`, then `records` chunks as they are read, then
 * `done`, or `fault` — before or after some chunks: a file-level fault found late, see
 * `resolveBulkLoad`). A worker hands a chunk over only while fewer than `maxRecordsAhead` of the
 * records it handed over are not taken by the loop yet (it waits on the shared counter, Atomics),
 * so it is at most that many records plus one chunk ahead of the parent, whatever the load's size.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { SourceCatalogEntry } from '@onemap/graph-schema';
import { ResolverError } from '../errors.ts';
import { packMentions } from '../intake/packed-mentions.ts';
import { readSource } from '../intake/read-source.ts';
import { stageFile } from '../intake/staged-batch.ts';
import { type DivisionEntry, setDivisionGazetteer } from '../standardize/address.ts';
import { type CompiledMapping, compileMapping } from '../standardize/compile-mapping.ts';
import {
  CTL_NEXT,
  CTL_STOP,
  packRecords,
  type ReadEvent,
  type ReadJob,
  type RecordTail,
} from './bulk-read-events.ts';
import { spillParts } from './bulk-spill-record.ts';
import { recordFacts } from './record-facts.ts';

const job = workerData as ReadJob & { gazetteer?: DivisionEntry[] };
if (job.gazetteer) setDivisionGazetteer(job.gazetteer);
const ctl = new Int32Array(job.control);
const slot = job.slot;
const catalog = new Map(job.catalog.map((c) => [c.id, c]));
const mappings = new Map<string, CompiledMapping>();

const post = (e: ReadEvent, transfer: ArrayBuffer[] = []) => parentPort!.postMessage(e, transfer);

/** Thrown out of a file's reading when the load stops. */
const STOPPED = Symbol('stopped');

/** Waits while `maxRecordsAhead` records this worker handed over are not taken by the loop yet; false: stop. */
function waitForRoom(): boolean {
  for (;;) {
    if (Atomics.load(ctl, CTL_STOP)) return false;
    const n = Atomics.load(ctl, slot);
    if (n < job.maxRecordsAhead) return true;
    Atomics.wait(ctl, slot, n, 200);
  }
}

for (;;) {
  if (!waitForRoom()) break;
  const index = Atomics.add(ctl, CTL_NEXT, 1);
  if (index >= job.files.length || Atomics.load(ctl, CTL_STOP)) break;
  const f = job.files[index]!;
  const entry = catalog.get(f.source) as SourceCatalogEntry;
  let batch: ReturnType<typeof stageFile>;
  try {
    batch = stageFile(job.stagingDir, f.source, f.path, entry.file);
  } catch (e) {
    post({ index, type: 'fatal', message: (e as Error).message });
    break;
  }
  post({ index, type: 'staged', batch });
  let cm = mappings.get(entry.id);
  if (!cm) {
    cm = compileMapping(entry, entry.id);
    mappings.set(entry.id, cm);
  }
  // A file's facts are handed over a chunk at a time as it is read, so the loop resolves a big
  // file while the rest of it is read. A file-level fault found late (a JSONL column no line has,
  // a read error) then comes after some of its chunks: the loop starts its pass again without the
  // file (`resolveBulkLoad`), so none of its records counts, as with the serial reader.
  let tails: RecordTail[] = [];
  let mentions: Parameters<typeof packMentions>[0] = [];
  const handOver = () => {
    if (!waitForRoom()) throw STOPPED;
    const packed = packRecords(tails, packMentions(mentions));
    tails = [];
    mentions = [];
    Atomics.add(ctl, slot, packed.tails.length);
    post({ index, type: 'records', packed }, [packed.mentions.codes.buffer as ArrayBuffer]);
  };
  let read: ReturnType<typeof readSource>;
  try {
    read = readSource(batch.stagedPath, cm, {
      format: batch.format,
      encoding: batch.encoding,
      fileLabel: batch.originalName,
      rejectRepeatedIds: true,
      absentKeysAreEmpty: batch.way === 'push',
      onRecord: (rec) => {
        const facts = recordFacts(entry, rec);
        for (const m of facts.mentions) mentions.push(m);
        const spill = spillParts(rec, facts);
        tails.push([
          rec.rid,
          rec.recordId,
          rec.line,
          rec.hash,
          facts.mentions.length,
          facts.relations,
          facts.visits,
          facts.dropped,
          spill.attrs,
          spill.mentions,
          spill.fixed,
        ]);
        if (tails.length >= job.chunkRecords) handOver();
      },
    });
    if (tails.length) handOver();
  } catch (e) {
    if (e === STOPPED) break;
    if (!(e instanceof ResolverError)) {
      post({ index, type: 'fatal', message: (e as Error).stack ?? String(e) });
      break;
    }
    post({ index, type: 'fault', code: e.code, message: e.message, location: e.location });
    continue;
  }
  post({ index, type: 'done', rows: read.rows, rejects: read.rejects, flagged: read.flagged.length });
}
