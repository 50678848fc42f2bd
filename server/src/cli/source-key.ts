/**
 * Issues or revokes a source system's key from the command line (an operator with database
 * access; admins do the same over `POST /api/admin/source-keys`):
 *
 *   npx tsx server/src/cli/source-key.ts issue --sources hotel,checkpoint --unit 620000 --name "replay"
 *   npx tsx server/src/cli/source-key.ts revoke --id SK-…
 *
 * `issue` prints the key once (`osk.<id>.<secret>`); the graph keeps its SHA-256. The unit must
 * own every source, or sit above its owner. Exit 0 on success, 2 on a usage or connection error.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDriver } from '@onemap/graph-schema/server';
import { AccessStore } from '../access/store.ts';
import { isWithin } from '../access/units.ts';
import { loadConfig } from '../config.ts';
import { issueSourceKey, revokeSourceKey } from '../repositories/source-keys.ts';

export async function main(argv: string[]): Promise<number> {
  const arg = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const command = argv[0];
  const config = loadConfig();
  const graph = {
    driver: createDriver({
      uri: config.NEO4J_URI,
      user: config.NEO4J_USER,
      password: config.NEO4J_PASSWORD,
      database: config.NEO4J_DATABASE,
    }),
    database: config.NEO4J_DATABASE,
  };
  try {
    if (command === 'issue') {
      const sources = (arg('--sources') ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      const unit = arg('--unit');
      if (!sources.length || !unit) throw new Error('issue needs --sources a,b and --unit CODE');
      const snap = await new AccessStore(graph, 0).snapshot();
      for (const id of sources) {
        const s = snap.sources.get(id);
        if (!s) throw new Error(`source ${id} is not in the catalog`);
        if (!isWithin(s.ownerUnit, unit, snap.units))
          throw new Error(`source ${id} belongs to unit ${s.ownerUnit}, which is not ${unit} or below it`);
      }
      const k = await issueSourceKey(graph, {
        name: arg('--name') ?? `source system for ${sources.join(', ')}`,
        sources,
        unitCode: unit,
        createdBy: 'cli',
      });
      console.log(`source key ${k.id} for ${sources.join(', ')} (unit ${unit}); shown once:`);
      console.log(k.key);
      return 0;
    }
    if (command === 'revoke') {
      const id = arg('--id');
      if (!id) throw new Error('revoke needs --id SK-…');
      const snap = await new AccessStore(graph, 0).snapshot();
      const k = await revokeSourceKey(graph, id, [...snap.units.keys()], 'cli');
      console.log(k ? `source key ${id} revoked` : `no source key ${id}`);
      return k ? 0 : 2;
    }
    throw new Error('use: issue --sources a,b --unit CODE [--name N] | revoke --id SK-…');
  } catch (e) {
    console.error(`source-key: ${(e as Error).message}`);
    return 2;
  } finally {
    await graph.driver.close();
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2));
}
