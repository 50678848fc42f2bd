/**
 * What a fresh machine lacks, installed by the project's own scripts: npm packages (npm ci when
 * the lockfile changed) and Debian packages (apt-get, only as root on Debian; otherwise one line
 * that says what to install).
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * V8 options of every Node process the project's scripts start (`npm start`, `npm test`, the
 * benchmarks), added to NODE_OPTIONS unless it sets them already. Semi-spaces of 64 MiB instead
 * of Node's 16: the resolver, the bulk planner and the CSV writer allocate short-lived strings and
 * objects fast; with small semi-spaces they survive into the old generation and cost full
 * collections. Measured on the 25,000-person bulk plan + import CSVs (102k records, load 3–6):
 * CPU 64.6 -> 52.4 s, the CSV stage 20-32 -> 9-11 s, peak RSS 2.74 -> 2.24 GiB. A deployment
 * that starts the processes itself sets the same NODE_OPTIONS (docs/operations.md).
 */
export const NODE_V8_OPTIONS = ['--max-semi-space-size=64'];

/** `current` NODE_OPTIONS with every option of NODE_V8_OPTIONS it does not set already. */
export function withNodeOptions(current = '') {
  const missing = NODE_V8_OPTIONS.filter((o) => !current.includes(o.split('=')[0]));
  return [current, ...missing].filter(Boolean).join(' ');
}

export function run(cmd, args, opts = {}) {
  const env = { ...(opts.env ?? process.env) };
  env.NODE_OPTIONS = withNodeOptions(env.NODE_OPTIONS);
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: root, ...opts, env });
  if (r.error) throw new Error(`${cmd} could not run: ${r.error.message}`);
  return r.status ?? 1;
}

export function have(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

/**
 * Installs the locked npm packages when node_modules is missing or was installed from another
 * lockfile. `npm install` rather than `npm ci`: the registry mirror serves only this platform's
 * optional binaries (e.g. Biome's), which leaves the lockfile without the others, and `npm ci`
 * refuses such a lockfile; `npm install` installs the same locked versions.
 */
export function ensureNodeModules() {
  const lock = path.join(root, 'package-lock.json');
  const stamp = path.join(root, 'node_modules', '.onemap-lock-hash');
  const hash = createHash('sha256').update(fs.readFileSync(lock)).digest('hex');
  if (fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === hash) return false;
  console.log('setup: installing npm packages (npm install from the lockfile)…');
  if (run('npm', ['install', '--no-audit', '--no-fund']) !== 0) {
    console.error('setup: npm install failed — check access to the npm registry');
    process.exit(2);
  }
  // npm install may normalise the lockfile; stamp what is on disk now.
  fs.writeFileSync(stamp, createHash('sha256').update(fs.readFileSync(lock)).digest('hex'));
  return true;
}

let aptUpdated = false;
/** Installs Debian packages whose command is missing: [{cmd, pkg}]. */
export function ensureDebianPackages(needs) {
  const missing = needs.filter((n) => !(n.cmd ? have(n.cmd) : fs.existsSync(n.path)));
  if (!missing.length) return;
  const pkgs = [...new Set(missing.map((m) => m.pkg))];
  const isRoot = process.getuid?.() === 0;
  if (!isRoot || !fs.existsSync('/etc/debian_version') || !have('apt-get')) {
    console.error(`setup: missing ${pkgs.join(', ')} — install them (on Debian: sudo apt-get install -y ${pkgs.join(' ')})`);
    process.exit(2);
  }
  console.log(`setup: installing Debian packages ${pkgs.join(', ')}…`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  if (!aptUpdated && run('apt-get', ['update', '-qq'], { env }) !== 0) process.exit(2);
  aptUpdated = true;
  if (run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...pkgs], { env }) !== 0) {
    console.error(`setup: apt-get could not install ${pkgs.join(', ')}`);
    process.exit(2);
  }
}

/** Java 17+ and Maven build the embedded Neo4j launcher. */
export function ensureJavaAndMaven() {
  ensureDebianPackages([
    { cmd: 'java', pkg: 'openjdk-17-jdk-headless' },
    { cmd: 'mvn', pkg: 'maven' },
  ]);
}

export const SERVICE_PACKAGES = [
  { cmd: 'redis-server', pkg: 'redis-server' },
  { cmd: 'redis-cli', pkg: 'redis-tools' },
];

export const BROWSER_PACKAGES = [
  { cmd: 'chromium', pkg: 'chromium' },
  { path: '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc', pkg: 'fonts-noto-cjk' },
];
