/**
 * `npm run bench warning [-- --alerts 40 --reset]`
 *
 * Early-warning alert latency: the time from a source system's push (`POST /api/ingest/hotel`)
 * to the `event: warning` arriving at a subscriber of the watch stream, through the real server
 * (embedded ingest worker, audit, access layer), Neo4j and Redis. One `area` rule (trigger both)
 * watches one person; each push moves the person in or out of the area, so every push fires
 * once. Pushes are sequential (the next after the previous alert), so the figure is latency,
 * not throughput. Prints p50 / p90 / p99 / max with the load average.
 *
 * Services: profile `bench` (or NEO4J_BOLT_PORT / REDIS_PORT / NEO4J_URI). The bench writes only
 * into an empty database or one it marked before; `--reset` empties a database first.
 */
import http from 'node:http';
import os from 'node:os';
import { createDriver, migrate, readTx, writeTx } from '@onemap/graph-schema/server';
import { buildApp, loadConfig } from '@onemap/server';
import { seed } from '../server/src/cli/seed.ts';
import { AROUND_HOTEL_41, hotelRecord } from '../test/helpers/hotel-records.ts';
// @ts-expect-error plain ESM script without types
import { up } from './services.mjs';

const args = process.argv.slice(2);
const opt = (name: string, def: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : def;
};
const ALERTS = opt('alerts', 40);
const RESET = args.includes('--reset');

if (!process.env.NEO4J_URI) await up(process.env.ONEMAP_PROFILE ?? 'bench');
const config = loadConfig({
  LOG_LEVEL: 'warn',
  RATE_LIMIT_PER_MINUTE: 100_000_000,
  PORT: 0,
  INGEST_WORKER: 'embedded',
  ACCESS_CACHE_MS: 5000,
});
const graph = {
  driver: createDriver({
    uri: config.NEO4J_URI,
    user: config.NEO4J_USER,
    password: config.NEO4J_PASSWORD,
    database: config.NEO4J_DATABASE,
  }),
  database: config.NEO4J_DATABASE,
};
if (RESET) {
  // CALL … IN TRANSACTIONS needs an implicit (auto-commit) transaction: session.run.
  const session = graph.driver.session({ database: graph.database });
  try {
    await session.run(
      'MATCH (n) WHERE NOT n:__OneMapMigration CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS',
    );
  } finally {
    await session.close();
  }
}
const foreign = await readTx(graph, async (tx) => {
  const r = await tx.run(
    "OPTIONAL MATCH (m:BenchMeta {id: 'warning'}) WITH m CALL (m) { MATCH (n) WHERE m IS NULL AND NOT n:__OneMapMigration RETURN count(n) AS others } RETURN m IS NOT NULL AS ours, others",
  );
  return !r.records[0]?.get('ours') && Number(r.records[0]?.get('others')) > 0;
});
if (foreign) {
  console.error(
    `bench warning: ${config.NEO4J_URI} holds data that is not this bench's — refusing to write (use --reset to empty it)`,
  );
  await graph.driver.close();
  process.exit(2);
}
await migrate(graph);
await seed(graph, { users: true });
await writeTx(graph, (tx) => tx.run("MERGE (:BenchMeta {id: 'warning'})"));

const app = await buildApp({ config, logger: false });
await app.listen({ host: '127.0.0.1', port: 0 });
const port = (app.server.address() as { port: number }).port;
const base = `http://127.0.0.1:${port}`;
const PURPOSE = JSON.stringify({ kind: 'criminal_case', caseNumber: 'A6201022026110001', text: '预警时延测试' });
const json = async (path: string, init: RequestInit & { token?: string; key?: string } = {}) => {
  const headers: Record<string, string> = { 'x-onemap-purpose': encodeURIComponent(PURPOSE) };
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  if (init.key) headers['x-onemap-source-key'] = init.key;
  const r = await fetch(`${base}${path}`, { ...init, headers });
  const body = await r.json();
  if (r.status >= 400) throw new Error(`${path}: ${r.status} ${JSON.stringify(body)}`);
  return body;
};
const login = async (username: string) =>
  (await json('/api/auth/login', { method: 'POST', body: JSON.stringify({ username, password: 'onemap-demo-2026' }) }))
    .token as string;
const pct = (xs: number[], p: number) => xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;

try {
  const admin = await login('prov_admin');
  const officer = await login('cg_officer');
  const key = (
    await json('/api/admin/source-keys', {
      method: 'POST',
      token: admin,
      body: JSON.stringify({ name: 'bench warning hotel system', sources: ['hotel'] }),
    })
  ).key as string;
  const run = Date.now() % 1_000_000;
  const person = hotelRecord(1);
  const at = (i: number, inside: boolean) =>
    hotelRecord(inside ? 41 : 1, {
      record_id: `BW-${run}-${i}`,
      id_number: person.id_number as string,
      guest_name: person.guest_name as string,
      birth_date: person.birth_date as string,
      sex: person.sex as string,
      address: person.address as string,
      room_no: String(run),
      check_in: new Date(Date.UTC(2026, 3, 1) + i * 3_600_000).toISOString().replace('T', ' ').slice(0, 19),
    });
  const waitDone = async (batchId: string) => {
    for (let i = 0; i < 3000; i++) {
      const b = await json(`/api/ingest/jobs/${batchId}`, { token: admin });
      if (['done', 'rejected', 'failed'].includes(b.status)) return b;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('first batch did not finish');
  };
  const first = await json('/api/ingest/hotel', {
    method: 'POST',
    key,
    body: JSON.stringify({ records: [at(0, false)] }),
  });
  await waitDone(first.batchId);
  const eid = await readTx(
    graph,
    async (tx) =>
      (
        await tx.run('MATCH (:SourceRecord {rid: $rid})-[:RESOLVED_TO]->(p:Person) RETURN p.eid AS eid', {
          rid: `hotel:BW-${run}-0`,
        })
      ).records[0]?.get('eid') as string,
  );
  const polygon = AROUND_HOTEL_41;

  const rule = await json('/api/warnings/rules', {
    method: 'POST',
    token: officer,
    body: JSON.stringify({
      name: '时延测试',
      kind: 'area',
      subjects: [eid],
      polygon,
      trigger: 'both',
      expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
    }),
  });
  const { ticket } = await json('/api/watches/stream-ticket', { method: 'POST', token: officer });

  let onAlert: (() => void) | null = null;
  let buffer = '';
  const req = http.get({ host: '127.0.0.1', port, path: `/api/watches/stream?ticket=${ticket}` });
  await new Promise<void>((resolve, reject) => {
    req.on('response', (res) => {
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        buffer += c;
        const blocks = buffer.split('\n\n');
        buffer = blocks.pop() ?? '';
        for (const b of blocks) if (b.startsWith('event: warning') && b.includes(rule.id)) onAlert?.();
        if (c.includes('event: ready')) resolve();
      });
    });
    req.on('error', reject);
  });
  console.log(
    `bench warning: machine ${os.cpus().length} CPUs, load average ${os
      .loadavg()
      .map((x) => x.toFixed(1))
      .join(' / ')} at start; ${ALERTS} sequential pushes`,
  );
  const ms: number[] = [];
  let missed = 0;
  for (let i = 1; i <= ALERTS; i++) {
    const arrived = new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 30_000);
      onAlert = () => {
        clearTimeout(timer);
        resolve(true);
      };
    });
    const t0 = performance.now();
    await json('/api/ingest/hotel', { method: 'POST', key, body: JSON.stringify({ records: [at(i, i % 2 === 1)] }) });
    if (await arrived) ms.push(performance.now() - t0);
    else missed++;
    onAlert = null;
  }
  req.destroy();
  ms.sort((a, b) => a - b);
  const load = os
    .loadavg()
    .map((x) => x.toFixed(1))
    .join(' / ');
  console.log(`bench warning: push → alert at the subscriber, ${ms.length} alerts, ${missed} missed (30 s)`);
  if (ms.length)
    console.log(
      `  p50 ${pct(ms, 50).toFixed(0)} ms  p90 ${pct(ms, 90).toFixed(0)} ms  p99 ${pct(ms, 99).toFixed(0)} ms  max ${ms[ms.length - 1]!.toFixed(0)} ms  (load average ${load} at end)`,
    );
  // The evaluator's own share: from the batch's end (written, status done) to the hit being recorded.
  const evalMs = await readTx(graph, async (tx) => {
    const r = await tx.run(
      `MATCH (h:WarningHit {ruleId: $ruleId}) MATCH (rec:SourceRecord {rid: h.rids[0]}) MATCH (b:Batch {batchId: rec.batchId})
       RETURN duration.inSeconds(datetime(b.finishedAt), h.firedAt).milliseconds AS ms`,
      { ruleId: rule.id },
    );
    return r.records.map((x) => Number(x.get('ms'))).sort((a, b) => a - b);
  });
  if (evalMs.length)
    console.log(
      `  of which batch done → hit recorded: p50 ${pct(evalMs, 50)} ms  p99 ${pct(evalMs, 99)} ms (${evalMs.length} hits; the rest is staging, queueing, resolving and writing)`,
    );
} finally {
  await app.close();
  await graph.driver.close();
}
