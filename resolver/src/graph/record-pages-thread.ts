/**
 * The index's read of source records (`readRecordsSince`) with its pages read ahead on a worker
 * thread (`record-pages-worker.ts`): while this thread adds one page's mentions to the index, the
 * worker has Neo4j answer the next and decodes it, so a whole sync pays neither Neo4j's time per
 * page nor Bolt's decoding on the thread that builds the index. Pages come over as columns of
 * strings and numbers (`RecordPage`), in the same order and the same records as on one thread.
 */
import { Worker } from 'node:worker_threads';
import type { ErrorParams } from '@onemap/graph-schema';
import { type Graph, GraphError, type GraphErrorCode, type Neo4jConfig } from '@onemap/graph-schema/server';
import { workerBoot } from '../worker-boot.ts';
import { RECORDS_PAGE_SIZE, type RecordPage, readRecordsSince } from './load-index.ts';

/** What the worker is told. */
export interface PagesJob {
  connection: Neo4jConfig;
  readRetryMs: number | undefined;
  sinceSeq: number;
  pageSize: number;
  /** pages it may have handed over and not had taken */
  ahead: number;
}

/** What the worker says: a page, the end, or why it stopped. */
export type PagesMessage =
  | { type: 'page'; page: RecordPage }
  | { type: 'end' }
  | { type: 'error'; code: GraphErrorCode; params: ErrorParams };

/** Pages read ahead: two keep Neo4j busy while one is added, and hold ~2 pages of records in memory. */
const PAGES_AHEAD = 2;

/**
 * `readRecordsSince`, its pages read on a worker thread when the graph says how to connect again
 * (`Graph.connection`); else on this thread. Leaving the loop early stops the worker.
 */
export async function* readRecordsSinceAhead(
  graph: Graph,
  sinceSeq: number,
  pageSize = RECORDS_PAGE_SIZE,
): AsyncGenerator<RecordPage> {
  if (!graph.connection) {
    yield* readRecordsSince(graph, sinceSeq, pageSize);
    return;
  }
  const job: PagesJob = {
    connection: graph.connection,
    readRetryMs: graph.readRetryMs,
    sinceSeq,
    pageSize,
    ahead: PAGES_AHEAD,
  };
  const worker = new Worker(workerBoot(new URL('./record-pages-worker.ts', import.meta.url)), {
    eval: true,
    workerData: job,
  });
  const queue: (PagesMessage | Error)[] = [];
  let wake: (() => void) | undefined;
  const push = (m: PagesMessage | Error) => {
    queue.push(m);
    wake?.();
    wake = undefined;
  };
  let ended = false;
  worker.on('message', (m: PagesMessage) => push(m));
  worker.on('error', (e) => push(e));
  worker.on('exit', (code) => {
    if (!ended) push(new Error(`the record pages worker exited with ${code} before its last page`));
  });
  try {
    for (;;) {
      while (!queue.length) await new Promise<void>((r) => (wake = r));
      const m = queue.shift()!;
      if (m instanceof Error) throw m;
      if (m.type === 'error') throw new GraphError(m.code, m.params);
      if (m.type === 'end') {
        ended = true;
        return;
      }
      worker.postMessage('more');
      // the event loop turns between pages: with the next page already here nothing else would
      // (timers, sockets) until the whole sync ends — a job's lock renewal among them (BullMQ's
      // lock lapsed after 30 s of a province's sync: the job was taken as stalled and failed)
      await new Promise<void>((r) => setImmediate(r));
      if (m.page.rid.length) yield m.page;
    }
  } finally {
    ended = true;
    await worker.terminate();
  }
}
