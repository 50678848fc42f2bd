#!/usr/bin/env node
/**
 * `npm test`: installs what a fresh machine lacks, then runs every test — typecheck, unit,
 * integration (real Neo4j and Redis of the `test` profile, started by the integration setup).
 * Extra arguments go to vitest, e.g. `npm test -- resolver/`.
 */
import { BROWSER_PACKAGES, SERVICE_PACKAGES, ensureDebianPackages, ensureJavaAndMaven, ensureNodeModules, run } from './lib/ensure.mjs';

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
for (const project of projects) {
  if (status !== 0) break;
  if (project) console.log(`test: ${project} tests…`);
  status = run('npx', ['vitest', 'run', ...(project ? ['--project', project] : []), ...args]);
}
console.log(`test: finished in ${((Date.now() - t0) / 1000).toFixed(1)} s with exit code ${status}`);
process.exit(status);
