/**
 * The server `npm run check:api` fuzzes: the real app on the test-profile services, with the small
 * seeded fixture of the integration tests (test/helpers) and one extra demo user holding every
 * role (so every route is reached past its role check). Prints `READY <url>` once listening.
 * Not for production: it wipes the test graph first.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { migrate } from '@onemap/graph-schema/server';
import { buildApp, loadConfig } from '@onemap/server';
import bcrypt from 'bcryptjs';
import { upsertUser } from '../server/src/repositories/governance.ts';
import { testEnv } from '../test/helpers/env.ts';
import { clearGraph, openTestGraph } from '../test/helpers/graph.ts';
import { seedServerFixture } from '../test/helpers/server-fixtures.ts';

export const CHECK_USER = 'api_check';
export const CHECK_PASSWORD = 'api-check-password-1';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'onemap-api-check-'));
process.env.ONEMAP_DATA_DIR = dataDir; // staging and rejects of fuzzed pushes go here, not into .data

const graph = openTestGraph();
await migrate({ driver: graph.driver, database: graph.database });
await clearGraph(graph);
await seedServerFixture(graph);
await upsertUser(graph, {
  username: CHECK_USER,
  displayName: 'API check',
  unitCode: '620000',
  roles: ['officer', 'analyst', 'planner', 'admin', 'auditor'],
  passwordHash: bcrypt.hashSync(CHECK_PASSWORD, 4),
});
await graph.driver.close();

const app = await buildApp({
  config: loadConfig({ ...testEnv, RATE_LIMIT_PER_MINUTE: 1_000_000, LAYER_CACHE_MS: 0, PORT: Number(process.env.API_CHECK_PORT ?? 0) }),
  logger: process.env.API_CHECK_LOG ? { level: process.env.API_CHECK_LOG } : false,
});
const url = await app.listen({ host: '127.0.0.1', port: Number(process.env.API_CHECK_PORT ?? 0) });
console.log(`READY ${url}`);

const stop = async () => {
  await app.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
