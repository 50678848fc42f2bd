/**
 * Co-travel benchmark: `npm run bench cotravel -- [--input <dir> | --persons N] [--graph] [--min-score S]`.
 * Reads the person sightings of a delivery directory (the sample by default, or a generated
 * province of N persons) with their TRUE entity ids from `truth/records.csv`, so the figures
 * measure the co-travel scoring and not entity resolution. Prints precision / recall against the
 * planted companions (`truth/companions.csv`) for the old rule (≥ 2 place-days) and for the
 * chance-based score over a range of thresholds. With `--graph` it also writes those sightings
 * to Neo4j (profile `bench`, or NEO4J_BOLT_PORT / REDIS_PORT) and runs the real derivation
 * (`deriveCoTravel`), then scores the CO_TRAVELED edges it wrote. It also times the bulk load's
 * in-memory derivation (`bulkCoTravel`: wall and CPU, with the load average) on the same sightings.
 * Figures are printed, never asserted.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadCatalog, SAMPLE_DIR, SOURCE_ORDER } from '@onemap/datasets';
import { createDriver, migrate, readTx, writeTx } from '@onemap/graph-schema/server';
import { type CoOccurrence, DEFAULT_COTRAVEL_SCORE, deriveCoTravel, scoreCoTravel } from '@onemap/resolver/derive';
import { loadTruth, readBatch, stageFile } from '@onemap/resolver/intake';
import { bulkCoTravel, recordFacts } from '@onemap/resolver/pipeline';

const { values: a } = parseArgs({
  args: process.argv.slice(2).filter((x) => x !== '--'),
  options: {
    input: { type: 'string' },
    persons: { type: 'string' },
    graph: { type: 'boolean', default: false },
    'tolerance-minutes': { type: 'string', default: '30' },
  },
});
const tolMs = Number(a['tolerance-minutes']) * 60_000;

let input = a.input ?? SAMPLE_DIR;
if (a.persons) {
  input = path.resolve('datasets/out', `bench-${a.persons}`);
  if (!fs.existsSync(path.join(input, 'truth', 'records.csv'))) {
    console.log(`bench: generating ${a.persons} persons into ${input}…`);
    const r = spawnSync('npx', ['tsx', 'datasets/src/cli.ts', '--persons', a.persons, '--out', input], {
      stdio: 'inherit',
    });
    if (r.status !== 0) process.exit(2);
  }
}

// ---- sightings with true ids ----
interface Sighting {
  person: string;
  place: string;
  at: string;
  t: number;
  /** end of a stay (ms), if any */
  u: number | null;
  rid: string;
  source: string;
}
const t0 = performance.now();
const truth = loadTruth(path.join(input, 'truth', 'records.csv'));
const catalog = loadCatalog();
const staging = fs.mkdtempSync(path.join(os.tmpdir(), 'onemap-bct-'));
const sightings: Sighting[] = [];
const seenRid = new Set<string>();
for (const source of SOURCE_ORDER) {
  const entry = catalog.find((c) => c.id === source);
  const dir = path.join(input, source);
  if (!entry?.traces?.length || !fs.existsSync(dir)) continue;
  for (const f of fs.readdirSync(dir).sort()) {
    const read = readBatch(stageFile(staging, source, path.join(dir, f), entry.file), entry);
    for (const rec of read.records) {
      if (seenRid.has(rec.rid)) continue; // a re-delivered record is one sighting
      seenRid.add(rec.rid);
      const facts = recordFacts(entry, rec);
      for (const v of facts.visits) {
        const person = truth.get(`${rec.rid}:${v.subjectRole}`);
        const place = truth.get(`${rec.rid}:${v.placeRole}`);
        if (!person?.startsWith('P') || !place) continue;
        sightings.push({
          person,
          place,
          at: v.at,
          t: Date.parse(v.at),
          u: v.until ? Date.parse(v.until) : null,
          rid: rec.rid,
          source,
        });
      }
    }
  }
}
fs.rmSync(staging, { recursive: true, force: true });
const population = new Set(sightings.map((s) => s.person)).size;
console.log(
  `bench: ${input}: ${sightings.length.toLocaleString('en-US')} person sightings of ${population.toLocaleString('en-US')} persons (read in ${((performance.now() - t0) / 1000).toFixed(1)} s)`,
);

// ---- planted companions ----
const groups = new Map<string, string[]>();
const compCsv = fs
  .readFileSync(path.join(input, 'truth', 'companions.csv'), 'utf8')
  .trim()
  .split('\n')
  .slice(1);
for (const line of compCsv) {
  const [g, p] = line.split(',');
  if (g && p) groups.set(g, [...(groups.get(g) ?? []), p]);
}
const truePairs = new Set<string>();
for (const m of groups.values())
  for (let i = 0; i < m.length; i++)
    for (let j = i + 1; j < m.length; j++) truePairs.add([m[i], m[j]].sort().join('|'));

function report(label: string, pairs: string[]): void {
  const got = new Set(pairs);
  let correct = 0;
  for (const p of got) if (truePairs.has(p)) correct++;
  const precision = correct / Math.max(got.size, 1);
  const recall = correct / Math.max(truePairs.size, 1);
  console.log(
    `   ${label.padEnd(34)} ${String(got.size).padStart(6)} edges  precision ${precision.toFixed(3)}  recall ${recall.toFixed(3)} of ${truePairs.size}`,
  );
}

// ---- co-occurrences in memory (what the graph query returns) ----
const t1 = performance.now();
const byPlace = new Map<string, Sighting[]>();
for (const s of sightings) byPlace.set(s.place, [...(byPlace.get(s.place) ?? []), s]);
const rows: CoOccurrence[] = [];
for (const list of byPlace.values()) {
  list.sort((x, y) => x.t - y.t);
  let lo = 0;
  for (let i = 0; i < list.length; i++) {
    const s = list[i]!;
    while (list[lo]!.t < s.t - tolMs) lo++;
    const near: Sighting[] = [];
    for (let j = lo; j < list.length && list[j]!.t <= s.t + tolMs; j++) near.push(list[j]!);
    const crowd = new Set(near.map((n) => n.person)).size;
    for (const n of near)
      if (n.person > s.person)
        rows.push({
          a: s.person,
          b: n.person,
          place: s.place,
          day: s.at.slice(0, 10),
          at: s.at,
          ridA: s.rid,
          ridB: n.rid,
          sourceA: s.source,
          sourceB: n.source,
          crowd,
          leftApart: s.u !== null && n.u !== null && Math.abs(s.u - n.u) > tolMs,
        });
  }
}
const scored = scoreCoTravel(rows, population, DEFAULT_COTRAVEL_SCORE);
console.log('   (* the default; every scored rule also needs ≥ 2 legs together at ≥ 2 places on ≥ 2 place-days)');
console.log(
  `   ${rows.length.toLocaleString('en-US')} co-occurrences, ${scored.length.toLocaleString('en-US')} pairs scored in ${((performance.now() - t1) / 1000).toFixed(1)} s`,
);
report(
  'old rule (≥ 2 place-days)',
  scored.filter((p) => p.count >= 2).map((p) => `${p.x}|${p.y}`),
);
for (const minCoincidences of [1.4, 1.6, 1.8, 2.0, 2.2])
  report(
    `score ≥ ${minCoincidences} × log10 ${population} = ${(minCoincidences * Math.log10(population)).toFixed(2)}${minCoincidences === DEFAULT_COTRAVEL_SCORE.minCoincidences ? ' *' : ''}`,
    scoreCoTravel(rows, population, { ...DEFAULT_COTRAVEL_SCORE, minCoincidences })
      .filter((p) => p.companions)
      .map((p) => `${p.x}|${p.y}`),
  );
const missed = scored.filter((p) => truePairs.has(`${p.x}|${p.y}`) && !p.companions);
for (const p of missed.slice(0, 5))
  console.log(`   missed ${p.x}|${p.y} score ${p.score} ${JSON.stringify(p.reasons)}`);
const fps = scored.filter((p) => !truePairs.has(`${p.x}|${p.y}`) && p.companions).sort((p, q) => q.score - p.score);
for (const p of fps.slice(0, 5)) console.log(`   false ${p.x}|${p.y} score ${p.score} ${JSON.stringify(p.reasons)}`);

// ---- the bulk load's in-memory derivation (the edges a bulk import writes) ----
{
  const kinds = new Map<string, 'Person' | 'Place'>();
  for (const s of sightings) {
    kinds.set(s.person, 'Person');
    kinds.set(s.place, 'Place');
  }
  const visits = sightings.map((s) => ({
    subject: s.person,
    place: s.place,
    at: s.at,
    until: s.u === null ? null : new Date(s.u).toISOString(),
    kind: 'sighting',
    source: s.source,
    rid: s.rid,
  }));
  const load = os.loadavg().map((x) => x.toFixed(2)).join(' ');
  const cpu0 = process.cpuUsage();
  const w0 = performance.now();
  const bulk = bulkCoTravel(visits, kinds, { toleranceMinutes: Number(a['tolerance-minutes']), minCount: 2, score: DEFAULT_COTRAVEL_SCORE });
  const cpu = process.cpuUsage(cpu0);
  console.log(
    `   bulk: bulkCoTravel over ${visits.length.toLocaleString('en-US')} sightings: ${bulk.length} edges in ${((performance.now() - w0) / 1000).toFixed(2)} s wall, ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s CPU (load ${load})`,
  );
  report('bulk CO_TRAVELED (default)', bulk.map((e) => `${e.x}|${e.y}`));
}

// ---- the real derivation on Neo4j ----
if (a.graph) {
  // @ts-expect-error plain ESM script without types
  const { up } = await import('./services.mjs');
  const s = await up('bench');
  const driver = createDriver({ uri: s.neo4jUri, user: s.neo4jUser, password: s.neo4jPassword, database: 'neo4j' });
  const graph = { driver, database: 'neo4j' };
  await migrate(graph);
  const session = driver.session();
  await session.run(
    'MATCH (n) WHERE NOT n:__OneMapMigration CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS',
  );
  await session.close();
  const persons = [...new Set(sightings.map((x) => x.person))];
  const places = [...new Set(sightings.map((x) => x.place))];
  await writeTx(graph, async (tx) => {
    await tx.run('UNWIND $eids AS eid CREATE (:Entity:Person {eid: eid})', { eids: persons });
    await tx.run('UNWIND $eids AS eid CREATE (:Entity:Place {eid: eid})', { eids: places });
  });
  for (let i = 0; i < sightings.length; i += 10_000)
    await writeTx(graph, (tx) =>
      tx.run(
        `UNWIND $rows AS r MATCH (p:Person {eid: r.person}), (pl:Place {eid: r.place})
         CREATE (p)-[:VISITED {at: datetime(r.at), until: CASE WHEN r.until IS NULL THEN null ELSE datetime(r.until) END, source: r.source, rid: r.rid, place: pl.eid}]->(pl)`,
        {
          rows: sightings
            .slice(i, i + 10_000)
            .map(({ person, place, at, u, source, rid }) => ({
              person,
              place,
              at,
              until: u === null ? null : new Date(u).toISOString(),
              source,
              rid,
            })),
        },
      ),
    );
  const t2 = performance.now();
  const written = await deriveCoTravel(graph, persons, {
    toleranceMinutes: Number(a['tolerance-minutes']),
    minCount: 2,
    score: DEFAULT_COTRAVEL_SCORE,
  });
  const ms = performance.now() - t2;
  const edges = await readTx(graph, async (tx) =>
    (await tx.run('MATCH (x:Person)-[:CO_TRAVELED]->(y:Person) RETURN x.eid AS x, y.eid AS y')).records.map(
      (r) => `${r.get('x')}|${r.get('y')}`,
    ),
  );
  console.log(
    `   graph: deriveCoTravel over ${persons.length.toLocaleString('en-US')} persons wrote ${written} edges in ${(ms / 1000).toFixed(1)} s`,
  );
  report('graph CO_TRAVELED (default)', edges);
  await driver.close();
}
