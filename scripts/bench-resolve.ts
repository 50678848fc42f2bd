/**
 * Resolver benchmark: `tsx scripts/bench-resolve.ts --input <dir> [--catalog datasets/catalog]
 * [--limit N] [--no-train] [--model file] [--febrl] [--sources a,b] [--kinds Organization] [--splink]`.
 * Prints records/s per stage and in total, peak RSS, and pairwise + cluster
 * precision/recall/F1 per entity kind against `<dir>/truth/records.csv`, each with the
 * machine's load average. `--splink` also resolves the organization mentions with Splink
 * (see scripts/lib/splink-side-by-side.ts) in the same run and prints both tools' figures.
 * Speed and memory are measured here only, never asserted in tests.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { EntityKind } from '@onemap/graph-schema';
import { evaluate, formatScores, type Mention, ResolutionIndex, resolveBatch } from '@onemap/resolver';
import { loadDirectory, loadSource, loadTruth } from '@onemap/resolver/intake';
import { loadModel, type Model } from '@onemap/resolver/scoring';
import { setDivisionGazetteer } from '@onemap/resolver/standardize';
import { readGazetteer } from '../resolver/src/cli/resolve-command.ts';
import { runSplink, splinkUnavailable } from './lib/splink-side-by-side.ts';

// Big runs need more than the default heap; re-run once with a larger one.
if (!process.execArgv.some((a) => a.startsWith('--max-old-space-size')) && !process.env.ONEMAP_BENCH_CHILD) {
  const r = spawnSync(process.execPath, ['--max-old-space-size=16384', ...process.execArgv, ...process.argv.slice(1)], {
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
    realtime: { type: 'string', default: '1000' },
    gazetteer: { type: 'string', default: 'datasets/geo/units.json' },
    sources: { type: 'string' },
    kinds: { type: 'string' },
    splink: { type: 'boolean' },
    help: { type: 'boolean' },
  },
});
if (a.help) {
  console.log(
    'usage: tsx scripts/bench-resolve.ts --input <dir> [--catalog <dir>] [--limit N] [--no-train] [--model file] [--febrl] [--sources a,b] [--kinds Organization] [--splink]',
  );
  process.exit(0);
}

const load = () =>
  `load average ${loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}`;
const rate = (n: number, ms: number) => (ms > 0 ? `${Math.round((n / ms) * 1000).toLocaleString('en-US')}/s` : '-');
const mb = (kb: number) => `${(kb / 1024).toFixed(0)} MiB`;
if (a.gazetteer && existsSync(a.gazetteer)) setDivisionGazetteer(readGazetteer(a.gazetteer));
const t0 = performance.now();
const cpu0 = process.cpuUsage();
const cpuSec = (u: NodeJS.CpuUsage) => ((u.user + u.system) / 1e6).toFixed(1);

let mentions: Mention[];
let rows: number;
let readMs: number;
let stdMs: number;
let truth: Map<string, string>;
let rejects = 0;
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
  const opts: { limit?: number; sources?: string[] } = {};
  if (a.limit) opts.limit = Number(a.limit);
  if (a.sources) opts.sources = a.sources.split(',');
  const l = loadDirectory(a.input!, a.catalog!, opts);
  ({ mentions, rows, readMs } = l);
  stdMs = l.standardizeMs;
  rejects = l.rejects.length;
  const tf = join(a.input!, 'truth', 'records.csv');
  truth = existsSync(tf) ? loadTruth(tf) : new Map();
}
if (a.kinds) {
  const kinds = new Set(a.kinds.split(','));
  mentions = mentions.filter((m) => kinds.has(m.kind));
}
const cpuLoad = process.cpuUsage(cpu0);
const models: Partial<Record<EntityKind, Model>> = {};
if (a.model) models.Person = loadModel(readFileSync(a.model, 'utf8'));
const r0 = performance.now();
const cpuR = process.cpuUsage();
const result = resolveBatch(mentions, { models, train: !a['no-train'] && !a.model });
const resolveMs = performance.now() - r0;
const cpuResolve = process.cpuUsage(cpuR);
const totalMs = performance.now() - t0;
const cpuTotal = process.cpuUsage(cpu0);

console.log(
  `input ${a.febrl ? 'FEBRL' : a.input}: ${rows.toLocaleString('en-US')} records, ${mentions.length.toLocaleString('en-US')} mentions, ${rejects} rejected`,
);
console.log(`  read        ${readMs.toFixed(0).padStart(7)} ms  ${rate(rows, readMs)} records`);
console.log(`  standardize ${stdMs.toFixed(0).padStart(7)} ms  ${rate(rows, stdMs)} records`);
const sum = { training: 0, stats: 0, blocking: 0, scoring: 0, clustering: 0 };
for (const [kind, t] of Object.entries(result.timings)) {
  if (!t) continue;
  for (const k of Object.keys(sum) as Array<keyof typeof sum>) sum[k] += t[k];
  console.log(
    `  ${kind.padEnd(12)} ${t.mentions.toLocaleString('en-US')} mentions, ${t.candidatePairs.toLocaleString('en-US')} pairs: ` +
      `train ${t.training.toFixed(0)} ms, stats ${t.stats.toFixed(0)}, block ${t.blocking.toFixed(0)}, score ${t.scoring.toFixed(0)}, cluster ${t.clustering.toFixed(0)}`,
  );
}
const n = mentions.length;
for (const k of Object.keys(sum) as Array<keyof typeof sum>)
  console.log(`  ${k.padEnd(11)} ${sum[k].toFixed(0).padStart(7)} ms  ${rate(n, sum[k])} mentions`);
console.log(`  resolve     ${resolveMs.toFixed(0).padStart(7)} ms  ${rate(n, resolveMs)} mentions`);
console.log(`  total       ${totalMs.toFixed(0).padStart(7)} ms  ${rate(rows, totalMs)} records`);
console.log(`  peak RSS    ${mb(process.resourceUsage().maxRSS)}`);
console.log(
  `  CPU time    read+standardize ${cpuSec(cpuLoad)} s, resolve ${cpuSec(cpuResolve)} s, total ${cpuSec(cpuTotal)} s (wall ${(totalMs / 1000).toFixed(1)} s)`,
);
for (const [kind, st] of Object.entries(result.blockingStats)) {
  if (!st?.length) continue;
  console.log(
    `blocking ${kind}: ${st.map((s) => `${s.rule}=${s.pairs}${s.skippedBlocks ? `(skipped ${s.skippedBlocks})` : ''}`).join(' ')}`,
  );
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

if (a.splink) {
  const orgs = mentions.filter((m) => m.kind === 'Organization');
  const why = splinkUnavailable();
  if (why) console.log(`splink side by side: skipped, ${why}`);
  else if (!orgs.length) console.log('splink side by side: no organization mentions in the input');
  else {
    const seen = new Set<string>();
    const unique = orgs.filter((m) => !seen.has(m.key) && seen.add(m.key));
    // our organization pass alone, timed the same way as Splink's, for the side-by-side line
    const o0 = performance.now();
    const ours = resolveBatch(unique, { models, train: !a['no-train'] && !a.model });
    const oursMs = performance.now() - o0;
    const sp = runSplink(unique);
    console.log(`organizations side by side (${unique.length} mentions; ${load()}):`);
    for (const [tool, pred, ms] of [
      ['onemap', ours.entityOf, oursMs],
      ['splink', sp.entityOf, sp.ms],
    ] as const) {
      const ev = evaluate(pred, truth);
      console.log(
        `  ${tool.padEnd(7)} pairwise ${formatScores(ev.pairwise)}   cluster ${formatScores(ev.cluster)}   ` +
          `${ev.predictedEntities} entities (true ${ev.trueEntities}), wall ${(ms / 1000).toFixed(1)} s`,
      );
    }
  }
}
