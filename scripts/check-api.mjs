#!/usr/bin/env node
/**
 * `npm run check:api`: the OpenAPI document is the contract, and schemathesis checks the server
 * keeps it. Creates a Python venv (.venv-api-check, git-ignored) with schemathesis from PyPI,
 * starts the test-profile services and a server on them with a small seeded fixture
 * (scripts/api-check-server.ts), logs in a demo user holding every role, and runs schemathesis
 * against /docs/json with a purpose header, checking: no 5xx, no undocumented status code or
 * content type, every answer conforms to its response schema. Exits non-zero on any failure.
 * The watch stream (never ends) is checked separately: it must answer text/event-stream.
 *
 *   npm run check:api [-- --max-examples 50 --seed 1]   (extra arguments go to schemathesis)
 *
 * Ports: NEO4J_BOLT_PORT / REDIS_PORT move the test services, API_CHECK_PORT the server.
 * Not part of `npm test`: it takes several minutes.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const venv = path.join(root, '.venv-api-check');
const SCHEMATHESIS = 'schemathesis>=4.32,<5';
const CHECKS = ['not_a_server_error', 'status_code_conformance', 'content_type_conformance', 'response_schema_conformance'];
const PURPOSE = { kind: 'criminal_case', caseNumber: 'A6201022026110001', text: '接口契约检查' };

function fail(what, todo) {
  console.error(`check:api: ${what}${todo ? ` — ${todo}` : ''}`);
  process.exit(2);
}

// 1. Python and schemathesis, in a venv of our own.
if (spawnSync('python3', ['--version'], { stdio: 'ignore' }).status !== 0) fail('python3 is missing', 'install Python 3.9+ (e.g. apt-get install python3 python3-venv) and run again');
const st = path.join(venv, 'bin', 'st');
if (!fs.existsSync(st)) {
  console.log(`check:api: creating ${path.relative(root, venv)} with ${SCHEMATHESIS} (once)`);
  if (spawnSync('python3', ['-m', 'venv', venv], { stdio: 'inherit' }).status !== 0) fail('python3 -m venv failed', 'install python3-venv and run again');
  if (spawnSync(path.join(venv, 'bin', 'pip'), ['install', '--quiet', SCHEMATHESIS], { stdio: 'inherit' }).status !== 0) fail('pip could not install schemathesis', 'check the network / PyPI access');
}

// 2. The test services and a server on them.
const { up } = await import('./services.mjs');
await up('test');
const server = spawn('npx', ['tsx', path.join('scripts', 'api-check-server.ts')], { cwd: root, env: process.env, stdio: ['ignore', 'pipe', 'inherit'], detached: true });
const stopServer = () => {
  try {
    process.kill(-server.pid, 'SIGTERM');
  } catch {
    /* already gone */
  }
};
process.on('exit', stopServer);
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => {
    stopServer();
    process.exit(130);
  });
}
const base = await new Promise((resolve, reject) => {
  let out = '';
  server.stdout.on('data', (d) => {
    out += d;
    const m = /READY (\S+)/.exec(out);
    if (m) resolve(m[1]);
  });
  server.on('exit', (code) => reject(new Error(`the check server exited (${code}) before it was ready`)));
}).catch((e) => fail(e.message, 'see the output above'));
console.log(`check:api: server at ${base}`);

// 3. A demo user's token (every role) and a purpose.
const login = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'api_check', password: 'api-check-password-1' }) });
if (!login.ok) fail(`login of the check user failed (${login.status})`, await login.text());
const { token } = await login.json();
const purpose = encodeURIComponent(JSON.stringify(PURPOSE));

// 4. The stream route cannot be fuzzed (it never ends): check its content type once.
let streamOk = true;
{
  const ac = new AbortController();
  // the stream takes a single-use ticket, issued for a token and a purpose (headers)
  const issued = await fetch(`${base}/api/watches/stream-ticket`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'x-onemap-purpose': purpose } });
  const { ticket } = issued.ok ? await issued.json() : { ticket: '' };
  const res = await fetch(`${base}/api/watches/stream?ticket=${encodeURIComponent(ticket)}`, { signal: ac.signal });
  const type = res.headers.get('content-type') ?? '';
  ac.abort();
  if (res.status !== 200 || !type.startsWith('text/event-stream')) {
    streamOk = false;
    console.error(`check:api: GET /api/watches/stream answered ${res.status} ${type}, not 200 text/event-stream`);
  }
}

// 5. schemathesis against the OpenAPI document. Two passes: the check user is an admin, and the
// fuzzer learns its name from answers; changing or replacing that user (its roles) would lock the
// rest of the run out, so the user routes go last.
const USERS = '^/api/admin/users';
const passes = [
  ['--exclude-path-regex', `${USERS}|^/api/watches/stream`],
  ['--include-path-regex', USERS],
];
let stOk = true;
for (const pass of passes) {
  const args = [
    'run',
    `${base}/docs/json`,
    '--url',
    base,
    '--checks',
    CHECKS.join(','),
    '--header',
    `Authorization: Bearer ${token}`,
    '--header',
    `x-onemap-purpose: ${purpose}`,
    ...pass,
    '--max-examples',
    process.env.API_CHECK_EXAMPLES ?? '20',
    '--workers',
    '1',
    '--phases',
    'examples,coverage,fuzzing',
    '--request-timeout',
    '30',
    ...process.argv.slice(2),
  ];
  console.log(`check:api: st ${args.map((a) => (a.startsWith('Authorization') ? 'Authorization: Bearer …' : a)).join(' ')}`);
  const r = spawnSync(st, args, { stdio: 'inherit', cwd: root });
  if (r.status !== 0) stOk = false;
}
stopServer();
const ok = stOk && streamOk;
console.log(ok ? 'check:api: the server keeps its OpenAPI contract' : 'check:api: contract violations found (see above)');
process.exit(ok ? 0 : 1);
