#!/usr/bin/env node
/**
 * Starts, stops and reports the two services OneMap needs on one machine:
 * Neo4j 5.26 Community (embedded in graph-schema/neo4j-local, Bolt on 127.0.0.1)
 * and Redis (Debian's redis-server, AOF on, maxmemory-policy noeviction).
 *
 *   node scripts/services.mjs up|down|status|reset-neo4j [--profile dev|test|bench]
 *   node scripts/services.mjs import <csv dir> [--profile …]   (bulk load: stop, neo4j-admin import, start)
 *
 * If NEO4J_URI / REDIS_URL are set, nothing is started: those services are checked and used.
 * Profiles keep the test services apart from the demo ones (ports and data directory).
 * Every fault ends in one line "services: <what went wrong> — <what to do>" and exit code 2.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const launcherDir = path.join(root, 'graph-schema', 'neo4j-local');
const launcherJar = path.join(launcherDir, 'target', 'neo4j-local-1.0.0.jar');

// memoryShare: the part of the machine's RAM the profile's Neo4j may take by default (NEO4J_MEMORY_SHARE overrides).
// dev and bench own the machine with the server, workers and Redis beside them; test services are small and often several.
const PROFILES = {
  dev: { boltPort: 7687, redisPort: 6379, dataDir: '.data', memoryShare: 0.5 },
  test: { boltPort: 7688, redisPort: 6380, dataDir: '.data/test', memoryShare: 0.2 },
  bench: { boltPort: 7690, redisPort: 6382, dataDir: '.data/bench', memoryShare: 0.5 },
};

const MiB = 1024 * 1024;
/** Heap share of Neo4j's budget, its floor and its ceiling (compressed oops end at ~31 GiB). */
const HEAP_SHARE = 0.4;
const HEAP_MIN_MIB = 512;
const HEAP_MAX_MIB = 31 * 1024;
const PAGECACHE_MIN_MIB = 256;

/**
 * Neo4j's heap and page cache, sized from the machine unless NEO4J_HEAP / NEO4J_PAGECACHE say
 * otherwise: the budget is `share` of total RAM (the rest stays with the OS file cache, the server,
 * the workers and Redis); 40 % of it heap (0.5–31 GiB), the rest page cache (≥ 256 MiB).
 * @param {number} totalBytes the machine's RAM
 * @param {number} share part of it Neo4j may take (0–1)
 * @param {Record<string, string|undefined>} env NEO4J_HEAP / NEO4J_PAGECACHE (Neo4j units: 512m, 4g)
 * @returns {{heap: string, pageCache: string}}
 * @example neo4jMemory(24 * 1024 ** 3, 0.5, {}) // { heap: '4915m', pageCache: '7373m' }
 */
export function neo4jMemory(totalBytes, share, env = process.env) {
  const budget = Math.floor((totalBytes * share) / MiB);
  const heapMiB = Math.min(HEAP_MAX_MIB, Math.max(HEAP_MIN_MIB, Math.floor(budget * HEAP_SHARE)));
  const pageMiB = Math.max(PAGECACHE_MIN_MIB, budget - heapMiB);
  return { heap: env.NEO4J_HEAP || `${heapMiB}m`, pageCache: env.NEO4J_PAGECACHE || `${pageMiB}m` };
}

export function serviceSettings(profileName = process.env.ONEMAP_PROFILE ?? 'dev') {
  const profile = PROFILES[profileName];
  if (!profile) fail(`unknown profile "${profileName}"`, 'use --profile dev or --profile test');
  const dataDir = path.resolve(root, process.env.ONEMAP_DATA_DIR ?? profile.dataDir);
  const boltPort = Number(process.env.NEO4J_BOLT_PORT ?? profile.boltPort);
  const redisPort = Number(process.env.REDIS_PORT ?? profile.redisPort);
  return {
    profile: profileName,
    dataDir,
    boltPort,
    redisPort,
    external: { neo4j: process.env.NEO4J_URI || undefined, redis: process.env.REDIS_URL || undefined },
    neo4jUri: process.env.NEO4J_URI || `bolt://127.0.0.1:${boltPort}`,
    redisUrl: process.env.REDIS_URL || `redis://127.0.0.1:${redisPort}`,
    neo4jUser: process.env.NEO4J_USER ?? 'neo4j',
    neo4jPassword: process.env.NEO4J_PASSWORD ?? 'onemap-local',
    neo4jDir: path.join(dataDir, 'neo4j'),
    memory: neo4jMemory(os.totalmem(), Number(process.env.NEO4J_MEMORY_SHARE ?? profile.memoryShare)),
    redisDir: path.join(dataDir, 'redis'),
    logDir: path.join(dataDir, 'logs'),
  };
}

function fail(what, todo) {
  console.error(`services: ${what}${todo ? ` — ${todo}` : ''}`);
  process.exit(2);
}

function have(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

function portOpen(port, host = '127.0.0.1', timeoutMs = 500) {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function neo4jAnswers(s) {
  const { default: neo4j } = await import('neo4j-driver');
  const driver = neo4j.driver(s.neo4jUri, neo4j.auth.basic(s.neo4jUser, s.neo4jPassword), {
    connectionTimeout: 3000,
    maxConnectionPoolSize: 1,
  });
  try {
    await Promise.race([
      driver.verifyConnectivity(),
      sleep(5000).then(() => {
        throw new Error('no Bolt handshake within 5 s');
      }),
    ]);
    // Which store it serves: another data dir's Neo4j on this port must not be taken for ours.
    const home = await driver
      .executeQuery("SHOW SETTINGS YIELD name, value WHERE name = 'server.directories.neo4j_home' RETURN value", {}, { database: 'system' })
      .then((r) => String(r.records[0]?.get('value') ?? '') || null)
      .catch(() => null);
    return { ok: true, home };
  } catch (e) {
    return { ok: false, error: `${e.code ?? ''} ${e.message}`.trim() };
  } finally {
    await driver.close();
  }
}

/** Whether two paths name the same directory (symlinks resolved where they exist). */
function sameDir(a, b) {
  const real = (p) => {
    try {
      return fs.realpathSync(p);
    } catch {
      return path.resolve(p);
    }
  };
  return real(a) === real(b);
}

function redisPing(s) {
  const r = spawnSync('redis-cli', ['-u', s.redisUrl, 'ping'], { encoding: 'utf8', timeout: 3000 });
  return r.status === 0 && r.stdout.trim() === 'PONG';
}

// ---------- Neo4j ----------

/** The java binary: $JAVA_HOME/bin/java when JAVA_HOME is set, else java on PATH. */
function javaCommand() {
  return process.env.JAVA_HOME ? path.join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
}

function ensureJava() {
  const java = javaCommand();
  if (process.env.JAVA_HOME && !fs.existsSync(java)) fail(`JAVA_HOME=${process.env.JAVA_HOME} has no bin/java`, 'point JAVA_HOME at a JDK 17+ or unset it');
  if (!process.env.JAVA_HOME && !have('java')) fail('no Java runtime found (java not on PATH)', 'install a JDK 17+, e.g. apt-get install -y openjdk-17-jdk-headless');
  const v = spawnSync(java, ['-version'], { encoding: 'utf8' });
  const m = /version "(\d+)/.exec(v.stderr ?? '');
  if (m && Number(m[1]) < 17) fail(`Java ${m[1]} found, Neo4j 5.26 needs 17+`, 'install openjdk-17-jdk-headless and put it first on PATH');
}

function ensureLauncherBuilt() {
  const src = path.join(launcherDir, 'src', 'main', 'java', 'onemap', 'neo4jlocal', 'Launcher.java');
  const pom = path.join(launcherDir, 'pom.xml');
  const built = fs.existsSync(launcherJar) && fs.existsSync(path.join(launcherDir, 'target', 'lib'));
  if (built && fs.statSync(launcherJar).mtimeMs >= Math.max(fs.statSync(src).mtimeMs, fs.statSync(pom).mtimeMs)) return;
  if (!have('mvn')) fail('Maven (mvn) is not installed; it builds the Neo4j launcher', 'apt-get install -y maven');
  console.log('services: building the Neo4j launcher with Maven (first run downloads Neo4j 5.26 from Maven Central)…');
  const r = spawnSync('mvn', ['-q', '-B', 'package', '-DskipTests'], { cwd: launcherDir, stdio: 'inherit' });
  if (r.status !== 0) fail('Maven build of graph-schema/neo4j-local failed (see output above)', 'check network access to Maven Central and the JDK');
}

async function startNeo4j(s, timeoutMs = Number(process.env.ONEMAP_SERVICE_TIMEOUT_MS ?? 180_000)) {
  if (s.external.neo4j) {
    const a = await neo4jAnswers(s);
    if (!a.ok) fail(`NEO4J_URI=${s.neo4jUri} does not answer: ${a.error}`, 'start that server or unset NEO4J_URI');
    return `external ${s.neo4jUri}`;
  }
  if (await portOpen(s.boltPort)) {
    const a = await neo4jAnswers(s);
    if (a.ok && a.home && !sameDir(a.home, s.neo4jDir)) {
      fail(
        `port ${s.boltPort} is served by the Neo4j of ${a.home}, not of ${s.neo4jDir}`,
        `stop that one (services down with its ONEMAP_DATA_DIR) or set NEO4J_BOLT_PORT to a free port`,
      );
    }
    if (a.ok) return `reused ${s.neo4jUri}`;
    fail(`port ${s.boltPort} is already taken by something that is not our Neo4j (${a.error})`, 'stop it or set NEO4J_BOLT_PORT to a free port');
  }
  ensureJava();
  ensureLauncherBuilt();
  fs.mkdirSync(s.logDir, { recursive: true });
  const logFile = path.join(s.logDir, 'neo4j-launcher.log');
  const out = fs.openSync(logFile, 'w');
  // NEO4J_JAVA_OPTS: further JVM options of the launcher, separated by spaces (docs/operations.md)
  const javaOpts = (process.env.NEO4J_JAVA_OPTS ?? '').split(/\s+/).filter(Boolean);
  const child = spawn(javaCommand(), ['-Xms512m', `-Xmx${s.memory.heap}`, ...javaOpts, '-cp', `${launcherJar}:${path.join(launcherDir, 'target', 'lib', '*')}`, 'onemap.neo4jlocal.Launcher'], {
    detached: true,
    stdio: ['ignore', out, out],
    env: { ...process.env, NEO4J_BOLT_PORT: String(s.boltPort), NEO4J_DATA_DIR: s.neo4jDir, NEO4J_PAGECACHE: s.memory.pageCache },
  });
  child.unref();
  fs.writeFileSync(path.join(s.dataDir, 'neo4j.pid'), String(child.pid));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const log = fs.readFileSync(logFile, 'utf8');
    const err = /ONEMAP_NEO4J_ERROR (.*)/.exec(log);
    if (err) fail(`Neo4j: ${err[1]}`);
    if (log.includes('ONEMAP_NEO4J_READY')) return `started ${s.neo4jUri} (pid ${child.pid}, heap ${s.memory.heap}, page cache ${s.memory.pageCache}, log ${path.relative(root, logFile)})`;
    if (child.exitCode !== null) fail(`Neo4j launcher exited with code ${child.exitCode}`, `read ${logFile}`);
    await sleep(500);
  }
  fail('Neo4j did not become ready in time', `read ${logFile}`);
}

/**
 * True while `pid` runs. A process that has exited but whose parent has not reaped it yet is a
 * zombie: `kill(pid, 0)` still succeeds on it, though it holds no file, port or memory. That is the
 * normal case here, because the launcher's parent is the process that ran `up` in-process (the
 * bench, `npm start`) and that process sits in a synchronous spawn while a child runs the import, so
 * it cannot reap. Counting the zombie as running made every bulk load wait the full 60 s and SIGKILL.
 */
function running(pid) {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat[stat.lastIndexOf(')') + 2] !== 'Z';
  } catch {
    return true; // no procfs (macOS): kill(pid, 0) is all we know
  }
}

function stopPidFile(file, name) {
  if (!fs.existsSync(file)) return `${name}: not started by us`;
  const pid = Number(fs.readFileSync(file, 'utf8'));
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    fs.rmSync(file, { force: true });
    return `${name}: was not running`;
  }
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (!running(pid)) {
      fs.rmSync(file, { force: true });
      return `${name}: stopped (pid ${pid})`;
    }
    spawnSync('sleep', ['0.1']);
  }
  process.kill(pid, 'SIGKILL');
  fs.rmSync(file, { force: true });
  return `${name}: killed (pid ${pid}) after 60 s`;
}

// ---------- Redis ----------

function ensureRedisInstalled() {
  if (have('redis-server')) return;
  const isRoot = process.getuid?.() === 0;
  const debian = fs.existsSync('/etc/debian_version');
  if (!(isRoot && debian)) fail('redis-server is not installed', 'on Debian/Ubuntu run: sudo apt-get install -y redis-server');
  console.log('services: installing redis-server with apt-get…');
  const u = spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
  const i = spawnSync('apt-get', ['install', '-y', '-qq', 'redis-server'], {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  if (u.status !== 0 || i.status !== 0 || !have('redis-server')) fail('apt-get could not install redis-server', 'install it by hand');
}

async function startRedis(s) {
  if (s.external.redis) {
    if (!have('redis-cli')) return `external ${s.redisUrl} (not checked: no redis-cli)`;
    if (!redisPing(s)) fail(`REDIS_URL=${s.redisUrl} does not answer PING`, 'start that server or unset REDIS_URL');
    return `external ${s.redisUrl}`;
  }
  ensureRedisInstalled();
  if (await portOpen(s.redisPort)) {
    if (redisPing(s)) {
      configureRedis(s);
      return `reused ${s.redisUrl}`;
    }
    fail(`port ${s.redisPort} is already taken by something that is not Redis`, 'stop it or set REDIS_PORT to a free port');
  }
  fs.mkdirSync(s.redisDir, { recursive: true });
  fs.mkdirSync(s.logDir, { recursive: true });
  const pidFile = path.join(s.dataDir, 'redis.pid');
  const args = [
    '--port', String(s.redisPort),
    '--bind', '127.0.0.1',
    '--dir', s.redisDir,
    '--appendonly', 'yes',
    '--appendfsync', 'everysec',
    '--maxmemory-policy', 'noeviction',
    '--daemonize', 'yes',
    '--pidfile', pidFile,
    '--logfile', path.join(s.logDir, 'redis.log'),
    '--save', '',
  ];
  const r = spawnSync('redis-server', args, { encoding: 'utf8' });
  if (r.status !== 0) fail(`redis-server did not start: ${(r.stderr || r.stdout).trim().split('\n')[0]}`, `read ${path.join(s.logDir, 'redis.log')}`);
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (redisPing(s)) return `started ${s.redisUrl} (AOF on, noeviction, dir ${path.relative(root, s.redisDir)})`;
    await sleep(200);
  }
  fail('Redis did not answer PING in 20 s', `read ${path.join(s.logDir, 'redis.log')}`);
}

/** A reused Redis gets the settings BullMQ needs, whoever started it. */
function configureRedis(s) {
  spawnSync('redis-cli', ['-u', s.redisUrl, 'config', 'set', 'maxmemory-policy', 'noeviction'], { stdio: 'ignore' });
}

// ---------- commands ----------

export async function up(profile) {
  const s = serviceSettings(profile);
  fs.mkdirSync(s.dataDir, { recursive: true });
  const [redis, neo4j] = [await startRedis(s), await startNeo4j(s)];
  console.log(`services[${s.profile}]: neo4j ${neo4j}`);
  console.log(`services[${s.profile}]: redis ${redis}`);
  return s;
}

/** Java and the launcher's classpath (neo4j-admin's `AdminTool` included), built when missing: for a caller that runs the import tool itself. */
export function ensureNeo4jTools() {
  ensureJava();
  ensureLauncherBuilt();
}

/** Stops only Neo4j (tests use it to prove /health notices). */
export async function stopNeo4jService(profile) {
  const s = serviceSettings(profile);
  return stopPidFile(path.join(s.dataDir, 'neo4j.pid'), 'neo4j');
}

/** Starts only Neo4j, or reuses the running one. */
export async function startNeo4jService(profile) {
  return startNeo4j(serviceSettings(profile));
}

/**
 * Bulk load with the real tool for it: stops Neo4j, runs `neo4j-admin database import full`
 * (org.neo4j.cli.AdminTool, on the launcher's classpath) over the CSVs described by
 * `<dir>/manifest.json` ({nodes: [...], relationships: [...], multiline, quote}), replacing the `neo4j`
 * database, and starts Neo4j again. Schema (constraints, indexes) is applied afterwards by the
 * migrations. Returns the stage timings in ms.
 */
export async function importNeo4j(profile, dir) {
  const s = serviceSettings(profile);
  if (s.external.neo4j) fail(`NEO4J_URI=${s.neo4jUri} is external: a bulk import needs the local Neo4j`, `run neo4j-admin database import full on that server with the CSVs in ${dir}`);
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
  ensureJava();
  ensureLauncherBuilt();
  const ms = {};
  let t = Date.now();
  stopPidFile(path.join(s.dataDir, 'neo4j.pid'), 'neo4j');
  ms.stop = Date.now() - t;
  t = Date.now();
  const conf = path.join(s.neo4jDir, 'conf');
  fs.mkdirSync(conf, { recursive: true });
  const args = [
    'database', 'import', 'full',
    ...manifest.nodes.map((f) => `--nodes=${f}`),
    ...manifest.relationships.map((f) => `--relationships=${f}`),
    '--overwrite-destination=true',
    `--multiline-fields=${manifest.multiline ? 'true' : 'false'}`,
    // the writer's quote character (`CSV_QUOTE`: U+0001, so JSON cells are written as they are)
    ...(manifest.quote ? [`--quote=${manifest.quote}`] : []),
    // every core for the import (its stages are parallel); off-heap caches bounded so a shared
    // machine is not taken over (the tool's default is 90% of free memory)
    `--threads=${process.env.NEO4J_IMPORT_THREADS ?? os.cpus().length}`,
    `--max-off-heap-memory=${process.env.NEO4J_IMPORT_OFF_HEAP ?? '2G'}`,
    '--high-parallel-io=auto',
    `--report-file=${path.join(s.logDir, 'import.report')}`,
    'neo4j',
  ];
  fs.mkdirSync(s.logDir, { recursive: true });
  const r = spawnSync(javaCommand(), [`-Xmx${process.env.NEO4J_IMPORT_HEAP ?? '1g'}`, '-cp', `${launcherJar}:${path.join(launcherDir, 'target', 'lib', '*')}`, 'org.neo4j.cli.AdminTool', ...args], {
    encoding: 'utf8',
    env: { ...process.env, NEO4J_HOME: s.neo4jDir, NEO4J_CONF: conf },
    maxBuffer: 64 << 20,
  });
  fs.writeFileSync(path.join(s.logDir, 'import.log'), `${r.stdout ?? ''}\n${r.stderr ?? ''}`);
  if (r.status !== 0) {
    const last = `${r.stderr || r.stdout}`.trim().split('\n').filter(Boolean).slice(-3).join(' | ');
    await startNeo4j(s);
    fail(`neo4j-admin import failed (exit ${r.status}): ${last}`, `read ${path.join(s.logDir, 'import.log')}; the neo4j database may be empty now: run the load again`);
  }
  ms.import = Date.now() - t;
  // CPU of the import JVM (a reaped child's time, from procfs): on a shared machine wall time says little
  const cpu = childCpuMs();
  if (cpu !== null) ms.importCpu = cpu;
  t = Date.now();
  // The imported store is opened for the first time: give a busy machine more than the usual start time.
  await startNeo4j(s, Math.max(600_000, Number(process.env.ONEMAP_SERVICE_TIMEOUT_MS ?? 0)));
  ms.start = Date.now() - t;
  return ms;
}

/** CPU time (user + system, ms) of this process's reaped children, or null without procfs. */
function childCpuMs() {
  try {
    const stat = fs.readFileSync('/proc/self/stat', 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const tick = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;
    // fields 16 and 17 of stat (cutime, cstime); f[0] is field 3
    return ((Number(f[13]) + Number(f[14])) * 1000) / tick;
  } catch {
    return null;
  }
}

async function down(profile) {
  const s = serviceSettings(profile);
  if (s.external.neo4j || s.external.redis) console.log('services: external services are not stopped by this script');
  console.log(stopPidFile(path.join(s.dataDir, 'neo4j.pid'), 'neo4j'));
  if (!s.external.redis && fs.existsSync(path.join(s.dataDir, 'redis.pid'))) {
    spawnSync('redis-cli', ['-p', String(s.redisPort), 'shutdown'], { stdio: 'ignore' });
    fs.rmSync(path.join(s.dataDir, 'redis.pid'), { force: true });
    console.log('redis: stopped');
  } else console.log('redis: not started by us');
}

async function status(profile) {
  const s = serviceSettings(profile);
  const n = await neo4jAnswers(s);
  const r = have('redis-cli') && redisPing(s);
  console.log(`neo4j ${s.neo4jUri}: ${n.ok ? 'up' : `down (${n.error})`}`);
  console.log(`redis ${s.redisUrl}: ${r ? 'up' : 'down'}`);
  return n.ok && r;
}

async function resetNeo4j(profile) {
  const s = serviceSettings(profile);
  if (await portOpen(s.boltPort)) fail(`Neo4j is running on ${s.boltPort}`, 'run "down" first');
  fs.rmSync(s.neo4jDir, { recursive: true, force: true });
  console.log(`services: removed ${s.neo4jDir}; the next "up" starts an empty graph`);
}

const isMain = process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1]);
if (isMain) {
  const args = process.argv.slice(2);
  const pi = args.indexOf('--profile');
  const profile = pi >= 0 ? args[pi + 1] : undefined;
  const cmd = args.find((a, i) => !a.startsWith('--') && (pi < 0 || i !== pi + 1)) ?? 'status';
  const importDir = args[args.indexOf('import') + 1];
  const commands = { up, down, status, 'reset-neo4j': resetNeo4j, import: async (p) => console.log(`ONEMAP_IMPORT_MS ${JSON.stringify(await importNeo4j(p, path.resolve(importDir)))}`) };
  if (!commands[cmd]) fail(`unknown command "${cmd}"`, 'use up, down, status, reset-neo4j or import <csv dir>');
  const ok = await commands[cmd](profile);
  if (cmd === 'status' && !ok) process.exit(1);
}
