#!/usr/bin/env node
/**
 * `npm run bench <name> [-- args]`: runs scripts/bench-<name>.ts with tsx. Benchmarks print
 * figures (throughput, latency percentiles, peak memory); tests never assert on time.
 */
import fs from 'node:fs';
import path from 'node:path';
import { root, run } from './lib/ensure.mjs';

const [name, ...args] = process.argv.slice(2);
const scripts = path.join(root, 'scripts');
const benchFiles = fs.readdirSync(scripts).filter((f) => /^bench-.*\.ts$/.test(f));
// A module another benchmark imports (e.g. bench-api-graph.ts, the API bench's graph builder) is a
// helper, not a benchmark of its own: it is not offered as a name.
const imported = new Set(
  benchFiles.flatMap((f) =>
    [...fs.readFileSync(path.join(scripts, f), 'utf8').matchAll(/from '\.\/(bench-[\w-]+)\.ts'/g)].map(
      (m) => `${m[1]}.ts`,
    ),
  ),
);
const available = benchFiles.filter((f) => !imported.has(f)).map((f) => f.slice(6, -3));
if (!name || !available.includes(name)) {
  console.error(
    `bench: name one of: ${available.join(', ') || '(none yet)'} — e.g. npm run bench ${available.includes('resolve') ? 'resolve' : available[0]}`,
  );
  process.exit(2);
}
process.exit(run('npx', ['tsx', '--expose-gc', `scripts/bench-${name}.ts`, ...args]));
