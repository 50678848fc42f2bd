/**
 * What the web tests log in as and look at: the province's units (datasets/geo/units.json),
 * one user per role, and the committed sample ingested through the real pipeline.
 */
import fs from 'node:fs';
import path from 'node:path';
import { GEO_DIR, loadCatalog } from '@onemap/datasets';
import { type Graph, readTx, upsertUnits, writeTx } from '@onemap/graph-schema/server';
import bcrypt from 'bcryptjs';
import { sourceFromCatalog } from '../../server/src/access/store.ts';
import { upsertSources } from '../../server/src/repositories/governance.ts';
import { ingestDirect, openTestPipeline, sampleFiles } from './pipeline.ts';

export const WEB_PASSWORD = 'web-password-1';

/** The users the web tests log in as: every role at the province (owner of every sample source), one county officer. */
export const WEB_USERS = {
  planner: { username: 'web_planner', displayName: '规划员 孙丽', unitCode: '620000', roles: ['planner'] },
  officer: { username: 'web_officer', displayName: '民警 周强', unitCode: '620000', roles: ['officer'] },
  analyst: { username: 'web_analyst', displayName: '研判员 吴敏', unitCode: '620000', roles: ['analyst'] },
  admin: { username: 'web_admin', displayName: '管理员 郑华', unitCode: '620000', roles: ['admin'] },
  auditor: { username: 'web_auditor', displayName: '审计员 钱进', unitCode: '620000', roles: ['auditor'] },
  countyOfficer: { username: 'web_county_officer', displayName: '民警 冯涛', unitCode: '620102', roles: ['officer'] },
} as const;

export type WebRole = keyof typeof WEB_USERS;

export async function seedWebUsers(graph: Graph): Promise<void> {
  const units = JSON.parse(fs.readFileSync(path.join(GEO_DIR, 'units.json'), 'utf8')) as { code: string; name: string; level: 'province' | 'city' | 'county' | 'station'; parent: string | null }[];
  await upsertUnits(
    graph,
    units.map((u) => ({ code: u.code, name: u.name, level: u.level, parent: u.parent })),
  );
  // The catalog's sources with their sharing classes: the web tests must not depend on what
  // earlier test files happened to leave in the graph.
  await upsertSources(
    graph,
    loadCatalog().map((e) => {
      const src = sourceFromCatalog(e);
      return { ...src, updateMode: e.updateMode, frequency: e.frequency, fieldSensitivity: JSON.stringify(src.fieldSensitivity) };
    }),
  );
  const passwordHash = bcrypt.hashSync(WEB_PASSWORD, 4);
  await writeTx(graph, (tx) =>
    tx.run('UNWIND $users AS u MERGE (n:User {username: u.username}) SET n += u, n.disabled = false', {
      users: Object.values(WEB_USERS).map((u) => ({ ...u, roles: [...u.roles], passwordHash })),
    }),
  );
}

/**
 * How many sample incident records the graph holds: incidents are ingested last, so a count
 * above zero means a whole ingest finished (0 when the sample is not, or only partly, loaded).
 */
export async function sampleLoaded(graph: Graph): Promise<number> {
  return readTx(graph, async (tx) => {
    const r = await tx.run("MATCH (r:SourceRecord {source: 'incident'}) RETURN count(r) AS n");
    return Number(r.records[0]?.get('n') ?? 0);
  });
}

/** Ingests the committed sample (every source, every day) through the real pipeline, unless already there. */
export async function ensureSampleLoaded(graph: Graph, log: (s: string) => void = () => {}): Promise<void> {
  if ((await sampleLoaded(graph)) > 0) return;
  const days = [...new Set(fs.readdirSync(path.join(GEO_DIR, '../sample/household')).map((f) => f.slice(0, 10)))];
  const t = openTestPipeline();
  try {
    const t0 = Date.now();
    await ingestDirect(t.pipeline, sampleFiles(days));
    log(`sample ingested in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  } finally {
    await t.close();
  }
}
