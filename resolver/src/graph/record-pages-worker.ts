/**
 * A worker thread that reads the index's pages of source records ahead of the thread that adds
 * them (`record-pages-thread.ts`): with its own driver, page after page, at most `ahead` pages
 * handed over and not yet taken. Bolt's decoding runs here; the JSON is parsed where it is used.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createDriver, type Neo4jConfig, toGraphError } from '@onemap/graph-schema/server';
import { pageAfter, pageAtStart, readRecordPage } from './load-index.ts';
import type { PagesJob, PagesMessage } from './record-pages-thread.ts';

const job = workerData as PagesJob;
const port = parentPort!;
let credits = job.ahead;
let wake: (() => void) | undefined;
port.on('message', (m: 'more') => {
  if (m !== 'more') return;
  credits++;
  wake?.();
  wake = undefined;
});

const send = (m: PagesMessage) => port.postMessage(m);
const connection: Neo4jConfig = job.connection;
const driver = createDriver(connection);
try {
  const graph = { driver, database: connection.database, readRetryMs: job.readRetryMs };
  let at = pageAtStart(job.sinceSeq);
  for (;;) {
    while (credits <= 0) await new Promise<void>((r) => (wake = r));
    const page = await readRecordPage(graph, at.afterSeq, at.afterRid, job.pageSize);
    credits--;
    send({ type: 'page', page });
    const next = pageAfter(page, job.pageSize);
    if (!next) break;
    at = next;
  }
  send({ type: 'end' });
} catch (e) {
  const g = toGraphError(e);
  send({ type: 'error', code: g.code, params: g.params });
} finally {
  await driver.close();
  port.close();
}
