#!/usr/bin/env node
/**
 * `npm run bench <name> [-- args]`: runs scripts/bench-<name>.ts with tsx. Benchmarks print
 * figures (throughput, latency percentiles, peak memory); tests never assert on time.
 */
import fs from 'node:fs';
import path from 'node:path';
import { root, run } from './lib/ensure.mjs';

const [name, ...args] = process.argv.slice(2);
const available = fs.readdirSync(path.join(root, 'scripts')).filter((f) => /^bench-.*\.ts$/.test(f)).map((f) => f.slice(6, -3));
if (!name || !available.includes(name)) {
  console.error(`bench: name one of: ${available.join(', ') || '(none yet)'} — e.g. npm run bench ${available[0] ?? 'resolve'}`);
  process.exit(2);
}
process.exit(run('npx', ['tsx', '--expose-gc', `scripts/bench-${name}.ts`, ...args]));
