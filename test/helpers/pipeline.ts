import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadCatalog, SAMPLE_DIR, SOURCE_ORDER } from '@onemap/datasets';
import { readTx } from '@onemap/graph-schema/server';
import { readBatch, stageRecords } from '@onemap/resolver/intake';
import { IngestPipeline, type PipelineDeps } from '@onemap/resolver/pipeline';
import { redisConnectionOf } from '@onemap/resolver/queue';
import { Redis } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';
import { entityIdKeyOf } from '@onemap/resolver/secrets';
import { testEnv } from './env.ts';
import { clearGraph, openTestGraph } from './graph.ts';

/** A pipeline on the test services with private staging and rejects folders. */
export function openTestPipeline(opts: { chunkSize?: number; onSync?: PipelineDeps['onSync']; pagesAheadFrom?: number } = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'onemap-pipe-'));
  const graph = openTestGraph();
  const redis = new Redis(testEnv.REDIS_URL, { maxRetriesPerRequest: 3 });
  const pipeline = new IngestPipeline({
    graph,
    redis,
    connection: redisConnectionOf(testEnv.REDIS_URL),
    catalog: loadCatalog(),
    stagingDir: path.join(dir, 'staging'),
    rejectsDir: path.join(dir, 'rejects'),
    // the test profile's generated key, as a server or a CLI built in tests reads it
    eidKey: entityIdKeyOf({ ONEMAP_DATA_DIR: testEnv.ONEMAP_DATA_DIR }),
    coTravel: { toleranceMinutes: 30, minCount: 2 },
    ...(opts.chunkSize ? { chunkSize: opts.chunkSize } : {}),
    ...(opts.onSync ? { onSync: opts.onSync } : {}),
    ...(opts.pagesAheadFrom !== undefined ? { pagesAheadFrom: opts.pagesAheadFrom } : {}),
  });
  return {
    pipeline,
    graph,
    redis,
    dir,
    async close() {
      await pipeline.close();
      redis.disconnect();
      await graph.driver.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The pipeline of a test file: opened on an empty graph and an empty Redis before the file's
 * tests, closed after them. The object is filled in by `beforeAll`; use its fields inside tests.
 */
export function useTestPipeline(opts: { chunkSize?: number } = {}): ReturnType<typeof openTestPipeline> {
  const t = {} as ReturnType<typeof openTestPipeline>;
  beforeAll(async () => {
    Object.assign(t, openTestPipeline(opts));
    await clearGraph(t.graph);
    await t.redis.flushdb();
  });
  afterAll(async () => t.close?.());
  return t;
}

/** Sample files of the given days (all sources, authoritative sources first), as [source, file]. */
export function sampleFiles(days: string[], order: readonly string[] = SOURCE_ORDER): [string, string][] {
  const out: [string, string][] = [];
  for (const source of order) {
    const dir = path.join(SAMPLE_DIR, source);
    if (!fs.existsSync(dir)) continue;
    for (const f of fs.readdirSync(dir).sort()) if (days.some((d) => f.startsWith(d))) out.push([source, path.join(dir, f)]);
  }
  return out;
}

/** Processes files directly (no queue): stage, then the worker logic, in order. */
export async function ingestDirect(pipeline: IngestPipeline, files: [string, string][]) {
  const { stageFile } = await import('@onemap/resolver/intake');
  const results = [];
  for (const [source, file] of files) {
    const batch = stageFile(pipeline.deps.stagingDir, source, file, pipeline.entry(source).file);
    results.push(await pipeline.processBatch(batch));
  }
  await pipeline.deriveNow();
  return results;
}

/** A read query on the test pipeline's graph, each row as a plain object. */
export async function queryRows<T = Record<string, unknown>>(t: ReturnType<typeof openTestPipeline>, cypher: string, params: Record<string, unknown> = {}): Promise<T[]> {
  return readTx(t.graph, async (tx) => (await tx.run(cypher, params)).records.map((r) => r.toObject() as T));
}

/** Rows of a source staged as one batch (as a push delivers them), with the records read from it. */
export function stagedGroup(t: ReturnType<typeof openTestPipeline>, source: string, rows: Record<string, string | number>[]) {
  const batch = stageRecords(t.pipeline.deps.stagingDir, source, rows);
  return { batch, records: readBatch(batch, t.pipeline.entry(source)).records };
}

