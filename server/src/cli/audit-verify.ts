/**
 * Verifies the audit trail from the command line:
 *
 *   npx tsx server/src/cli/audit-verify.ts                      # walk the chain, check checkpoints
 *   npx tsx server/src/cli/audit-verify.ts --export cps.json    # also write the signed checkpoints
 *   npx tsx server/src/cli/audit-verify.ts --against cps.json   # check the chain against checkpoints kept elsewhere
 *
 * Exit code 0 when the chain is intact, 1 when any entry was edited, deleted or reordered
 * (each problem is printed with its sequence number), 2 on a usage or connection error.
 * Connection and key from the environment (NEO4J_URI …, AUDIT_SIGNING_KEY), like the server.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDriver } from '@onemap/graph-schema/server';
import { type Checkpoint, listCheckpoints, verifyAudit, verifyCheckpointSignature } from '../audit/chain.ts';
import { readHashesBySeq } from '../repositories/audit.ts';
import { loadConfig } from '../config.ts';

export async function main(argv: string[]): Promise<number> {
  const arg = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (e) {
    console.error(`audit: ${(e as Error).message}`);
    return 2;
  }
  const graph = { driver: createDriver({ uri: config.NEO4J_URI, user: config.NEO4J_USER, password: config.NEO4J_PASSWORD, database: config.NEO4J_DATABASE }), database: config.NEO4J_DATABASE };
  try {
    const report = await verifyAudit(graph, { signingKey: config.AUDIT_SIGNING_KEY, unkeyedUntil: config.AUDIT_UNKEYED_UNTIL });
    let ok = report.ok;
    console.log(`audit: ${report.entries} entries, head at ${report.headSeq}, ${report.checkpointsChecked} checkpoints checked`);
    for (const p of report.problems) console.log(`audit: PROBLEM at seq ${p.seq} (${p.kind}): ${p.message}`);
    const against = arg('--against');
    if (against) {
      const kept = JSON.parse(fs.readFileSync(against, 'utf8')) as { checkpoints: Checkpoint[] };
      const stored = new Map((await listCheckpoints(graph)).map((c) => [c.seq, c]));
      const hashes = await readHashesBySeq(
        graph,
        kept.checkpoints.map((c) => c.seq),
      );
      for (const c of kept.checkpoints) {
        if (!verifyCheckpointSignature(config.AUDIT_SIGNING_KEY, c)) {
          ok = false;
          console.log(`audit: PROBLEM kept checkpoint ${c.seq} has a bad signature (wrong key or edited file)`);
        } else if (!hashes.has(c.seq)) {
          ok = false;
          console.log(`audit: PROBLEM entry ${c.seq}, signed in a checkpoint kept outside, is missing: the trail was cut back (its tail deleted with the head and the later checkpoints)`);
        } else if (hashes.get(c.seq) !== c.hash) {
          ok = false;
          console.log(`audit: PROBLEM entry ${c.seq} no longer matches the checkpoint kept outside: the chain was rewritten from there`);
        } else if (!stored.has(c.seq)) {
          console.log(`audit: note: checkpoint ${c.seq} is missing from the graph but the chain still matches it`);
        }
      }
      console.log(`audit: compared with ${kept.checkpoints.length} checkpoints from ${against}`);
    }
    const out = arg('--export');
    if (out) {
      fs.writeFileSync(out, `${JSON.stringify({ exportedAt: new Date().toISOString(), checkpoints: await listCheckpoints(graph) }, null, 2)}\n`);
      console.log(`audit: checkpoints written to ${out}`);
    }
    console.log(ok ? 'audit: OK — the chain is intact' : 'audit: FAILED — see the problems above');
    return ok ? 0 : 1;
  } catch (e) {
    console.error(`audit: could not verify: ${(e as Error).message}`);
    return 2;
  } finally {
    await graph.driver.close();
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exit(await main(process.argv.slice(2)));
}
