/**
 * `npm run bench api [-- --persons 20000 --seconds 10 --connections 10]`
 *
 * Query API latency on a big synthetic graph. Starts (or reuses) a separate Neo4j + Redis for
 * benchmarks (Bolt 7695, Redis 6395, data in .data/bench-api — never the demo or test data; set
 * NEO4J_URI / REDIS_URL to use others), loads the governance seed and, once, a generated
 * province: persons with hotel / household records, phones, employers, places across every
 * county and ~20 sightings per person. It refuses to write into a database that holds anything
 * but its own generated graph. Then drives the real server (audit, access layer and all)
 * with autocannon over random entities, as a city analyst with a purpose, and prints requests/s
 * and p50 / p95 / p99 per scenario. Goals: profile p95 < 20 ms, trajectory < 50 ms, 2-hop < 100 ms.
 */
import os from 'node:os';
import autocannon from 'autocannon';
import { loadUnits } from '@onemap/datasets';
import { createDriver, type Graph, migrate, readTx, writeTx } from '@onemap/graph-schema/server';
import { buildApp, loadConfig } from '@onemap/server';
import { pinyinInitials } from '@onemap/resolver/standardize';
import { seed } from '../server/src/cli/seed.ts';
// @ts-expect-error plain ESM script without types
import { up } from './services.mjs';

const args = process.argv.slice(2);
const opt = (name: string, def: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : def;
};
const PERSONS = opt('persons', 20_000);
const SECONDS = opt('seconds', 10);
const CONNECTIONS = opt('connections', 10);
const VISITS = 20;

function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function generate(graph: Graph) {
  const have = await readTx(graph, async (tx) => (await tx.run("MATCH (m:BenchMeta {id: 'api'}) RETURN m.persons AS n")).records[0]?.get('n') as number | undefined);
  if (have === PERSONS) {
    console.log(`bench api: reusing the generated graph (${PERSONS} persons)`);
    return;
  }
  if (have) throw new Error(`the bench graph has ${have} persons; run with --persons ${have} or delete .data/bench`);
  const t0 = performance.now();
  const rand = rng(20261122);
  const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)] as T;
  const counties = loadUnits().filter((u) => u.level === 'county');
  const places: { eid: string; name: string; kind: string; source: string; unit: string; lon: number; lat: number }[] = [];
  for (let i = 0; i < Math.max(200, PERSONS / 10); i++) {
    const c = pick(counties);
    const kind = i % 3 === 0 ? 'internet_cafe' : i % 3 === 1 ? 'hotel' : 'rail_station';
    const [lon, lat] = c.center as [number, number];
    places.push({ eid: `L-B${i}`, name: `${c.name}${kind === 'hotel' ? '宾馆' : kind === 'internet_cafe' ? '网吧' : '车站'}${i}`, kind, source: kind === 'hotel' ? 'hotel' : kind === 'internet_cafe' ? 'netcafe' : 'rail', unit: c.code, lon: lon + (rand() - 0.5) * 0.1, lat: lat + (rand() - 0.5) * 0.1 });
  }
  await writeTx(graph, (tx) =>
    tx.run(
      `UNWIND $places AS p
       CREATE (e:Entity:Place {eid: p.eid, name: p.name, placeKind: p.kind, unitCode: p.unit, location: point({longitude: p.lon, latitude: p.lat}), searchText: p.name, provenance: '{}'})
       CREATE (r:SourceRecord {rid: p.source + ':' + p.eid, source: p.source, recordId: p.eid, receivedAt: datetime('2026-10-01T00:00:00Z'), attrs: '{"place":{"name":"' + p.name + '"}}'})
       CREATE (r)-[:RESOLVED_TO {role: 'place', decision: 'anchor'}]->(e)`,
      { places },
    ),
  );
  const orgs = Array.from({ length: Math.max(50, PERSONS / 20) }, (_, i) => ({ eid: `O-B${i}`, name: `示例企业${i}有限公司` }));
  await writeTx(graph, (tx) =>
    tx.run(
      `UNWIND $orgs AS o CREATE (e:Entity:Organization {eid: o.eid, name: o.name, searchText: o.name, provenance: '{}'})
       CREATE (r:SourceRecord {rid: 'business:' + o.eid, source: 'business', recordId: o.eid, receivedAt: datetime('2026-10-01T00:00:00Z'), attrs: '{"company":{"name":"' + o.name + '"}}'})
       CREATE (r)-[:RESOLVED_TO {role: 'company', decision: 'anchor'}]->(e)`,
      { orgs },
    ),
  );
  const SURNAMES = [...'王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗'];
  const GIVEN = [...'伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚'];
  const BATCH = 2000;
  for (let start = 0; start < PERSONS; start += BATCH) {
    const persons: Record<string, string>[] = [];
    const visits: Record<string, string>[] = [];
    for (let i = start; i < Math.min(PERSONS, start + BATCH); i++) {
      const name = pick(SURNAMES) + pick(GIVEN) + (rand() < 0.5 ? pick(GIVEN) : '');
      const c = pick(counties);
      const rid = `${c.code}${1960 + Math.floor(rand() * 40)}0101${String(i % 10000).padStart(4, '0')}`;
      const phone = `+86139${String(i).padStart(8, '0')}`;
      // One in ten shares a phone with the previous person (families), so 2-hop neighbourhoods are not trivial.
      const phoneOf = i % 10 === 1 ? i - 1 : i;
      persons.push({ eid: `P-B${i}`, name, residentId: rid, phone, unit: c.code, org: `O-B${i % orgs.length}`, phoneEid: `T-B${phoneOf}`, initials: pinyinInitials(name) });
      for (let v = 0; v < VISITS; v++) {
        const p = places[(i * 7 + v * 13 + Math.floor(rand() * 5)) % places.length] as (typeof places)[number];
        const at = new Date(Date.UTC(2026, 9, 1) + Math.floor(rand() * 30 * 86_400_000)).toISOString();
        visits.push({ eid: `P-B${i}`, place: p.eid, at, kind: p.kind === 'hotel' ? 'hotel_stay' : p.kind === 'internet_cafe' ? 'internet_login' : 'rail_departure', source: p.source, rid: `${p.source}:v${i}-${v}` });
      }
    }
    await writeTx(graph, async (tx) => {
      await tx.run(
        `UNWIND $persons AS p
         CREATE (e:Entity:Person {eid: p.eid, name: p.name, residentId: p.residentId, unitCode: p.unit, searchText: p.residentId + ' ' + p.phone + ' ' + p.initials,
                                  provenance: '{"name":{"source":"household","rid":"household:' + p.eid + '"}}'})
         MERGE (rid:Identifier {kind: 'resident_id', value: p.residentId})
         CREATE (e)-[:HAS_IDENTIFIER {source: 'household', rid: 'household:' + p.eid}]->(rid)
         CREATE (h:SourceRecord {rid: 'hotel:' + p.eid, source: 'hotel', recordId: p.eid, receivedAt: datetime('2026-10-02T00:00:00Z'),
                                 attrs: '{"guest":{"name":"' + p.name + '","residentId":"' + p.residentId + '","phone":"' + p.phone + '"}}'})
         CREATE (h)-[:RESOLVED_TO {role: 'guest', decision: 'anchor'}]->(e)
         CREATE (k:SourceRecord {rid: 'household:' + p.eid, source: 'household', recordId: p.eid, receivedAt: datetime('2026-10-01T00:00:00Z'),
                                 attrs: '{"person":{"name":"' + p.name + '","residentId":"' + p.residentId + '","address":"' + p.unit + '某街道1号"}}'})
         CREATE (k)-[:RESOLVED_TO {role: 'person', decision: 'anchor'}]->(e)
         MERGE (t:Entity:Phone {eid: p.phoneEid}) ON CREATE SET t.name = p.phone, t.number = p.phone, t.searchText = p.phone, t.provenance = '{}'
         CREATE (e)-[:HAS_PHONE {source: 'hotel', rid: 'hotel:' + p.eid}]->(t)
         WITH e, p MATCH (o:Organization {eid: p.org}) CREATE (e)-[:WORKS_FOR {source: 'business', rid: 'business:' + p.eid}]->(o)`,
        { persons },
      );
      await tx.run(
        `UNWIND $visits AS v
         MATCH (e:Person {eid: v.eid}), (p:Place {eid: v.place})
         CREATE (e)-[:VISITED {at: datetime(v.at), kind: v.kind, source: v.source, rid: v.rid}]->(p)`,
        { visits },
      );
    });
    process.stdout.write(`\rbench api: generated ${Math.min(PERSONS, start + BATCH)} / ${PERSONS} persons`);
  }
  await writeTx(graph, (tx) => tx.run("CREATE (:BenchMeta {id: 'api', persons: $n})", { n: PERSONS }));
  console.log(`\nbench api: generated ${PERSONS} persons, ${places.length} places, ${PERSONS * VISITS} sightings in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

async function run(name: string, url: string, paths: () => string, headers: Record<string, string>, goalMs: number | null) {
  // One request alone first: the latency without queueing behind other connections (and, for layers, uncached).
  const t0 = performance.now();
  const first = await fetch(`${url}${paths()}`, { headers });
  await first.text();
  const aloneMs = Number((performance.now() - t0).toFixed(1));
  const latencies: number[] = [];
  let non2xx = 0;
  const result = await autocannon({
    url,
    connections: CONNECTIONS,
    duration: SECONDS,
    headers,
    requests: [{ setupRequest: (req) => ({ ...req, path: paths() }) }],
    setupClient: (client) => {
      client.on('response', (status: number, _bytes: number, ms: number) => {
        latencies.push(ms);
        if (status >= 300) non2xx++;
      });
    },
  });
  latencies.sort((a, b) => a - b);
  const row = {
    scenario: name,
    'alone ms': aloneMs,
    'req/s': Math.round(result.requests.average),
    'p50 ms': Number(percentile(latencies, 50).toFixed(1)),
    'p95 ms': Number(percentile(latencies, 95).toFixed(1)),
    'p99 ms': Number(percentile(latencies, 99).toFixed(1)),
    requests: latencies.length,
    'non-2xx': non2xx,
    goal: goalMs ? `p95 < ${goalMs} ms ${percentile(latencies, 95) < goalMs ? 'met' : 'MISSED'}` : '',
  };
  console.log(`bench api: ${name}: alone ${aloneMs} ms; ${row['req/s']} req/s, p50 ${row['p50 ms']} ms, p95 ${row['p95 ms']} ms, p99 ${row['p99 ms']} ms (${non2xx} non-2xx)`);
  return row;
}

if (!process.env.NEO4J_URI) {
  process.env.NEO4J_BOLT_PORT ??= '7695';
  process.env.REDIS_PORT ??= '6395';
  process.env.ONEMAP_DATA_DIR ??= '.data/bench-api';
  await up('dev');
}
const config = loadConfig({ LOG_LEVEL: 'warn', RATE_LIMIT_PER_MINUTE: 100_000_000, PORT: 0 });
const graph = { driver: createDriver({ uri: config.NEO4J_URI, user: config.NEO4J_USER, password: config.NEO4J_PASSWORD, database: config.NEO4J_DATABASE }), database: config.NEO4J_DATABASE };
// Never write into someone else's database: it must be empty or hold this bench's graph.
const foreign = await readTx(graph, async (tx) => {
  const r = await tx.run("OPTIONAL MATCH (m:BenchMeta {id: 'api'}) WITH m CALL (m) { MATCH (n) WHERE m IS NULL AND NOT n:__OneMapMigration RETURN count(n) AS others } RETURN m IS NOT NULL AS ours, others");
  const row = r.records[0];
  return !row?.get('ours') && (row?.get('others') as number) > 0;
});
if (foreign) {
  console.error(`bench api: ${config.NEO4J_URI} holds data that is not this bench's — refusing to write; point NEO4J_URI at an empty database`);
  await graph.driver.close();
  process.exit(2);
}
await migrate(graph);
await seed(graph, { users: true });
await generate(graph);
const app = await buildApp({ config, logger: false });
await app.listen({ host: '127.0.0.1', port: 0 });
const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
console.log(`bench api: machine: ${os.cpus().length} CPUs, load average ${os.loadavg().map((x) => x.toFixed(1)).join(' / ')} at start`);
try {
  const login = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'lz_analyst', password: 'onemap-demo-2026' }) });
  const { token } = (await login.json()) as { token: string };
  const headers = {
    authorization: `Bearer ${token}`,
    'x-onemap-purpose': encodeURIComponent(JSON.stringify({ kind: 'criminal_case', caseNumber: 'A6201002026110001', text: '性能测试' })),
  };
  const rand = rng(7);
  const person = () => `P-B${Math.floor(rand() * PERSONS)}`;
  const win = 'from=2026-10-01T00:00:00Z&to=2026-11-01T00:00:00Z';
  const rows: Awaited<ReturnType<typeof run>>[] = [];
  rows.push(await run('profile', base, () => `/api/entities/${person()}`, headers, 20));
  rows.push(await run('trajectory (30 days)', base, () => `/api/entities/${person()}/trajectory?${win}`, headers, 50));
  rows.push(await run('relations 2-hop', base, () => `/api/entities/${person()}/relations?depth=2&limit=200`, headers, 100));
  rows.push(await run('co-location (30 days)', base, () => `/api/analysis/co-location?eid=${person()}&${win}&minCount=2&radiusM=0`, headers, null));
  rows.push(await run('layer: jurisdictions (30 days)', base, () => `/api/layers/jurisdictions?${win}`, headers, null));
  rows.push(await run('layer: hexbin r7 (1 day)', base, () => `/api/layers/hexbin?from=2026-10-15T00:00:00Z&to=2026-10-16T00:00:00Z&resolution=7`, headers, null));
  rows.push(await run('search', base, () => `/api/search?q=${encodeURIComponent(`王${'伟芳娜敏静'[Math.floor(rand() * 5)]}`)}`, headers, 50));
  rows.push(await run('search: Pinyin initials', base, () => `/api/search?q=w${'wfnmj'[Math.floor(rand() * 5)]}`, headers, 50));
  rows.push(await run('search: ID tail (4 digits)', base, () => `/api/search?q=${String(Math.floor(rand() * 10_000)).padStart(4, '0')}`, headers, 50));
  console.table(rows);
  console.log(`bench api: ${PERSONS} persons, ${CONNECTIONS} connections, ${SECONDS} s per scenario; every request passes auth, the access layer and a hash-chained audit append.`);
  console.log(`bench api: machine: ${os.cpus().length} CPUs, load average ${os.loadavg().map((x) => x.toFixed(1)).join(' / ')} (1 / 5 / 15 min) — figures on a busy machine are upper bounds.`);
} finally {
  await app.close();
  await graph.driver.close();
}
