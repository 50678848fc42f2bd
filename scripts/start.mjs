#!/usr/bin/env node
/**
 * `npm start`: the main job on one machine. Installs what is missing, starts Neo4j and Redis
 * (dev profile), applies migrations, loads the committed sample through the pipeline, builds the
 * web app, and serves API + map until Ctrl-C.
 */
import fs from 'node:fs';
import path from 'node:path';
import { SERVICE_PACKAGES, ensureDebianPackages, ensureJavaAndMaven, ensureNodeModules, root, run } from './lib/ensure.mjs';

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

const ingestCli = path.join(root, 'resolver', 'src', 'cli', 'ingest-command.ts');
if (fs.existsSync(ingestCli) && process.env.ONEMAP_SKIP_SAMPLE !== '1') {
  if (run('npx', ['tsx', 'resolver/src/cli/main.ts', 'ingest', '--all-samples'], { env }) !== 0) process.exit(2);
  step('sample data resolved into Neo4j');
}
if (fs.existsSync(path.join(root, 'web', 'package.json')) && fs.existsSync(path.join(root, 'web', 'vite.config.ts'))) {
  if (run('npm', ['run', 'build', '-w', 'web']) !== 0) process.exit(2);
  step('web app built');
}
step('starting the server (Ctrl-C stops it; `npm run services down` stops Neo4j and Redis)');
process.exit(run('npx', ['tsx', 'server/src/main.ts'], { env }));
