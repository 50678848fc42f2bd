/**
 * Pipeline benchmark: `npm run bench pipeline -- [--input <dir> | --persons N] [--realtime-seconds S] [--warmup-seconds W] [--rate R]
 * [--realtime-source hotel|checkpoint] [--push-size 10] [--workers 0|1|2] [--incremental-days D]` (the real-time part alone:
 * `npm run bench realtime`).
 * Runs on its own services (profile `bench`: Bolt 7690, Redis 6382, .data/bench; NEO4J_BOLT_PORT /
 * REDIS_PORT override the ports). First a bulk load (`onemap load`: resolve in memory, import CSVs,
 * neo4j-admin import, indexes online) of every day but the last `--incremental-days` (default 1), timed
 * per stage; then the remaining files through the real incremental path (staging →
 * BullMQ → worker → Neo4j) on the loaded graph, and prints: records/s end to end and per stage,
 * peak memory of each process, the machine's load average, F1 of the
 * entities in the graph against the ground truth next to the in-memory resolver's F1, co-travel
 * precision/recall against the planted companions, and push-to-visible latency percentiles at a
 * steady push rate (`--realtime-seconds`, default 60, at `--rate`, default 500 records/s; 0 skips it;
 * after `--warmup-seconds`, default 0, of the same, unmeasured and waited for).
 * A summary block at the end repeats the headline figures. Figures are printed, never asserted.
 */
import { entityIdKeyOf } from '@onemap/resolver/secrets';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadCatalog, SAMPLE_DIR } from '@onemap/datasets';
import { migrate, openGraph, readTx } from '@onemap/graph-schema/server';
import { evaluate, resolveBatch } from '@onemap/resolver';
import { type BatchInfo, findBatch } from '@onemap/resolver/graph';
import { loadDirectory, loadTruth } from '@onemap/resolver/intake';
import { startIngestWorker } from '@onemap/resolver/jobs';
import { IngestPipeline } from '@onemap/resolver/pipeline';
import { redisConnectionOf } from '@onemap/resolver/queue';
import { Redis } from 'ioredis';
import { benchProvince } from './lib/bench-province.ts';
import { benchRealtime } from './lib/bench-realtime.ts';
import { servicePid } from './lib/proc-cpu.ts';
import { deliveryFiles, runBulkLoad } from '../resolver/src/cli/load-command.ts';
// @ts-expect-error plain ESM script without types
import { up } from './services.mjs';

const { values: a } = parseArgs({
  args: process.argv.slice(2).filter((x) => x !== '--'),
  options: {
    input: { type: 'string' },
    persons: { type: 'string' },
    'realtime-seconds': { type: 'string', default: '60' },
    /** seconds pushed at the rate before the measured real-time run, unmeasured (`RealtimeBenchOptions.warmupSeconds`) */
    'warmup-seconds': { type: 'string', default: '0' },
    rate: { type: 'string', default: '500' },
    /** real time: the pushing source (checkpoint is trace-only), records per push, `onemap worker` processes (0: in this process) */
    'realtime-source': { type: 'string', default: 'hotel' },
    'push-size': { type: 'string', default: '10' },
    workers: { type: 'string', default: '0' },
    'chunk-size': { type: 'string', default: '5000' },
    /** how many of the last days go through the incremental path (the rest is bulk loaded) */
    'incremental-days': { type: 'string', default: '1' },
    /** the in-memory batch resolver's F1 beside the graph's (false at a million records: it holds every mention at once) */
    'in-memory-f1': { type: 'string', default: 'true' },
  },
});

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function vmHwmMiB(pid: number | undefined): string {
  if (!pid) return '?';
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? `${fmt(Number(m[1]) / 1024)} MiB` : '?';
  } catch {
    return '?';
  }
}

// ---- input ----
let input = a.input ?? SAMPLE_DIR;
// the same folder every bench of a size uses (`npm run bench resolve -- --persons N` too)
if (a.persons) input = benchProvince(a.persons);

// ---- services ----
const loadAtStart = os.loadavg();
const s = await up('bench');
const redis = new Redis(s.redisUrl, { maxRetriesPerRequest: 3 });
await redis.flushdb();
const work = path.join(s.dataDir, 'work');
fs.rmSync(work, { recursive: true, force: true });
const catalog = loadCatalog();

// ---- bulk load of all days but the last ----
const all = deliveryFiles(input, catalog);
const days = [...new Set(all.map((f) => path.basename(f.path).slice(0, 10)))].sort();
const incrementalDays = new Set(days.slice(days.length - Number(a['incremental-days'])));
const bulkFiles = all.filter((f) => !incrementalDays.has(path.basename(f.path).slice(0, 10)));
console.log(`bench: bulk load of ${bulkFiles.length} files (${days.length - incrementalDays.size} days), then ${all.length - bulkFiles.length} files incrementally`);
const tb = performance.now();
const bulk = await runBulkLoad({
  files: bulkFiles,
  catalog,
  neo4j: { uri: s.neo4jUri, user: s.neo4jUser, password: s.neo4jPassword, database: 'neo4j' },
  stagingDir: path.join(work, 'staging'),
  rejectsDir: path.join(work, 'rejects'),
  eidKey: entityIdKeyOf({ ONEMAP_DATA_DIR: s.dataDir }),
  csvDir: path.join(work, 'import-csv'),
  coTravel: { toleranceMinutes: 30, minCount: 2 },
  profile: 'bench',
  force: true,
  log: (l) => console.log(`   ${l}`),
});
const bulkMs = performance.now() - tb;
const bulkRss = process.resourceUsage().maxRSS / 1024;
const cpuOf = (ms: Record<string, number>) => Object.entries(ms).map(([k, v]) => `${k} ${(v / 1000).toFixed(1)} s`).join(', ');
const summary: string[] = [
  `bulk load ${fmt(bulk.rows)} records in ${(bulkMs / 1000).toFixed(1)} s wall: ${Object.entries(bulk.ms)
    .map(([k, v]) => `${k} ${(v / 1000).toFixed(1)} s`)
    .join(', ')}; peak RSS of the bulk resolver ${fmt(bulkRss)} MiB`,
  `bulk load CPU (loading process; import: the neo4j-admin JVM): ${cpuOf(bulk.cpu)}`,
];
console.log(`\n== bulk load: ${fmt(bulk.rows)} source records → ${fmt(bulk.nodes)} nodes, ${fmt(bulk.relationships)} relationships in ${(bulkMs / 1000).toFixed(1)} s wall (${fmt((bulk.rows / bulkMs) * 1000)} records/s)`);
for (const [k, v] of Object.entries(bulk.ms)) console.log(`   ${k.padEnd(9)} ${(v / 1000).toFixed(1).padStart(8)} s`);
console.log(`   CPU: ${cpuOf(bulk.cpu)}`);
console.log(`   peak RSS of the loading process so far ${fmt(bulkRss)} MiB; load average ${os.loadavg().map((x) => x.toFixed(1)).join('/')}`);
const graph = openGraph({ uri: s.neo4jUri, user: s.neo4jUser, password: s.neo4jPassword, database: 'neo4j' });
const { driver } = graph;
await migrate(graph);
const pipeline = new IngestPipeline({
  graph,
  redis,
  connection: redisConnectionOf(s.redisUrl),
  catalog,
  stagingDir: path.join(work, 'staging'),
  rejectsDir: path.join(work, 'rejects'),
  eidKey: entityIdKeyOf({ ONEMAP_DATA_DIR: s.dataDir }),
  coTravel: { toleranceMinutes: 30, minCount: 2 },
  chunkSize: Number(a['chunk-size']),
  // the time of every write statement on stderr (the resolver's ONEMAP_TRACE_WRITES)
  traceWrites: process.env.ONEMAP_TRACE_WRITES === 'true',
});

// ---- incremental run on the loaded graph ----
const files: [string, string][] = all.filter((f) => !bulkFiles.includes(f)).map((f) => [f.source, f.path]);
console.log(`\nbench: ${files.length} files from ${input} through the incremental path`);
const t0 = performance.now();
const worker = startIngestWorker(pipeline, { concurrency: 1 });
const submitted: string[] = [];
for (const [source, file] of files) submitted.push((await pipeline.submitFile(source, file)).batchId);
const infos = new Map<string, BatchInfo>();
while (infos.size < new Set(submitted).size) {
  for (const id of new Set(submitted)) {
    if (infos.has(id)) continue;
    const b = await findBatch(graph, id);
    if (b && ['done', 'rejected', 'failed'].includes(b.status)) infos.set(id, b);
  }
  if ((await Promise.all(submitted.filter((id) => !infos.has(id)).map((id) => pipeline.jobState(id)))).includes('failed')) {
    console.error('bench: a batch failed every attempt; see `onemap jobs --dead`');
    break;
  }
  await sleep(200);
}
const writtenMs = performance.now() - t0;
const t0d = performance.now();
for (;;) {
  const c = await pipeline.deriveQueue().getJobCounts('waiting', 'delayed', 'active');
  if (!c.waiting && !c.delayed && !c.active && !(await redis.scard('onemap:derive:cotravel'))) break;
  await sleep(200);
}
const deriveMs = performance.now() - t0d;
const wallMs = writtenMs + deriveMs;
const stage: Record<string, number> = {};
let rows = 0;
let written = 0;
for (const b of infos.values()) {
  rows += b.rows ?? 0;
  written += b.written ?? 0;
  for (const [k, v] of Object.entries(JSON.parse(b.msJson ?? '{}') as Record<string, number>)) stage[k] = (stage[k] ?? 0) + v;
}
summary.push(`incremental on the loaded graph: ${fmt(rows)} records in ${(wallMs / 1000).toFixed(1)} s → ${fmt((rows / wallMs) * 1000)} records/s end to end`);
console.log(`\n== incremental on the loaded graph: ${fmt(rows)} source records (${fmt(written)} written) in ${(wallMs / 1000).toFixed(1)} s → ${fmt((rows / wallMs) * 1000)} records/s end to end`);
console.log(`   all batches written after ${(writtenMs / 1000).toFixed(1)} s; co-travel derivation finished ${(deriveMs / 1000).toFixed(1)} s later`);
for (const [k, v] of Object.entries(stage)) console.log(`   ${k.padEnd(9)} ${(v / 1000).toFixed(1).padStart(8)} s   ${v > 0 ? `${fmt((rows / v) * 1000)} records/s` : ''}`);
const neo4jPid = servicePid(s.dataDir, 'neo4j');
const redisInfo = await redis.info('memory');
console.log(
  `   peak memory: pipeline process ${fmt(process.resourceUsage().maxRSS / 1024)} MiB, Neo4j JVM ${vmHwmMiB(neo4jPid)}, Redis ${/used_memory_peak_human:(\S+)/.exec(redisInfo)?.[1]}`,
);

// ---- accuracy: graph vs in-memory ----
const truthFile = path.join(input, 'truth', 'records.csv');
if (fs.existsSync(truthFile)) {
  const truth = loadTruth(truthFile);
  const inGraph = await readTx(graph, async (tx) => {
    const r = await tx.run(
      `MATCH (s:SourceRecord)-[x:RESOLVED_TO]->(e:Entity)
       RETURN s.rid + ':' + x.role AS key, e.eid AS eid, [l IN labels(e) WHERE l <> 'Entity'][0] AS kind`,
    );
    return r.records.map((x) => [x.get('key') as string, x.get('eid') as string, x.get('kind') as string] as const);
  });
  const t1 = performance.now();
  const withMemory = a['in-memory-f1'] !== 'false';
  const loaded = withMemory ? loadDirectory(input, 'datasets/catalog') : null;
  const mem = loaded ? resolveBatch(loaded.mentions) : { entityOf: new Map<string, string>() };
  const memMs = performance.now() - t1;
  const kindOfKey = new Map(loaded ? loaded.mentions.map((m) => [m.key, m.kind]) : inGraph.map(([key, , kind]) => [key, kind]));
  console.log(`\n== accuracy against ground truth (graph after incremental ingestion vs the in-memory batch resolver, ${(memMs / 1000).toFixed(1)} s)`);
  console.log('   kind            graph pairwise P/R/F1        in-memory pairwise P/R/F1    graph cluster F1  in-memory cluster F1  graph vs in-memory pairwise F1');
  for (const kind of ['Person', 'Organization', 'Place', 'Vehicle', 'Phone', 'Case']) {
    const g = new Map(inGraph.filter(([, , k]) => k === kind).map(([key, eid]) => [key, eid]));
    const m = new Map([...mem.entityOf].filter(([key]) => kindOfKey.get(key) === kind));
    const t = new Map([...truth].filter(([key]) => kindOfKey.get(key) === kind));
    if (!t.size) continue;
    const eg = evaluate(g, t);
    const em = evaluate(m, t);
    const p3 = (e: typeof eg) => `${e.pairwise.precision.toFixed(4)}/${e.pairwise.recall.toFixed(4)}/${e.pairwise.f1.toFixed(4)}`;
    // the graph's partition scored with the in-memory resolver's clusters as the truth
    const gm = evaluate(g, new Map([...m].filter(([key]) => g.has(key))));
    // without the in-memory resolver (`--in-memory-f1 false`) its columns say so: an empty partition scores 1.0000
    const off = 'not run';
    const memP3 = withMemory ? p3(em) : off;
    const memCluster = withMemory ? em.cluster.f1.toFixed(4) : off;
    const graphVsMem = withMemory ? gm.pairwise.f1.toFixed(4) : off;
    if (kind === 'Person') summary.push(`Person pairwise F1: graph ${eg.pairwise.f1.toFixed(4)} vs ground truth, in-memory resolver ${withMemory ? em.pairwise.f1.toFixed(4) : off}; graph vs in-memory ${graphVsMem}`);
    console.log(`   ${kind.padEnd(14)}  ${p3(eg).padEnd(28)} ${memP3.padEnd(28)} ${eg.cluster.f1.toFixed(4).padEnd(17)} ${memCluster.padEnd(21)} ${graphVsMem}`);
  }

  // ---- co-travel vs planted companions ----
  const compFile = path.join(input, 'truth', 'companions.csv');
  if (fs.existsSync(compFile)) {
    const groupOf = new Map<string, string>();
    for (const line of fs.readFileSync(compFile, 'utf8').trim().split('\n').slice(1)) {
      const [g, p] = line.split(',');
      if (g && p) groupOf.set(p, g);
    }
    const truePairs = new Set<string>();
    const byGroup = new Map<string, string[]>();
    for (const [p, g] of groupOf) byGroup.set(g, [...(byGroup.get(g) ?? []), p]);
    for (const ps of byGroup.values()) for (const x of ps) for (const y of ps) if (x < y) truePairs.add(`${x}|${y}`);
    // graph eid -> true person id by majority of its mentions
    const votes = new Map<string, Map<string, number>>();
    for (const [key, eid, kind] of inGraph) {
      if (kind !== 'Person') continue;
      const tid = truth.get(key);
      if (!tid) continue;
      const v = votes.get(eid) ?? new Map<string, number>();
      v.set(tid, (v.get(tid) ?? 0) + 1);
      votes.set(eid, v);
    }
    const trueOf = (eid: string) => [...(votes.get(eid) ?? new Map()).entries()].sort((x, y) => y[1] - x[1])[0]?.[0];
    const edges = await readTx(graph, async (tx) => {
      const r = await tx.run('MATCH (a:Person)-[c:CO_TRAVELED]->(b:Person) RETURN a.eid AS a, b.eid AS b');
      return r.records.map((x) => [x.get('a') as string, x.get('b') as string]);
    });
    const found = new Set<string>();
    let correct = 0;
    for (const [x, y] of edges) {
      const tx = trueOf(x!);
      const ty = trueOf(y!);
      if (!tx || !ty) continue;
      const k = tx < ty ? `${tx}|${ty}` : `${ty}|${tx}`;
      if (truePairs.has(k)) {
        correct++;
        found.add(k);
      }
    }
    console.log(
      `\n== co-travel: ${edges.length} CO_TRAVELED edges; precision ${(correct / Math.max(edges.length, 1)).toFixed(3)}, recall ${(found.size / Math.max(truePairs.size, 1)).toFixed(3)} of ${truePairs.size} planted companion pairs`,
    );
  }
}

// ---- real-time ----
const seconds = Number(a['realtime-seconds']);
if (seconds > 0) {
  const rt = await benchRealtime({
    pipeline,
    graph,
    input,
    source: a['realtime-source']!,
    seconds,
    rate: Number(a.rate),
    pushSize: Number(a['push-size']),
    workers: Number(a.workers),
    warmupSeconds: Number(a['warmup-seconds']),
    servicesDir: s.dataDir,
    workerEnv: {
      NEO4J_URI: s.neo4jUri,
      NEO4J_USER: s.neo4jUser,
      NEO4J_PASSWORD: s.neo4jPassword,
      NEO4J_DATABASE: 'neo4j',
      REDIS_URL: s.redisUrl,
      ONEMAP_STAGING_DIR: pipeline.deps.stagingDir,
      ONEMAP_REJECTS_DIR: pipeline.deps.rejectsDir,
    },
  });
  summary.push(
    `real time at ${a.rate} records/s for ${seconds} s (${a['realtime-source']}): push→visible p50 ${rt.p50.toFixed(0)} ms, p95 ${rt.p95.toFixed(0)} ms, p99 ${rt.p99.toFixed(0)} ms; ${rt.late} pushes late; max backlog ${rt.maxBacklog}`,
  );
}

const neo4jPidEnd = servicePid(s.dataDir, 'neo4j');
const redisEnd = await redis.info('memory');
console.log(
  `\n== peak memory: bench process (bulk resolver + worker) ${fmt(process.resourceUsage().maxRSS / 1024)} MiB, Neo4j JVM ${vmHwmMiB(neo4jPidEnd)}, Redis ${/used_memory_peak_human:(\S+)/.exec(redisEnd)?.[1]}`,
);
summary.push(`peak RSS: bench process (bulk resolver + worker) ${fmt(process.resourceUsage().maxRSS / 1024)} MiB, Neo4j JVM ${vmHwmMiB(neo4jPidEnd)}, Redis ${/used_memory_peak_human:(\S+)/.exec(redisEnd)?.[1]}`);
summary.push(`load average (1/5/15 min): at start ${loadAtStart.map((x) => x.toFixed(1)).join('/')}, at end ${os.loadavg().map((x) => x.toFixed(1)).join('/')} on ${os.cpus().length} cores`);
console.log(`\n== summary (${path.basename(input)})\n${summary.map((l) => `   ${l}`).join('\n')}`);
console.log(`== load average (1/5/15 min): at start ${loadAtStart.map((x) => x.toFixed(1)).join('/')}, at end ${os.loadavg().map((x) => x.toFixed(1)).join('/')} on ${os.cpus().length} cores`);
await worker.close();
await pipeline.close();
redis.disconnect();
await driver.close();
