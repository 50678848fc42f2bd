/**
 * `npm run bench api [-- --persons 20000 --visits 10 --seconds 10 --connections 10 --rate 0 --warmup-seconds 0 --idle-warm-up-seconds 0 --settle-seconds 0 --only profile,fixed --build-only --server process|inline --server-cpu-prof <dir>]`
 *
 * Query API latency on a big synthetic graph. Starts (or reuses) its own Neo4j + Redis (Bolt
 * 7695, Redis 6395 unless NEO4J_BOLT_PORT / REDIS_PORT say otherwise) with the store under
 * `.data/bench-api/n<persons>` — one store per size, built once by neo4j-admin's bulk import from
 * generated CSVs (`bench-api-graph.ts`: persons with golden values and provenance, source
 * records, RESOLVED_TO, VISITED, relations, hub places) and reused by later runs. Then migrations
 * and the governance seed, and the real server (auth, access layer, hash-chained audit) driven by
 * autocannon over random entities as a city analyst with a purpose: per scenario the lone-request
 * latency, requests/s, p50 / p95 / p99 and non-2xx, with the load average. The first scenario,
 * `fixed cost` (`GET /api/auth/me`: no query of its own), is what every request pays before its
 * query — JWT, viewer, audit append (docs/api.md, "Per-request cost"). `--only` runs the scenarios
 * whose names start with one of the given words. `--warmup-seconds N` first drives each scenario
 * for N seconds unmeasured (its requests draw other random entities than the measured ones): a
 * Neo4j started for the run compiles its plans and reads its page cache from disk meanwhile
 * (docs/api.md, "1 000 000 persons on a quiet machine": cold reads there took seconds).
 * `--idle-warm-up-seconds N` lets the server keep its reads warm while idle for N s after its start
 * (`ONEMAP_WARM_UP_SECONDS`, 0 here unless given); `--settle-seconds N` waits N s after the server
 * first answers before the first scenario — with and without the idle warm-up, the pair that shows
 * what it saves a restarted Neo4j's first users (docs/api.md, "Kept warm while idle").
 * `--server process` (the default) runs the server as `npm start` does, in its own Node process;
 * `--server inline` in the bench's, where autocannon's own work shares the server's event loop and
 * is counted in every latency (how every figure before 2026-12-03 was taken; docs/api.md, "The
 * load generator in the server's event loop").
 * `--rate N` offers N requests a second at even intervals (an open loop, `lib/open-loop.ts`, over
 * at most `--connections` keep-alive connections; each latency counts from when its request was
 * due) instead of as many as the connections can send: the latency at a stated load, as the goals
 * state it ("p95 ≤ 20 ms at ≥ 300 req/s"), rather than at saturation, where p95 follows the queue
 * of 10 connections (Little's law: 10 in flight at 500 req/s is 20 ms on average whatever one
 * request costs). Before 2026-12-05 `--rate` used autocannon's `overallRate`, which sends each
 * connection's budget for the second back to back as the second begins: saturation bursts, not
 * the rate (docs/api.md, "An open loop for `--rate`").
 * Goals at 1M persons: profile p95 < 20 ms, trajectory < 50 ms, 2-hop < 100 ms, search < 50 ms,
 * co-travel < 200 ms, layers < 100 ms.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import readline from 'node:readline';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createDriver, migrate, readTx } from '@onemap/graph-schema/server';
import { buildApp, loadConfig } from '@onemap/server';
import autocannon from 'autocannon';
import { seed } from '../server/src/cli/seed.ts';
import { BENCH_STORE_FORMAT, du, generateBenchCsv, importBenchCsv, rng } from './bench-api-graph.ts';
import { freePort } from './lib/free-port.ts';
import { openLoop } from './lib/open-loop.ts';
import { cpuMsPer, cpuSeconds, servicePid } from './lib/proc-cpu.ts';
// @ts-expect-error plain ESM script without types
import { ensureNeo4jTools, serviceSettings, stopNeo4jService, up } from './services.mjs';

const args = process.argv.slice(2);
const opt = (name: string, def: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : def;
};
const PERSONS = opt('persons', 20_000);
const VISITS = opt('visits', 10);
const SECONDS = opt('seconds', 10);
const CONNECTIONS = opt('connections', 10);
const WARMUP_SECONDS = opt('warmup-seconds', 0);
/** Seconds the server keeps its reads warm while idle after its start (`ONEMAP_WARM_UP_SECONDS`); 0 by default, so nothing of the server's own interleaves with the measured requests. */
const IDLE_WARM_UP_SECONDS = opt('idle-warm-up-seconds', 0);
/** Seconds to wait after the server first answers, before the first scenario: with `--idle-warm-up-seconds`, the time it has; without, the same wall time idle (the pair to compare). */
const SETTLE_SECONDS = opt('settle-seconds', 0);
/** Requests a second offered in all; 0: as many as the connections can send (closed loop, saturation). */
const RATE = opt('rate', 0);
if (!Number.isFinite(RATE) || RATE < 0) {
  console.error(`bench api: --rate must be a number of requests a second, 0 for none (got ${args[args.indexOf('--rate') + 1]})`);
  process.exit(2);
}
const ONLY = args.includes('--only') ? String(args[args.indexOf('--only') + 1]).split(',') : null;
const strOpt = (name: string) => (args.includes(`--${name}`) ? String(args[args.indexOf(`--${name}`) + 1]) : null);
/** `process` (default): the server in its own Node process, as `npm start` runs it; `inline`: in this process, sharing the event loop with autocannon (every figure before 2026-12-03 12:00 UTC). */
const SERVER = strOpt('server') ?? 'process';
if (SERVER !== 'process' && SERVER !== 'inline') {
  console.error(`bench api: --server must be process or inline (got ${SERVER})`);
  process.exit(2);
}
/** With `--server process`: the server's V8 CPU profile is written into this folder when the bench ends. */
const SERVER_CPU_PROF = strOpt('server-cpu-prof');
const load = () => os.loadavg().map((x) => x.toFixed(1)).join(' / ');

/** The processes whose CPU each scenario reports: set once the server runs. */
const cpuOf: { server?: number; neo4j?: number } = {};

/** Builds the store for this size once (CSV → neo4j-admin import), while Neo4j is stopped. */
function buildStore(): void {
  const s = serviceSettings('dev') as { dataDir: string; neo4jDir: string; logDir: string };
  const marker = path.join(s.dataDir, 'bench-built.json');
  if (fs.existsSync(marker)) {
    const built = fs.readFileSync(marker, 'utf8').trim();
    const format = (JSON.parse(built) as { format?: number }).format ?? 1;
    if (format === BENCH_STORE_FORMAT) {
      console.log(`bench api: reusing the store of ${PERSONS} persons in ${path.relative(process.cwd(), s.dataDir)} (${built})`);
      return;
    }
    console.log(`bench api: the store in ${path.relative(process.cwd(), s.dataDir)} has format ${format}, this bench writes ${BENCH_STORE_FORMAT}: rebuilding it`);
    fs.rmSync(marker);
  }
  // the import runs on the launcher's classpath: built first (a fresh clone has none), before the CSVs take minutes
  ensureNeo4jTools();
  stopNeo4jService('dev');
  const t0 = performance.now();
  const dir = path.join(s.dataDir, 'csv');
  const csv = generateBenchCsv(dir, PERSONS, VISITS, (m) => console.log(`bench api: ${m} (load ${load()})`));
  const genS = (performance.now() - t0) / 1000;
  console.log(`bench api: CSVs written in ${genS.toFixed(0)} s (${du(dir)}): ${JSON.stringify(csv.counts)}`);
  const t1 = performance.now();
  const lib = path.join('graph-schema', 'neo4j-local', 'target');
  importBenchCsv(csv, s.neo4jDir, s.logDir, `${path.join(lib, 'neo4j-local-1.0.0.jar')}:${path.join(lib, 'lib', '*')}`, process.env.NEO4J_IMPORT_HEAP ?? '1g');
  const importS = (performance.now() - t1) / 1000;
  fs.rmSync(dir, { recursive: true, force: true });
  const info = { format: BENCH_STORE_FORMAT, ...csv.counts, visitsPerPerson: VISITS, csvSeconds: Math.round(genS), importSeconds: Math.round(importS), store: du(s.neo4jDir), loadAverage: load() };
  fs.writeFileSync(marker, `${JSON.stringify(info)}\n`);
  console.log(`bench api: imported in ${importS.toFixed(0)} s: ${JSON.stringify(info)}`);
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

/** As many requests as `CONNECTIONS` connections send (closed loop, autocannon): the saturated server. */
async function saturated(url: string, paths: () => string, headers: Record<string, string>) {
  const latencies: number[] = [];
  const statuses = new Map<number, number>();
  const result = await autocannon({
    url,
    connections: CONNECTIONS,
    duration: SECONDS,
    headers,
    requests: [{ setupRequest: (req) => ({ ...req, path: paths() }) }],
    setupClient: (client) => {
      client.on('response', (status: number, _bytes: number, ms: number) => {
        latencies.push(ms);
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
      });
    },
  });
  latencies.sort((a, b) => a - b);
  return { latencies, statuses, perSecond: result.requests.average };
}

/**
 * `RATE` requests a second at even intervals (open loop, `openLoop`): the latency at a stated load.
 * A request that got no answer (an error, or none 30 s after the run) counts as an infinite latency
 * in the percentiles and is said: a cold store's first minutes lose some that way, and the run's
 * other figures are still worth printing.
 */
async function offered(url: string, paths: () => string, headers: Record<string, string>) {
  const r = await openLoop({ base: url, path: paths, headers, rate: RATE, seconds: SECONDS, connections: CONNECTIONS });
  if (r.failed > 0) console.log(`bench api: ${r.failed} of ${r.offered} requests offered got no answer (counted as infinite latencies)`);
  if (r.queued > 0) console.log(`bench api: ${r.queued} of ${r.offered} requests found all ${CONNECTIONS} connections busy and waited (their wait is in their latency)`);
  const latencies = [...r.latencies, ...Array<number>(r.failed).fill(Number.POSITIVE_INFINITY)];
  return { latencies, statuses: r.statuses, perSecond: r.answeredPerSecond };
}

async function run(name: string, url: string, paths: () => string, headers: Record<string, string>, goalMs: number | null) {
  if (ONLY && !ONLY.some((w) => name.startsWith(w))) return null;
  if (WARMUP_SECONDS > 0) {
    await autocannon({ url, connections: CONNECTIONS, duration: WARMUP_SECONDS, headers, requests: [{ setupRequest: (req) => ({ ...req, path: paths() }) }] });
    console.log(`bench api: ${name}: warmed up for ${WARMUP_SECONDS} s (unmeasured), load ${load()}`);
  }
  // Requests alone first: the latency without queueing behind other connections (the median of
  // 30, after 10 to warm the query plans and the JIT — five after three read a lone /api/auth/me
  // at 13 ms where it settles at 5–7; layers are cached per window, so this is cached).
  const alone: number[] = [];
  for (let i = 0; i < 40; i++) {
    const t0 = performance.now();
    const res = await fetch(`${url}${paths()}`, { headers });
    await res.text();
    if (i >= 10) alone.push(performance.now() - t0);
  }
  alone.sort((a, b) => a - b);
  const aloneMs = Number((alone[15] as number).toFixed(1));
  // non-2xx by status: the bench's persons include those known only to `incident` (one in a hundred), which the caller may not see (404)
  const statuses = new Map<number, number>();
  const cpu0 = { server: cpuSeconds(cpuOf.server), neo4j: cpuSeconds(cpuOf.neo4j) };
  const measured = RATE > 0 ? await offered(url, paths, headers) : await saturated(url, paths, headers);
  const { latencies } = measured;
  for (const [status, n] of measured.statuses) if (status >= 300) statuses.set(status, n);
  const non2xx = [...statuses.values()].reduce((a, b) => a + b, 0);
  const serverCpu = cpuMsPer(cpu0.server, cpuSeconds(cpuOf.server), latencies.length);
  const neo4jCpu = cpuMsPer(cpu0.neo4j, cpuSeconds(cpuOf.neo4j), latencies.length);
  const row = {
    scenario: name,
    'alone ms': aloneMs,
    'req/s': Math.round(measured.perSecond),
    'p50 ms': Number(percentile(latencies, 50).toFixed(1)),
    'p95 ms': Number(percentile(latencies, 95).toFixed(1)),
    'p99 ms': Number(percentile(latencies, 99).toFixed(1)),
    requests: latencies.length,
    'non-2xx': non2xx,
    'server CPU ms': serverCpu,
    'Neo4j CPU ms': neo4jCpu,
    load: load(),
    goal: goalMs ? `p95 < ${goalMs} ms ${percentile(latencies, 95) < goalMs ? 'met' : 'MISSED'}` : '',
  };
  console.log(`bench api: ${name}: alone ${aloneMs} ms; ${row['req/s']} req/s, p50 ${row['p50 ms']} ms, p95 ${row['p95 ms']} ms, p99 ${row['p99 ms']} ms (${non2xx} non-2xx${statuses.size ? `: ${[...statuses].map(([st, n]) => `${n} × ${st}`).join(', ')}` : ''}); CPU per request: server ${serverCpu ?? '?'} ms, Neo4j ${neo4jCpu ?? '?'} ms; load ${load()}`);
  return row;
}

/** The server in this process: autocannon's parsing and timers share its event loop. */
async function inlineServer() {
  const app = await buildApp({ config, logger: false });
  await app.listen({ host: '127.0.0.1', port: 0 });
  return {
    base: `http://127.0.0.1:${(app.server.address() as { port: number }).port}`,
    pid: process.pid,
    close: () => app.close(),
  };
}

/**
 * The server as `npm start` runs it (`server/src/main.ts`, configured by the environment), in its
 * own process: the load generator's CPU still shares the machine, not the server's event loop.
 */
async function serverProcess() {
  const port = await freePort();
  const nodeArgs = [
    '--import',
    'tsx',
    ...(SERVER_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${SERVER_CPU_PROF}`] : []),
    'server/src/main.ts',
  ];
  const child: ChildProcess = spawn(process.execPath, nodeArgs, {
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      // info when it keeps warm while idle: its warm-up lines are printed (the request lines dropped)
      LOG_LEVEL: IDLE_WARM_UP_SECONDS > 0 ? 'info' : 'warn',
      RATE_LIMIT_PER_MINUTE: '100000000',
      INGEST_WORKER: 'none',
      ONEMAP_WARM_UP_SECONDS: String(IDLE_WARM_UP_SECONDS),
    },
    stdio: ['ignore', IDLE_WARM_UP_SECONDS > 0 ? 'pipe' : 'inherit', 'inherit'],
  });
  if (child.stdout)
    readline.createInterface({ input: child.stdout }).on('line', (line) => {
      const msg = /"msg":"((?:query plans warmed|kept warm while idle)[^"]*)"/.exec(line)?.[1];
      if (msg) console.log(`bench api: server: ${msg}`);
      else if (/"level":(40|50|60)/.test(line)) console.log(line);
    });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const base = `http://127.0.0.1:${port}`;
  const t0 = performance.now();
  for (;;) {
    const code = await Promise.race([exited, new Promise<'wait'>((resolve) => setTimeout(() => resolve('wait'), 250))]);
    if (code !== 'wait') throw new Error(`bench api: the server process exited with code ${code} before it answered`);
    const ok = await fetch(`${base}/health`).then(
      (r) => r.status < 500,
      () => false,
    );
    if (ok) break;
    if (performance.now() - t0 > 120_000) {
      child.kill('SIGKILL');
      throw new Error(`bench api: the server process did not answer ${base}/health within 120 s`);
    }
  }
  return {
    base,
    pid: child.pid,
    close: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

if (!process.env.NEO4J_URI) {
  process.env.NEO4J_BOLT_PORT ??= '7695';
  process.env.REDIS_PORT ??= '6395';
  process.env.ONEMAP_DATA_DIR ??= path.join('.data', 'bench-api', `n${PERSONS}`);
  buildStore();
  if (args.includes('--build-only')) process.exit(0);
  await up('dev');
}
const config = loadConfig({ LOG_LEVEL: 'warn', RATE_LIMIT_PER_MINUTE: 100_000_000, PORT: 0, ONEMAP_WARM_UP_SECONDS: IDLE_WARM_UP_SECONDS });
const graph = { driver: createDriver({ uri: config.NEO4J_URI, user: config.NEO4J_USER, password: config.NEO4J_PASSWORD, database: config.NEO4J_DATABASE }), database: config.NEO4J_DATABASE };
// Never write into someone else's database: it must be empty or hold this bench's graph.
const foreign = await readTx(graph, async (tx) => {
  const r = await tx.run("OPTIONAL MATCH (m:BenchMeta {id: 'api'}) WITH m CALL (m) { MATCH (n) WHERE m IS NULL AND NOT n:__OneMapMigration RETURN count(n) AS others } RETURN m IS NOT NULL AS ours, others");
  const row = r.records[0];
  return !row?.get('ours') && (row?.get('others') as number) > 0;
});
if (foreign) {
  console.error(`bench api: ${config.NEO4J_URI} holds data that is not this bench's — refusing to write; point NEO4J_URI at an empty database`);
  await graph.driver.close();
  process.exit(2);
}
await migrate(graph);
await seed(graph, { users: true });
const tIdx = performance.now();
await graph.driver.executeQuery('CALL db.awaitIndexes(7200)', {}, { database: graph.database });
console.log(`bench api: indexes online after ${((performance.now() - tIdx) / 1000).toFixed(0)} s`);
const server = SERVER === 'inline' ? await inlineServer() : await serverProcess();
const base = server.base;
// the server's own process only (inline, this process also runs the load generator)
if (SERVER !== 'inline') cpuOf.server = server.pid;
if (process.env.ONEMAP_DATA_DIR) cpuOf.neo4j = servicePid(process.env.ONEMAP_DATA_DIR, 'neo4j');
console.log(`bench api: server ${SERVER === 'inline' ? 'in this process (shares the event loop with the load generator)' : `in its own process (pid ${server.pid})`}`);
console.log(`bench api: machine: ${os.cpus().length} CPUs, load average ${os.loadavg().map((x) => x.toFixed(1)).join(' / ')} at start`);
if (SETTLE_SECONDS > 0) {
  console.log(`bench api: waiting ${SETTLE_SECONDS} s before the first scenario (the server keeps warm while idle for ${IDLE_WARM_UP_SECONDS} s)`);
  await new Promise((r) => setTimeout(r, SETTLE_SECONDS * 1000));
}
try {
  const login = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'lz_analyst', password: 'onemap-demo-2026' }) });
  const { token } = (await login.json()) as { token: string };
  const headers = {
    authorization: `Bearer ${token}`,
    'x-onemap-purpose': encodeURIComponent(JSON.stringify({ kind: 'criminal_case', caseNumber: 'A6201002026110001', text: '性能测试' })),
  };
  const rand = rng(7);
  const person = () => `P-B${Math.floor(rand() * PERSONS)}`;
  const win = 'from=2026-10-02T00:00:00Z&to=2026-11-01T00:00:00Z';
  const rows: Awaited<ReturnType<typeof run>>[] = [];
  rows.push(await run('fixed cost (GET /api/auth/me)', base, () => '/api/auth/me', headers, null));
  rows.push(await run('profile', base, () => `/api/entities/${person()}`, headers, 20));
  rows.push(await run('trajectory (30 days)', base, () => `/api/entities/${person()}/trajectory?${win}`, headers, 50));
  rows.push(await run('relations 2-hop', base, () => `/api/entities/${person()}/relations?depth=2&limit=200`, headers, 100));
  rows.push(await run('co-travel / co-location (30 days)', base, () => `/api/analysis/co-location?eid=${person()}&${win}&minCount=2&radiusM=0`, headers, 200));
  rows.push(await run('layer: jurisdictions (30 days)', base, () => `/api/layers/jurisdictions?${win}`, headers, 100));
  rows.push(await run('layer: hexbin r7 (1 day)', base, () => `/api/layers/hexbin?from=2026-10-15T00:00:00Z&to=2026-10-16T00:00:00Z&resolution=7`, headers, 100));
  rows.push(await run('search', base, () => `/api/search?q=${encodeURIComponent(`王${'伟芳娜敏静'[Math.floor(rand() * 5)]}`)}`, headers, 50));
  rows.push(await run('search: Pinyin initials', base, () => `/api/search?q=w${'wfnmj'[Math.floor(rand() * 5)]}`, headers, 50));
  rows.push(await run('search: full Pinyin', base, () => `/api/search?q=wang${['wei', 'fang', 'na', 'min', 'jing'][Math.floor(rand() * 5)]}`, headers, 50));
  rows.push(await run('search: Hanzi, page 5', base, () => `/api/search?q=${encodeURIComponent(`王${'伟芳娜敏静'[Math.floor(rand() * 5)]}`)}&page=5`, headers, 50));
  // a surname alone: every namesake ranks the same, the page settles on the first of them (docs/api.md, "A surname alone")
  rows.push(await run('search: surname alone', base, () => `/api/search?q=${encodeURIComponent('王李张刘陈'[Math.floor(rand() * 5)]!)}`, headers, 50));
  rows.push(await run('search: ID tail (4 digits)', base, () => `/api/search?q=${String(Math.floor(rand() * 10_000)).padStart(4, '0')}`, headers, 50));
  console.table(rows.filter((r) => r !== null));
  console.log(`bench api: ${PERSONS} persons, ${VISITS * PERSONS} sightings (≈), ${CONNECTIONS} connections${RATE > 0 ? `, ${RATE} requests/s offered` : ' (as fast as they go)'}, ${SECONDS} s per scenario; every request passes auth, the access layer and a hash-chained audit append.`);
  console.log(`bench api: machine: ${os.cpus().length} CPUs, load average ${os.loadavg().map((x) => x.toFixed(1)).join(' / ')} (1 / 5 / 15 min) — figures on a busy machine are upper bounds.`);
} finally {
  await server.close();
  await graph.driver.close();
}
