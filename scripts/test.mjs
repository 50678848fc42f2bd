#!/usr/bin/env node
/**
 * `npm test`: installs what a fresh machine lacks, then runs every test — typecheck, unit,
 * integration (real Neo4j and Redis of the `test` profile, started by the integration setup).
 * Extra arguments go to vitest, e.g. `npm test -- resolver/`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { BROWSER_PACKAGES, SERVICE_PACKAGES, ensureDebianPackages, ensureJavaAndMaven, ensureNodeModules, root, run } from './lib/ensure.mjs';

const t0 = Date.now();
ensureJavaAndMaven();
ensureDebianPackages([...SERVICE_PACKAGES, ...BROWSER_PACKAGES]);
ensureNodeModules();
console.log(`test: prerequisites ready in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

const args = process.argv.slice(2);
let status = 0;
if (!args.length) {
  console.log('test: typecheck (tsc --noEmit)…');
  status = run('npx', ['tsc', '-p', 'tsconfig.json', '--noEmit']);
  if (status !== 0) console.error('test: typecheck failed');
}
// Projects run one after another: integration and browser tests share one Neo4j database, and
// vitest would otherwise run files of different projects at the same time.
const projects = args.length ? [null] : ['unit', 'integration', 'e2e'];
const totals = { passed: 0, failed: 0, skipped: 0 };
fs.mkdirSync(path.join(root, 'test-artifacts'), { recursive: true });
for (const project of projects) {
  if (status !== 0) break;
  if (project) console.log(`test: ${project} tests…`);
  const report = path.join(root, 'test-artifacts', `vitest-${project ?? 'selection'}.json`);
  fs.rmSync(report, { force: true });
  status = run('npx', ['vitest', 'run', ...(project ? ['--project', project] : []), '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...args]);
  if (fs.existsSync(report)) {
    const r = JSON.parse(fs.readFileSync(report, 'utf8'));
    totals.passed += r.numPassedTests ?? 0;
    totals.failed += r.numFailedTests ?? 0;
    totals.skipped += (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  } else if (status !== 0) totals.failed += 1;
}
// One closing line any CI can read.
console.log(`test: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
if (status === 0 && totals.passed === 0) {
  console.error('test: no test ran');
  status = 1;
}
console.log(`test: finished in ${((Date.now() - t0) / 1000).toFixed(1)} s with exit code ${status}`);
process.exit(status);
