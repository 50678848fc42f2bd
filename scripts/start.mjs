#!/usr/bin/env node
/**
 * `npm start`: the main job on one machine. Installs what is missing, starts Neo4j and Redis
 * (dev profile), applies migrations, bulk loads the committed sample into an empty graph
 * (neo4j-admin import), seeds, runs the sample through the incremental pipeline (a no-op once loaded), builds the
 * web app, and serves API + map until Ctrl-C.
 */
import { SERVICE_PACKAGES, ensureDebianPackages, ensureJavaAndMaven, ensureNodeModules, run } from './lib/ensure.mjs';

const t0 = Date.now();
const step = (msg) => console.log(`start: ${msg} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
ensureJavaAndMaven();
ensureDebianPackages(SERVICE_PACKAGES);
ensureNodeModules();

const { up } = await import('./services.mjs');
const s = await up(process.env.ONEMAP_PROFILE ?? 'dev');
const env = { ...process.env, NEO4J_URI: s.neo4jUri, REDIS_URL: s.redisUrl };
step('services up');
if (run('npx', ['tsx', 'graph-schema/src/cli/migrate.ts'], { env }) !== 0) process.exit(2);
step('migrations applied');

if (process.env.ONEMAP_SKIP_SAMPLE !== '1') {
  // An empty graph is bulk loaded with neo4j-admin import (stop, import, start, indexes online);
  // a graph that already holds data is left alone (the incremental ingest below is a no-op then).
  const loadEnv = { ...env, ONEMAP_PROFILE: s.profile };
  if (run('npx', ['tsx', 'resolver/src/cli/main.ts', 'load', 'datasets/sample', '--if-empty'], { env: loadEnv }) !== 0) process.exit(2);
  step('sample bulk loaded (or the graph already held data)');
}
if (run('npx', ['tsx', 'server/src/cli/seed.ts'], { env }) !== 0) process.exit(2);
step('units, sources, demo users and grants seeded (see docs/security.md for the demo logins)');
if (process.env.ONEMAP_SKIP_SAMPLE !== '1') {
  // Idempotent: a second `npm start` finds every sample batch already done and writes nothing.
  if (run('npx', ['tsx', 'resolver/src/cli/main.ts', 'ingest', '--all-samples'], { env }) !== 0) process.exit(2);
  step('sample data resolved into Neo4j');
}
if (run('npm', ['run', 'build', '-w', 'web']) !== 0) process.exit(2);
step('web app built');
const port = process.env.PORT ?? '8080';
console.log('start: to replay a real-time source over HTTP, issue its system a key first (shown once):');
console.log('  npx tsx server/src/cli/source-key.ts issue --sources hotel --unit 620000   # then');
console.log(`  npm run datasets -- replay --source hotel --url http://127.0.0.1:${port} --key osk.…`);
step(`starting the server: map at http://127.0.0.1:${port}/, API docs at http://127.0.0.1:${port}/docs (Ctrl-C stops it; \`npm run services down\` stops Neo4j and Redis)`);
process.exit(run('npx', ['tsx', 'server/src/main.ts'], { env: { ...env, INGEST_WORKER: env.INGEST_WORKER ?? 'embedded' } }));
