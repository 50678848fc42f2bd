/**
 * Seeds governance data for a demo or a fresh install (idempotent):
 * units from `datasets/geo/units.json`, sources from `datasets/catalog/*.json` (sharing class,
 * grade, owner, field grades), demo users for every role at province / city / county / station
 * level, and two demo grants. Passwords are synthetic and for local use only.
 *
 *   npx tsx server/src/cli/seed.ts            # units, sources, demo users and grants
 *   npx tsx server/src/cli/seed.ts --no-users # units and sources only
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadCatalog, loadUnits } from '@onemap/datasets';
import { createDriver, type Graph, upsertUnits } from '@onemap/graph-schema/server';
import bcrypt from 'bcryptjs';
import { sourceFromCatalog } from '../access/store.ts';
import { loadConfig } from '../config.ts';
import { upsertGrants, upsertSources, upsertUser } from '../repositories/governance.ts';

/** The demo password of every demo user (documented in docs/security.md; local use only). */
export const DEMO_PASSWORD = 'onemap-demo-2026';

/** Demo users: [username, display name, unit, roles]. */
export const DEMO_USERS: [string, string, string, string[]][] = [
  ['prov_admin', '省厅管理员', '620000', ['admin']],
  ['prov_auditor', '省厅审计员', '620000', ['auditor']],
  ['prov_planner', '省厅规划员', '620000', ['planner']],
  ['prov_analyst', '省厅研判员', '620000', ['analyst']],
  ['prov_officer', '省厅民警', '620000', ['officer']],
  ['lz_admin', '兰州市局管理员', '620100', ['admin']],
  ['lz_planner', '兰州市局规划员', '620100', ['planner']],
  ['lz_analyst', '兰州市局研判员', '620100', ['analyst']],
  ['lz_officer', '兰州市局民警', '620100', ['officer']],
  ['cg_admin', '城关分局管理员', '620102', ['admin']],
  ['cg_planner', '城关分局规划员', '620102', ['planner']],
  ['cg_analyst', '城关分局研判员', '620102', ['analyst']],
  ['cg_officer', '城关分局民警', '620102', ['officer']],
  ['jql_officer', '酒泉路派出所民警', '620102001', ['officer']],
  ['jql_analyst', '酒泉路派出所研判员', '620102001', ['analyst', 'officer']],
  ['jyg_officer', '嘉峪关市局民警', '620200', ['officer']],
  ['jyg_planner', '嘉峪关市局规划员', '620200', ['planner']],
];

/** Demo grants: the household registry to Lanzhou (unmasking resident ids), rail to Chengguan. */
const DEMO_GRANTS = [
  { id: 'G-00000000-0000-4000-8000-000000000001', unitCode: '620100', sourceId: 'household', purposes: ['criminal_case', 'security_check', 'statistics'], fields: ['residentId'] },
  { id: 'G-00000000-0000-4000-8000-000000000002', unitCode: '620102', sourceId: 'rail', purposes: ['criminal_case', 'investigation_lead', 'statistics'], fields: [] },
];

export async function seed(graph: Graph, opts: { users: boolean }): Promise<{ units: number; sources: number; users: number; grants: number }> {
  const units = loadUnits().map((u) => ({ code: u.code, name: u.name, level: u.level, parent: u.parent }));
  await upsertUnits(graph, units);
  const catalog = loadCatalog();
  await upsertSources(
    graph,
    catalog.map((e) => {
      const s = sourceFromCatalog(e);
      return { ...s, updateMode: e.updateMode, frequency: e.frequency, fieldSensitivity: JSON.stringify(s.fieldSensitivity) };
    }),
  );
  if (!opts.users) return { units: units.length, sources: catalog.length, users: 0, grants: 0 };
  const hash = await bcrypt.hash(DEMO_PASSWORD, 10);
  for (const [username, displayName, unitCode, roles] of DEMO_USERS) await upsertUser(graph, { username, displayName, unitCode, roles, passwordHash: hash });
  const expiresAt = new Date(Date.now() + 365 * 86_400_000).toISOString();
  await upsertGrants(graph, DEMO_GRANTS, expiresAt, 'seed');
  return { units: units.length, sources: catalog.length, users: DEMO_USERS.length, grants: DEMO_GRANTS.length };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (e) {
    console.error(`seed: ${(e as Error).message}`);
    process.exit(2);
  }
  const graph = { driver: createDriver({ uri: config.NEO4J_URI, user: config.NEO4J_USER, password: config.NEO4J_PASSWORD, database: config.NEO4J_DATABASE }), database: config.NEO4J_DATABASE };
  try {
    const r = await seed(graph, { users: !process.argv.includes('--no-users') });
    console.log(`seed: ${r.units} units, ${r.sources} sources, ${r.users} demo users (password ${DEMO_PASSWORD}), ${r.grants} grants`);
  } catch (e) {
    console.error(`seed: failed: ${(e as Error).message}`);
    process.exitCode = 2;
  } finally {
    await graph.driver.close();
  }
}
