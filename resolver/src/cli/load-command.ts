/**
 * `onemap load <dir> [--force]`: bulk load of an empty graph with the real tool for it. Resolves
 * every delivery file of `<dir>` (laid out `<dir>/<source>/<files>`, authoritative sources first)
 * in memory with the pipeline's own record-at-a-time logic and the committed models, writes
 * neo4j-admin import CSVs, stops Neo4j, imports, starts it, applies the migrations (constraints,
 * indexes) and waits until every index is ONLINE. Co-travel is derived in memory before the import and its
 * CO_TRAVELED edges imported with the rest (`bulk-co-travel.ts`). The graph is the one
 * `onemap ingest` would write for the same files, with its batches and pipeline state, so later
 * incremental deliveries continue from it (and the same files delivered again are no-ops).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SOURCE_ORDER } from '@onemap/datasets';
import type { SourceCatalogEntry } from '@onemap/graph-schema';
import { createDriver, type Graph, migrate } from '@onemap/graph-schema/server';
import { Redis } from 'ioredis';
import { loadResolverConfig } from '../config.ts';
import type { CoTravelSettings } from '../derive/co-travel.ts';
import { ResolverError } from '../errors.ts';
import { awaitIndexesOnline, countLoadedFacts } from '../graph/bulk-load-state.ts';
import { readSyncState } from '../graph/load-index.ts';
import { setAppliedSequence } from '../pipeline/applied-sequence.ts';
import { resolveBulkLoad } from '../pipeline/bulk-load.ts';
import { writeBulkLoadCsv } from '../pipeline/bulk-load-csv.ts';
import { pipelineSettingsOf } from '../pipeline/pipeline-from-config.ts';
import { readBatch } from '../intake/read-batch.ts';
import { type StagedBatch, stagedPathOf } from '../intake/staged-batch.ts';
import { runBatchQuality } from '../quality/run-batch-quality.ts';


const SERVICES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../scripts/services.mjs');
const USAGE = 'usage: onemap load <dir> [--if-empty | --force]   (bulk load of an empty graph; --if-empty: do nothing when it holds data; --force: replace it)';

/** Delivery files of a directory in load order: authoritative sources first, files by name. */
export function deliveryFiles(dir: string, catalog: SourceCatalogEntry[]): { source: string; path: string }[] {
  const known = new Set(catalog.map((c) => c.id));
  const present = fs.readdirSync(dir).filter((d) => known.has(d) && fs.statSync(path.join(dir, d)).isDirectory());
  const ordered = [...SOURCE_ORDER.filter((s) => present.includes(s)), ...present.filter((s) => !SOURCE_ORDER.includes(s)).sort()];
  return ordered.flatMap((source) =>
    fs
      .readdirSync(path.join(dir, source))
      .filter((f) => /\.(csv|jsonl|json|ndjson)$/i.test(f))
      .sort()
      .map((f) => ({ source, path: path.join(dir, source, f) })),
  );
}

export interface BulkLoadRun {
  files: { source: string; path: string }[];
  catalog: SourceCatalogEntry[];
  /** Neo4j connection (a fresh driver is made after the restart) */
  neo4j: { uri: string; user: string; password: string; database: string };
  stagingDir: string;
  rejectsDir: string;
  /** The key of the entity ids (`entityIdKeyOf`): the same as the workers' that continue from the loaded graph. */
  eidKey: Uint8Array;
  /** where the import CSVs are written */
  csvDir: string;
  coTravel: CoTravelSettings;
  /** services profile (dev, test, bench) and environment for scripts/services.mjs */
  profile?: string;
  env?: NodeJS.ProcessEnv;
  force?: boolean;
  /** a graph that holds data is left alone (no error): `npm start` on a graph loaded before */
  ifEmpty?: boolean;
  log?: (line: string) => void;
}

export interface BulkLoadReport {
  /** false when `ifEmpty` found data and nothing was loaded */
  loaded: boolean;
  rows: number;
  written: number;
  rejected: number;
  batches: number;
  nodes: number;
  relationships: number;
  /** stage timings in ms */
  ms: Record<string, number>;
  /** CPU time in ms of the loading process's stages (resolve: read + resolve; csv: rows, CSV and co-travel) and of the neo4j-admin JVM (import) */
  cpu: Record<string, number>;
  /** the resolution sequence the loaded graph ends at (0 when nothing was loaded) */
  seq: number;
  /** the batches loaded (empty when nothing was): what `writeLoadedQualityReports` checks */
  loadedBatches?: LoadedBatch[];
}

/** A batch a bulk load wrote: enough to read its staged delivery again. */
export interface LoadedBatch {
  batchId: string;
  source: string;
  hash: string;
  originalName: string;
  receivedAt: string;
  status: string;
}

/**
 * The quality reports of a bulk load's batches, as the incremental path writes one per batch
 * (`runBatchQuality`: the batch rules, ticket checks): each staged delivery read and standardized
 * again, one at a time. Without it the quality screen of a graph just loaded showed no problem at
 * all. Run after the load (its time is not the load's), by `onemap load`.
 * @returns the batches checked
 */
export async function writeLoadedQualityReports(graph: Graph, batches: readonly LoadedBatch[], catalog: SourceCatalogEntry[], stagingDir: string): Promise<number> {
  const byId = new Map(catalog.map((c) => [c.id, c]));
  let checked = 0;
  for (const b of batches) {
    const entry = byId.get(b.source);
    if (!entry || b.status !== 'done') continue;
    const stagedPath = stagedPathOf(stagingDir, b.source, b.hash, entry.file.format);
    if (!fs.existsSync(stagedPath)) continue;
    const batch: StagedBatch = { batchId: b.batchId, source: b.source, hash: b.hash, stagedPath, originalName: b.originalName, format: entry.file.format, encoding: entry.file.encoding, receivedAt: b.receivedAt, way: 'file' };
    // the records as they are now in the graph are this very delivery: no earlier version to compare
    await runBatchQuality(graph, batch, entry, readBatch(batch, entry), undefined, new Map());
    checked++;
  }
  return checked;
}

/** CPU time (user + system) of this process so far, in ms. */
const cpuNow = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** The environment for scripts/services.mjs: a local NEO4J_URI becomes its Bolt port, so the script manages that Neo4j. */
function servicesEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out = { ...env };
  const m = /^(?:bolt|neo4j):\/\/(?:127\.0\.0\.1|localhost):(\d+)\/?$/.exec(env.NEO4J_URI ?? '');
  if (m) {
    out.NEO4J_BOLT_PORT = m[1];
    delete out.NEO4J_URI;
  }
  const r = /^redis:\/\/(?:127\.0\.0\.1|localhost):(\d+)\/?$/.exec(env.REDIS_URL ?? '');
  if (r) {
    out.REDIS_PORT = r[1];
    delete out.REDIS_URL;
  }
  return out;
}

/** Runs a bulk load end to end (see the file comment). */
export async function runBulkLoad(o: BulkLoadRun): Promise<BulkLoadReport> {
  const log = o.log ?? (() => undefined);
  const ms: Record<string, number> = {};
  const cpu: Record<string, number> = {};
  const open = (): Graph => ({ driver: createDriver(o.neo4j), database: o.neo4j.database });
  let graph = open();
  try {
    const before = await countLoadedFacts(graph);
    if ((before.entities || before.records) && o.ifEmpty) {
      log(`load: the graph already holds ${before.entities} entities and ${before.records} source records; nothing loaded`);
      return { loaded: false, rows: 0, written: 0, rejected: 0, batches: 0, nodes: 0, relationships: 0, ms: {}, cpu: {}, seq: 0 };
    }
    if ((before.entities || before.records) && !o.force) {
      throw new ResolverError('ONEMAP_ERR_USAGE', {
        detail: `the graph already holds ${before.entities} entities and ${before.records} source records; a bulk load replaces the database (use onemap ingest, or --force)`,
      });
    }
  } finally {
    await graph.driver.close();
  }
  let t = performance.now();
  let c = cpuNow();
  fs.mkdirSync(path.dirname(o.csvDir), { recursive: true });
  // First pass: resolve, the records' facts spilled to disk until every entity is final.
  const spillFile = `${o.csvDir}.spill.jsonl`;
  const res = await resolveBulkLoad(o.files, {
    catalog: o.catalog,
    stagingDir: o.stagingDir,
    rejectsDir: o.rejectsDir,
    eidKey: o.eidKey,
    spillFile,
    onRestart: (file, reason) => log(`load: ${file} rejected after some of its records were resolved (${reason}): the first pass starts again without it`),
  });
  ms.read = res.ms.read;
  ms.resolve = res.ms.resolve;
  cpu.resolve = cpuNow() - c;
  c = cpuNow();
  log(`load: ${res.rows} records in ${res.batches.length} batches resolved (${((performance.now() - t) / 1000).toFixed(1)} s)`);
  // Second pass: rows with every mention's final entity, streamed into the CSVs.
  const { files, coTraveled, ms: csvMs, coTravelThreadMs } = await writeBulkLoadCsv(res, o.csvDir, o.coTravel);
  fs.rmSync(spillFile, { force: true });
  Object.assign(ms, csvMs);
  cpu.csv = cpuNow() - c;
  log(`load: ${coTraveled} CO_TRAVELED edges derived in memory on a thread of their own (${(coTravelThreadMs / 1000).toFixed(1)} s beside the entity rows, ${(csvMs.coTravel / 1000).toFixed(1)} s waited for after them)`);
  log(`load: ${files.nodeCount} nodes, ${files.relationshipCount} relationships written as CSV to ${o.csvDir} (${(csvMs.csv / 1000).toFixed(1)} s)`);
  t = performance.now();
  const args = [SERVICES, 'import', o.csvDir, ...(o.profile ? ['--profile', o.profile] : [])];
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', env: servicesEnv(o.env ?? process.env), maxBuffer: 16 << 20 });
  if (r.status !== 0) throw new ResolverError('ONEMAP_ERR_INTERNAL', { detail: `bulk import failed: ${(r.stderr || r.stdout).trim().split('\n').slice(-2).join(' ')}` });
  const stages = JSON.parse(/ONEMAP_IMPORT_MS (\{.*\})/.exec(r.stdout)?.[1] ?? '{}') as Record<string, number>;
  Object.assign(ms, { stop: stages.stop ?? 0, import: stages.import ?? 0, start: stages.start ?? 0 });
  if (stages.importCpu !== undefined) cpu.import = stages.importCpu;
  log(`load: neo4j-admin import done (stop ${(ms.stop! / 1000).toFixed(1)} s, import ${(ms.import! / 1000).toFixed(1)} s, start ${(ms.start! / 1000).toFixed(1)} s)`);
  graph = open();
  let seq: number;
  try {
    t = performance.now();
    await migrate(graph, undefined, {
      freshImport: true,
      onStatement: (x) => {
        if (x.ms >= 1000) log(`load: migration ${x.file} statement ${x.index + 1}: ${(x.ms / 1000).toFixed(1)} s`);
      },
    });
    const tOnline = performance.now();
    await awaitIndexesOnline(graph);
    log(`load: indexes ONLINE ${((performance.now() - tOnline) / 1000).toFixed(1)} s after the last migration`);
    ms.indexes = performance.now() - t;
    log(`load: migrations applied, every index ONLINE (${(ms.indexes / 1000).toFixed(1)} s)`);
    seq = (await readSyncState(graph)).seq;
  } finally {
    await graph.driver.close();
  }
  const loadedBatches = res.batches.map((b) => ({ batchId: b.batchId, source: b.source, hash: b.hash, originalName: b.originalName, receivedAt: b.receivedAt ?? res.loadedAt, status: b.status }));
  return { loaded: true, rows: res.rows, written: res.written, rejected: res.rejected, batches: res.batches.length, nodes: files.nodeCount, relationships: files.relationshipCount, ms, cpu, seq, loadedBatches };
}

export async function run(argv: string[]): Promise<number> {
  if (argv.includes('--help')) {
    console.log(USAGE);
    return 0;
  }
  const dir = argv.find((a) => !a.startsWith('--'));
  if (!dir || !fs.existsSync(dir)) throw new ResolverError('ONEMAP_ERR_USAGE', { detail: USAGE });
  const config = loadResolverConfig();
  const settings = pipelineSettingsOf(config);
  const t0 = performance.now();
  const report = await runBulkLoad({
    files: deliveryFiles(dir, settings.catalog),
    catalog: settings.catalog,
    neo4j: { uri: config.NEO4J_URI, user: config.NEO4J_USER, password: config.NEO4J_PASSWORD, database: config.NEO4J_DATABASE },
    stagingDir: settings.stagingDir,
    rejectsDir: settings.rejectsDir,
    eidKey: settings.eidKey,
    csvDir: path.resolve(config.ONEMAP_DATA_DIR ?? '.data', 'import-csv'),
    coTravel: settings.coTravel,
    ...(process.env.ONEMAP_PROFILE ? { profile: process.env.ONEMAP_PROFILE } : {}),
    force: argv.includes('--force'),
    ifEmpty: argv.includes('--if-empty'),
    log: (l) => console.log(l),
  });
  if (!report.loaded) return 0;
  // a new database, a new sequence: the workers' standbys may follow the loaded graph at once
  // (the load stands without it: they then follow it from the first write after it)
  const redis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: 3 });
  try {
    await setAppliedSequence(redis, report.seq);
  } catch (e) {
    console.warn(`load: the loaded sequence not noted in Redis (${(e as Error).message}); standby workers follow the graph from its next write`);
  } finally {
    redis.disconnect();
  }
  console.log(
    `load: ${report.rows} records (${report.written} written, ${report.rejected} rejected) in ${((performance.now() - t0) / 1000).toFixed(1)} s; stages ${Object.entries(report.ms)
      .map(([k, v]) => `${k} ${(v / 1000).toFixed(1)} s`)
      .join(', ')}`,
  );
  // the loaded batches' quality reports, after the load (the graph serves meanwhile)
  const tq = performance.now();
  const neo4j = { uri: config.NEO4J_URI, user: config.NEO4J_USER, password: config.NEO4J_PASSWORD, database: config.NEO4J_DATABASE };
  const graph: Graph = { driver: createDriver(neo4j), database: neo4j.database };
  try {
    const checked = await writeLoadedQualityReports(graph, report.loadedBatches ?? [], settings.catalog, settings.stagingDir);
    console.log(`load: quality reports of ${checked} loaded batches written (${((performance.now() - tq) / 1000).toFixed(1)} s)`);
  } finally {
    await graph.driver.close();
  }
  return 0;
}
