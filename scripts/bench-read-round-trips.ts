/**
 * `npm run bench read-round-trips [-- --user fx_county_analyst --rounds 6 --per 50 --pid <neo4j pid>]`
 *
 * A lone profile's reads (`buildProfile`, as the route runs them) two ways, alternated in one run
 * on the Neo4j of NEO4J_BOLT_PORT (default 7688, the test services; nothing is written): as a
 * managed read transaction (`executeRead`: BEGIN, RUN…, COMMIT — how `readTx` read before
 * 2026-12-02) and as `readTx` reads now (auto-commit statements on one READ session). Per round
 * and way: Bolt round trips per profile (counted by a proxy), the median and p95 wall time of one
 * profile, Node CPU and — with `--pid` — Neo4j's CPU per profile (from /proc), and the load
 * average. For docs/api.md ("Reads without BEGIN and COMMIT").
 */
import fs from 'node:fs';
import os from 'node:os';
import { createDriver, type Graph, type ReadRunner, readTx, toGraphError } from '@onemap/graph-schema/server';
import neo4j from 'neo4j-driver';
import { AccessStore } from '../server/src/access/store.ts';
import { buildViewer } from '../server/src/access/viewer.ts';
import { buildProfile } from '../server/src/services/entity-view.ts';
import { startBoltProxy } from '../test/helpers/bolt-proxy.ts';

const args = process.argv.slice(2);
const arg = (name: string, def: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? String(args[i + 1]) : def;
};
const USER = arg('user', 'fx_county_analyst');
const ROUNDS = Number(arg('rounds', '6'));
const PER = Number(arg('per', '50'));
const PID = arg('pid', '');

const target = process.env.NEO4J_URI ?? `bolt://127.0.0.1:${process.env.NEO4J_BOLT_PORT ?? '7688'}`;
const proxy = await startBoltProxy(target);
const database = process.env.NEO4J_DATABASE ?? 'neo4j';
const graph: Graph = { driver: createDriver({ uri: proxy.uri, user: process.env.NEO4J_USER ?? 'neo4j', password: process.env.NEO4J_PASSWORD ?? 'onemap-local', database }), database, readTimeoutMs: 30_000 };

/** How `readTx` read before: one managed read transaction (the driver's BEGIN and COMMIT round trips). */
async function readManaged<T>(g: Graph, work: (tx: ReadRunner) => Promise<T>): Promise<T> {
  const session = g.driver.session({ database: g.database, defaultAccessMode: neo4j.session.READ });
  try {
    return await session.executeRead((tx) => work(tx), g.readTimeoutMs ? { timeout: g.readTimeoutMs } : undefined);
  } catch (e) {
    throw toGraphError(e);
  } finally {
    await session.close();
  }
}

const store = new AccessStore(graph, 600_000);
const snap = await store.snapshot();
const user = await store.user(USER);
if (!user) throw new Error(`bench read-round-trips: no user ${USER} in this store`);
const purpose = { kind: 'criminal_case' as const, caseNumber: 'A6201002026110001', text: '性能测试' };
const viewer = buildViewer({ ...user, authMethod: 'jwt', purpose, units: snap.units, sources: snap.sources, grants: snap.grants, authority: snap.authority, kAnonymity: 5 });
const eids = await readTx(graph, async (tx) => (await tx.run('MATCH (p:Person) RETURN p.eid AS eid ORDER BY eid LIMIT 20')).records.map((r) => r.get('eid') as string));
if (eids.length === 0) throw new Error('bench read-round-trips: no persons in this store');

/** Neo4j's CPU so far (user + system), in ms, from /proc. */
function neo4jCpuMs(): number | null {
  if (!PID) return null;
  const fields = fs.readFileSync(`/proc/${PID}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime, stime in clock ticks (100 Hz)
}

const ways = { managed: readManaged, 'auto-commit': readTx } as const;
/** Every timed profile and the CPU spent, per way, over all rounds. */
const totals = { managed: { ms: [] as number[], nodeMs: 0, dbMs: 0 }, 'auto-commit': { ms: [] as number[], nodeMs: 0, dbMs: 0 } };
async function block(way: keyof typeof ways, counted = true) {
  const read = ways[way];
  const ms: number[] = [];
  proxy.reset();
  const cpu0 = process.cpuUsage();
  const db0 = neo4jCpuMs();
  for (let i = 0; i < PER; i++) {
    const eid = eids[i % eids.length] as string;
    const t = performance.now();
    await read(graph, (tx) => buildProfile({ tx }, eid, viewer)).catch(() => null);
    ms.push(performance.now() - t);
  }
  const cpu = process.cpuUsage(cpu0);
  const db1 = neo4jCpuMs();
  if (counted) {
    totals[way].ms.push(...ms);
    totals[way].nodeMs += (cpu.user + cpu.system) / 1000;
    totals[way].dbMs += db0 !== null && db1 !== null ? db1 - db0 : 0;
  }
  ms.sort((a, b) => a - b);
  const q = (p: number) => (ms[Math.min(ms.length - 1, Math.floor(p * ms.length))] as number).toFixed(1);
  const dbPer = db0 !== null && db1 !== null ? `, Neo4j CPU ${((db1 - db0) / PER).toFixed(2)} ms` : '';
  return `${way.padEnd(11)} ${(proxy.counts.roundTrips / PER).toFixed(2)} round trips, median ${q(0.5)} ms, p95 ${q(0.95)} ms, Node CPU ${((cpu.user + cpu.system) / 1000 / PER).toFixed(2)} ms${dbPer} per profile`;
}

console.log(`bench read-round-trips: ${eids.length} persons as ${USER}, ${ROUNDS} rounds × ${PER} profiles per way, load ${os.loadavg().map((x) => x.toFixed(1)).join(' / ')}`);
try {
  await block('managed', false); // warm both paths (plans, pool) before counting
  await block('auto-commit', false);
  for (let r = 0; r < ROUNDS; r++) {
    const order: (keyof typeof ways)[] = r % 2 === 0 ? ['managed', 'auto-commit'] : ['auto-commit', 'managed'];
    for (const way of order) console.log(`round ${r + 1} ${await block(way)} (load ${os.loadavg()[0]?.toFixed(1)})`);
  }
  for (const [way, t] of Object.entries(totals)) {
    const ms = t.ms.sort((a, b) => a - b);
    const q = (p: number) => (ms[Math.min(ms.length - 1, Math.floor(p * ms.length))] as number).toFixed(1);
    const n = ms.length;
    console.log(`all rounds ${way.padEnd(11)} median ${q(0.5)} ms, p95 ${q(0.95)} ms, Node CPU ${(t.nodeMs / n).toFixed(2)} ms${PID ? `, Neo4j CPU ${(t.dbMs / n).toFixed(2)} ms` : ''} per profile (${n} profiles)`);
  }
  console.log(`load at the end ${os.loadavg().map((x) => x.toFixed(1)).join(' / ')}`);
} finally {
  await graph.driver.close();
  await proxy.close();
}
