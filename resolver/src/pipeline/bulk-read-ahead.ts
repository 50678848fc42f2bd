/**
 * The reading half of a bulk load's first pass: files staged, read, standardized and turned into
 * their records' facts, handed to the resolving loop file by file in the load's order. With
 * `workers` ≥ 1 this runs on worker threads (`bulk-read-worker.ts`) ahead of the loop, which
 * then only resolves: the order the records are resolved in (what makes a bulk load equal to an
 * incremental one) is the files' order whatever the workers do. A worker stays at most
 * `maxRecordsAhead` records (plus the one file it is reading) ahead.
 * With `workers` 0 the same events are made on the calling thread.
 */
import { Worker } from 'node:worker_threads';
import type { SourceCatalogEntry } from '@onemap/graph-schema';
import { ResolverError } from '../errors.ts';
import { StringInterner } from '../intake/intern-mentions.ts';
import { readBatch } from '../intake/read-batch.ts';
import { type StagedBatch, stageFile } from '../intake/staged-batch.ts';
import { divisionGazetteer } from '../standardize/address.ts';
import type { FieldProblem } from '../types.ts';
import { workerBoot } from '../worker-boot.ts';
import {
  type BulkReadRecord,
  CTL_STOP,
  CTL_WORKERS,
  type ReadEvent,
  type ReadJob,
  unpackRecords,
} from './bulk-read-events.ts';
import { spillParts } from './bulk-spill-record.ts';
import { recordFacts } from './record-facts.ts';

/** One event of a file, as the resolving loop reads them: `staged`, then `fault` or `records`… `done`. */
export type FileEvent =
  | { type: 'staged'; batch: StagedBatch }
  | { type: 'fault'; error: Pick<ResolverError, 'code' | 'message' | 'location'> }
  | { type: 'records'; records: BulkReadRecord[] }
  | { type: 'done'; rows: number; rejects: FieldProblem[]; flagged: number };

export interface FileReader {
  /** The next event of file `index` (files are read to their `done` or `fault` in order). */
  next(index: number): Promise<FileEvent>;
  close(): Promise<void>;
}

export interface ReadAheadOptions {
  catalog: SourceCatalogEntry[];
  stagingDir: string;
  /** worker threads (0: read on the calling thread) */
  workers: number;
  chunkRecords?: number;
  maxRecordsAhead?: number;
}

/** Records per chunk handed to the resolving loop. */
const CHUNK_RECORDS = 1_000;
/**
 * Records a worker may have handed over and the loop not resolved yet before it starts another
 * file (a file is handed over whole once read: see `bulk-read-worker.ts`).
 */
const MAX_RECORDS_AHEAD = 50_000;

export function openFileReader(files: { source: string; path: string }[], o: ReadAheadOptions): FileReader {
  return o.workers > 0 ? new WorkerReader(files, o) : new SerialReader(files, o);
}

/** The events of one file made on this thread (the serial first pass). */
function* serialEvents(
  f: { source: string; path: string },
  entry: SourceCatalogEntry,
  stagingDir: string,
  chunk: number,
): Generator<FileEvent> {
  const batch = stageFile(stagingDir, f.source, f.path, entry.file);
  yield { type: 'staged', batch };
  let read: ReturnType<typeof readBatch>;
  try {
    read = readBatch(batch, entry);
  } catch (e) {
    if (!(e instanceof ResolverError)) throw e;
    yield { type: 'fault', error: e };
    return;
  }
  for (let i = 0; i < read.records.length; i += chunk) {
    const records = read.records.slice(i, i + chunk).map((rec) => {
      const facts = recordFacts(entry, rec);
      return {
        rid: rec.rid,
        recordId: rec.recordId,
        line: rec.line,
        hash: rec.hash,
        facts,
        spill: spillParts(rec, facts),
      };
    });
    yield { type: 'records', records };
  }
  yield { type: 'done', rows: read.rows, rejects: read.rejects, flagged: read.flagged.length };
}

class SerialReader implements FileReader {
  private current?: { index: number; events: Generator<FileEvent> };
  private readonly catalogById: Map<string, SourceCatalogEntry>;

  constructor(
    private readonly files: { source: string; path: string }[],
    private readonly o: ReadAheadOptions,
  ) {
    this.catalogById = new Map(o.catalog.map((c) => [c.id, c]));
  }

  async next(index: number): Promise<FileEvent> {
    if (this.current?.index !== index) {
      const f = this.files[index]!;
      this.current = {
        index,
        events: serialEvents(
          f,
          this.catalogById.get(f.source)!,
          this.o.stagingDir,
          this.o.chunkRecords ?? CHUNK_RECORDS,
        ),
      };
    }
    const r = this.current.events.next();
    if (r.done) throw new Error(`file ${index} has no more events`);
    return r.value;
  }

  async close() {}
}

class WorkerReader implements FileReader {
  private readonly ctl: Int32Array;
  private readonly workers: Worker[] = [];
  /** events not yet read, per file, with the worker that sent them */
  private readonly queues = new Map<number, { e: ReadEvent; slot: number }[]>();
  private waiting?: { index: number; wake: () => void };
  private failure?: Error;
  private readonly interner = new StringInterner();

  constructor(files: { source: string; path: string }[], o: ReadAheadOptions) {
    const control = new SharedArrayBuffer(4 * (CTL_WORKERS + o.workers));
    this.ctl = new Int32Array(control);
    const gazetteer = divisionGazetteer();
    for (let w = 0; w < o.workers; w++) {
      const slot = CTL_WORKERS + w;
      const job: ReadJob = {
        files,
        catalog: o.catalog,
        stagingDir: o.stagingDir,
        control,
        slot,
        chunkRecords: o.chunkRecords ?? CHUNK_RECORDS,
        maxRecordsAhead: o.maxRecordsAhead ?? MAX_RECORDS_AHEAD,
      };
      const worker = new Worker(workerBoot(new URL('./bulk-read-worker.ts', import.meta.url)), {
        eval: true,
        workerData: { ...job, ...(gazetteer.length ? { gazetteer } : {}) },
      });
      worker.on('message', (e: ReadEvent) => {
        let q = this.queues.get(e.index);
        if (!q) {
          q = [];
          this.queues.set(e.index, q);
        }
        q.push({ e, slot });
        if (e.type === 'fatal') this.fail(new Error(`bulk read worker: ${e.message}`));
        this.wake(e.index);
      });
      worker.on('error', (e) => this.fail(e));
      worker.on('exit', (code) => {
        if (code !== 0 && !Atomics.load(this.ctl, CTL_STOP))
          this.fail(new Error(`bulk read worker exited with ${code}`));
      });
      this.workers.push(worker);
    }
  }

  private fail(e: Error) {
    this.failure ??= e;
    const w = this.waiting;
    this.waiting = undefined;
    w?.wake();
  }

  private wake(index: number) {
    if (this.waiting?.index !== index) return;
    const w = this.waiting;
    this.waiting = undefined;
    w.wake();
  }

  async next(index: number): Promise<FileEvent> {
    for (;;) {
      if (this.failure) throw this.failure;
      const q = this.queues.get(index);
      const x = q?.shift();
      if (x) {
        if (!q!.length) this.queues.delete(index);
        const { e, slot } = x;
        switch (e.type) {
          case 'staged':
            return { type: 'staged', batch: e.batch };
          case 'fault':
            return { type: 'fault', error: { code: e.code, message: e.message, location: e.location } };
          case 'records': {
            const records = unpackRecords(e.packed, this.interner);
            // the chunk is the loop's now: its worker may read on
            Atomics.sub(this.ctl, slot, records.length);
            Atomics.notify(this.ctl, slot);
            return { type: 'records', records };
          }
          case 'done':
            return { type: 'done', rows: e.rows, rejects: e.rejects, flagged: e.flagged };
          case 'fatal':
            throw new Error(`bulk read worker: ${e.message}`);
        }
      }
      await new Promise<void>((wake) => {
        this.waiting = { index, wake };
      });
    }
  }

  async close() {
    Atomics.store(this.ctl, CTL_STOP, 1);
    for (let i = CTL_WORKERS; i < this.ctl.length; i++) Atomics.notify(this.ctl, i);
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
