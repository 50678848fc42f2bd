/**
 * Worker thread of `ResolveWorkers`: holds each prepared kind's columns (shared typed arrays,
 * no items) and a scorer over them, and takes chunks of pair work (`pair-work.ts`) from the
 * shared counter of each task until none is left, reporting every chunk it did.
 */
import { parentPort } from 'node:worker_threads';
import { type BatchScorer, PackedColumns } from '../scoring/batch-scorer.ts';
import { PairScorer } from '../scoring/pair-scorer.ts';
import { chunkCount, runChunk } from './pair-work.ts';
import type { ToWorker } from './resolve-workers.ts';

const kinds = new Map<string, { columns: PackedColumns; batch: BatchScorer }>();
const port = parentPort!;

port.on('message', (m: ToWorker) => {
  if (m.op === 'prepare') {
    const columns = new PackedColumns(m.columns);
    kinds.set(m.kind, { columns, batch: new PairScorer(m.model).forColumns(columns) });
  } else if (m.op === 'model') {
    const k = kinds.get(m.kind);
    if (k) k.batch = new PairScorer(m.model).forColumns(k.columns);
  } else if (m.op === 'release') {
    kinds.delete(m.kind);
  } else {
    try {
      const k = kinds.get(m.kind);
      if (!k) throw new Error(`kind ${m.kind} was not prepared`);
      const total = chunkCount(m.work);
      for (;;) {
        const c = Atomics.add(m.claim, 0, 1);
        if (c >= total) break;
        const r = runChunk(k.batch, m.work, c);
        port.postMessage({ task: m.task, chunk: c, ...r });
      }
    } catch (e) {
      port.postMessage({ task: m.task, error: e instanceof Error ? (e.stack ?? e.message) : String(e) });
    }
  }
});
