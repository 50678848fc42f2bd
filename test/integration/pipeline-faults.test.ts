import { type ChildProcess, spawn } from 'node:child_process';
import { readTx } from '@onemap/graph-schema/server';
import { findBatch } from '@onemap/resolver/graph';
import { startIngestWorker } from '@onemap/resolver/jobs';
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM script without types
import { startNeo4jService, stopNeo4jService } from '../../scripts/services.mjs';
import { requireLocalServices, TEST_PROFILE, testEnv } from '../helpers/env.ts';
import { clearGraph } from '../helpers/graph.ts';
import { entityPartition } from '../helpers/graph-fingerprint.ts';
import { ingestDirect, openTestPipeline, sampleFiles, useTestPipeline } from '../helpers/pipeline.ts';

const t = useTestPipeline();

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function startWorkerProcess(env: Record<string, string> = {}): ChildProcess {
  // `node --import tsx`, not tsx's cli wrapper: the wrapper runs the worker in a child process, so
  // SIGKILL reached only the wrapper and the real worker lived on, taking later tests' jobs.
  return spawn(process.execPath, ['--import', 'tsx', 'resolver/src/cli/main.ts', 'worker', '--concurrency', '1'], {
    env: {
      ...process.env,
      ...testEnv,
      ONEMAP_CHUNK_SIZE: '250',
      ONEMAP_STAGING_DIR: t.pipeline.deps.stagingDir,
      ONEMAP_REJECTS_DIR: t.pipeline.deps.rejectsDir,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

async function countRecords(batchId: string): Promise<number> {
  return readTx(t.graph, async (tx) => {
    const r = await tx.run('MATCH (r:SourceRecord {batchId: $batchId}) RETURN count(r) AS n', { batchId });
    return r.records[0]!.get('n') as number;
  });
}

async function waitFor<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const v = await fn().catch(() => undefined);
    if (v) return v;
    await sleep(250);
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** A new worker process finishes the batch; every record of it is in the graph once. */
async function finishInNextWorker(batchId: string): Promise<void> {
  const next = startWorkerProcess();
  // Read what it prints (a pipe nobody reads fills, and the worker blocks writing to it) and name it in a failure.
  let out = '';
  next.stdout?.on('data', (d) => (out += d));
  next.stderr?.on('data', (d) => (out += d));
  try {
    const info = await waitFor(
      'the batch to finish in the next worker',
      async () => {
        const b = await findBatch(t.graph, batchId);
        return b?.status === 'done' && b;
      },
      180_000,
    );
    expect(await countRecords(batchId), `${JSON.stringify(info)}\n${out}`).toBe((info.rows ?? 0) - (info.rejected ?? 0));
  } finally {
    // Wait until it is gone: a worker left running would take jobs meant for later tests.
    const exited = new Promise((r) => next.once('exit', r));
    next.kill('SIGTERM');
    await Promise.race([exited, sleep(30_000).then(() => next.kill('SIGKILL'))]);
  }
}

describe('the pipeline survives faults', () => {
  it('a worker killed (SIGKILL) in the middle of a batch: after a restart every record is in exactly once', async () => {
    const [[source, file]] = sampleFiles(['2026-03-02'], ['household']) as [[string, string]];
    const submitted = await t.pipeline.submitFile(source, file);
    const first = startWorkerProcess();
    try {
      // Kill it after some chunks were committed but before the batch is done.
      const partial = await waitFor(
        'a first committed chunk',
        async () => {
          const n = await countRecords(submitted.batchId);
          return n > 0 && n;
        },
        120_000,
      );
      first.kill('SIGKILL');
      expect(partial).toBeLessThan(2500);
      expect((await findBatch(t.graph, submitted.batchId))?.status).toBe('processing');
    } finally {
      first.kill('SIGKILL');
    }
    await finishInNextWorker(submitted.batchId);
    const afterKill = await entityPartition(t.graph);
    // The same file resolved in one uninterrupted run gives the same entities.
    await clearGraph(t.graph);
    const clean = openTestPipeline();
    try {
      await ingestDirect(clean.pipeline, [[source, file]]);
      expect(await entityPartition(clean.graph)).toEqual(afterKill);
    } finally {
      await clean.close();
    }
  }, 600_000);

  it('a worker asked to stop (SIGTERM) in a batch that outlasts its grace hands the batch back and exits; the next worker finishes it', async () => {
    await clearGraph(t.graph);
    const [[source, file]] = sampleFiles(['2026-03-02'], ['household']) as [[string, string]];
    const submitted = await t.pipeline.submitFile(source, file);
    const first = startWorkerProcess({ ONEMAP_WORKER_STOP_MS: '300' });
    let out = '';
    first.stdout?.on('data', (d) => (out += d));
    first.stderr?.on('data', (d) => (out += d));
    const exited = new Promise<number | null>((r) => first.once('exit', (code) => r(code)));
    try {
      await waitFor('a first committed chunk', async () => (await countRecords(submitted.batchId)) > 0, 120_000);
      const asked = Date.now();
      first.kill('SIGTERM');
      const code = await Promise.race([exited, sleep(20_000).then(() => 'still running')]);
      expect(code, out).toBe(1);
      expect(Date.now() - asked).toBeLessThan(20_000);
      expect(out).toMatch(/worker: not stopped 300 ms after SIGTERM: exiting without waiting/);
      expect(out).toContain('worker: handed 1 jobs back to their queues');
      // back in the wait list at once, not held by a dead worker's lock until the stall check
      expect(await t.pipeline.jobState(submitted.batchId)).toBe('waiting');
    } finally {
      first.kill('SIGKILL');
    }
    await finishInNextWorker(submitted.batchId);
  }, 400_000);

  it('a graph reset while Redis still remembers the completed jobs: delivering the files again runs them again', async () => {
    await clearGraph(t.graph);
    const files = sampleFiles(['2026-03-03'], ['rail']);
    const worker = startIngestWorker(t.pipeline, { concurrency: 1 });
    try {
      const [source, file] = files[0]!;
      const first = await t.pipeline.submitFile(source, file);
      const done = await waitFor(
        'the first run',
        async () => {
          const b = await findBatch(t.graph, first.batchId);
          return b?.status === 'done' && b;
        },
        120_000,
      );
      // the batch is done in the graph a moment before BullMQ records its job as completed
      await waitFor('the first job completed', async () => (await t.pipeline.jobState(first.batchId)) === 'completed', 30_000);
      await clearGraph(t.graph); // the graph is restored from an older backup, Redis is not
      const again = await t.pipeline.submitFile(source, file);
      expect(again.batchId).toBe(first.batchId);
      const redone = await waitFor(
        'the second run',
        async () => {
          const b = await findBatch(t.graph, again.batchId);
          return b?.status === 'done' && b;
        },
        120_000,
      );
      expect(redone.written).toBe(done.written);
      expect(await countRecords(first.batchId)).toBe(done.written);
    } finally {
      await worker.close();
    }
  }, 300_000);

  it('Neo4j stopped in the middle of a run and started again: the run completes', async () => {
    requireLocalServices();
    await clearGraph(t.graph);
    const files = sampleFiles(['2026-03-03', '2026-03-04']);
    const worker = startIngestWorker(t.pipeline, { concurrency: 1 });
    try {
      const submitted: { batchId: string }[] = [];
      for (const [s, f] of files) submitted.push(await t.pipeline.submitFile(s, f));
      await waitFor(
        'a first finished batch',
        async () => (await findBatch(t.graph, submitted[0]!.batchId))?.status === 'done',
        120_000,
      );
      // Must really stop it: a test Neo4j started by another checkout cannot be stopped from here.
      expect(await stopNeo4jService(TEST_PROFILE)).toMatch(/stopped|killed/);
      await sleep(3000);
      await startNeo4jService(TEST_PROFILE);
      for (const s of submitted) {
        const b = await waitFor(
          `batch ${s.batchId}`,
          async () => {
            const x = await findBatch(t.graph, s.batchId);
            return (x?.status === 'done' || x?.status === 'rejected') && x;
          },
          240_000,
        );
        expect(b.status).toBe('done');
        expect(await countRecords(s.batchId)).toBe((b.rows ?? 0) - (b.rejected ?? 0) - (b.unchanged ?? 0));
      }
    } finally {
      await worker.close();
    }
  }, 600_000);
});
