/**
 * Worker threads for the batch resolver's pair loops, started once and used for every kind.
 * The calling thread prepares a kind (its model and interned columns: shared typed arrays plus
 * each column's distinct values), then runs pair work on a shared counter of chunks: it takes
 * chunks itself while the workers take theirs, so a worker still starting up delays nothing,
 * and the result is the serial loop's (each pair's result depends on that pair only).
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { ResolverError } from '../errors.ts';
import type { BatchScorer, ItemColumns, PackedColumnsData } from '../scoring/batch-scorer.ts';
import type { Model } from '../scoring/model-settings.ts';
import { workerBoot } from '../worker-boot.ts';
import { type ChunkResult, chunkCount, fillNeedsItems, type PairWork, runChunk } from './pair-work.ts';

/** Messages to a worker (`resolve-worker.ts`). */
export type ToWorker =
  | { op: 'prepare'; kind: string; model: Model; columns: PackedColumnsData }
  | { op: 'model'; kind: string; model: Model }
  | { op: 'release'; kind: string }
  | { op: 'run'; kind: string; task: number; work: PairWork; claim: Int32Array };

type FromWorker = ({ task: number; chunk: number } & ChunkResult) | { task: number; error: string };

/** A task the workers were given (`start`), to `join`. */
export interface SharedTask {
  id: number;
  work: PairWork;
  claim: Int32Array;
}

interface Task {
  /** chunks reported done (by this thread and the workers) */
  done: number;
  total: number;
  needsItems: Int32Array[];
  counts: Float64Array[];
  settle?: { resolve: () => void; reject: (e: Error) => void };
}

/** A worker heap holds the columns' distinct values and its module code: far below this. */
const WORKER_HEAP_MB = 2048;

export class ResolveWorkers {
  private readonly workers: Worker[];
  private readonly tasks = new Map<number, Task>();
  private nextTask = 0;
  private failure: Error | undefined;
  /** pair loops shared so far */
  runs = 0;

  private constructor(count: number) {
    this.workers = Array.from({ length: count }, () => {
      const w = new Worker(workerBoot(new URL('./resolve-worker.ts', import.meta.url)), {
        eval: true,
        resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB },
      });
      w.on('message', (m: FromWorker) => this.onMessage(m));
      w.on('error', (e) => this.fail(e.message));
      w.on('exit', (code) => {
        if (!this.closing) this.fail(`exited with code ${code}`);
      });
      return w;
    });
  }

  private closing = false;

  /**
   * Start `count` workers (default: one per core beyond this thread's; none on one core).
   * They load their code while this thread goes on; close them with `close`.
   */
  static start(count = availableParallelism() - 1): ResolveWorkers {
    return new ResolveWorkers(Math.max(0, count));
  }

  get size(): number {
    return this.workers.length;
  }

  /** Send a kind's model and columns (build a scorer over `columns` first: the columns it reads are sent). */
  prepare(kind: string, model: Model, columns: ItemColumns): void {
    this.post({ op: 'prepare', kind, model, columns: columns.pack() });
  }

  /** The kind's model after training: the weights are computed with it. */
  setModel(kind: string, model: Model): void {
    this.post({ op: 'model', kind, model });
  }

  release(kind: string): void {
    this.post({ op: 'release', kind });
  }

  private post(m: ToWorker): void {
    this.check();
    for (const w of this.workers) w.postMessage(m);
  }

  private check(): void {
    if (this.failure) throw this.failure;
  }

  /**
   * Run `work` for a prepared kind: this thread (with `batch` over the items) takes chunks
   * until none is left, then waits for the chunks the workers took and computes the pairs they
   * left (names to align). Random pairs' counts are added into `work.out`.
   * @throws ResolverError `ONEMAP_ERR_INTERNAL` when a worker fails
   */
  async run(
    kind: string,
    work: PairWork,
    batch: BatchScorer,
    opts: { onChunk?: (chunksDone: number) => void; takeChunks?: boolean } = {},
  ): Promise<void> {
    await this.join(this.start(kind, work), batch, opts);
  }

  /** The workers start on `work` while this thread does something else; `join` finishes it. */
  start(kind: string, work: PairWork): SharedTask {
    this.check();
    this.runs++;
    const id = this.nextTask++;
    const task: Task = { done: 0, total: chunkCount(work), needsItems: [], counts: [] };
    const claim = new Int32Array(new SharedArrayBuffer(4));
    this.tasks.set(id, task);
    if (this.workers.length) this.post({ op: 'run', kind, task: id, work, claim });
    return { id, work, claim };
  }

  /**
   * Finish a started task: this thread takes the chunks left (unless `takeChunks` is false: the
   * workers take every chunk; tests check the workers' results so), waits for the workers'.
   */
  async join(
    shared: SharedTask,
    batch: BatchScorer,
    opts: { onChunk?: (chunksDone: number) => void; takeChunks?: boolean } = {},
  ): Promise<void> {
    const { id, work, claim } = shared;
    const task = this.tasks.get(id);
    if (!task) throw new Error(`task ${id} was joined already`);
    try {
      while (opts.takeChunks !== false || !this.workers.length) {
        const c = Atomics.add(claim, 0, 1);
        if (c >= task.total) break;
        runChunk(batch, work, c, work.type === 'randomPairs' ? work.out : undefined);
        task.done++;
        opts.onChunk?.(c + 1);
      }
      if (task.done < task.total) {
        await new Promise<void>((resolve, reject) => {
          task.settle = { resolve, reject };
          if (this.failure) reject(this.failure);
        });
      }
      for (const c of task.counts) for (let x = 0; x < c.length; x++) work.out[x]! += c[x]!;
      for (const n of task.needsItems) fillNeedsItems(batch, work, n);
    } finally {
      this.tasks.delete(id);
    }
  }

  private onMessage(m: FromWorker): void {
    const task = this.tasks.get(m.task);
    if (!task) return;
    if ('error' in m) {
      const e = workerError(m.error);
      if (task.settle) task.settle.reject(e);
      else this.failure = e;
      return;
    }
    if (m.needsItems.length) task.needsItems.push(m.needsItems);
    if (m.counts) task.counts.push(m.counts);
    task.done++;
    if (task.done === task.total) task.settle?.resolve();
  }

  private fail(why: string): void {
    this.failure ??= workerError(why);
    for (const t of this.tasks.values()) t.settle?.reject(this.failure);
  }

  /** Stop the workers. */
  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

function workerError(detail: string): ResolverError {
  return new ResolverError('ONEMAP_ERR_INTERNAL', { detail: `resolve worker failed: ${detail}` });
}
