/**
 * Real-time benchmark alone (no bulk load): `npm run bench realtime -- [--seconds 20] [--rate 500] [--warmup-seconds 0]
 * [--source hotel|rail|checkpoint|… (a folder of `--input`, JSON lines or CSV)] [--workers 0|1|2] [--worker-heap-mb N] [--push-size 10] [--seed-days 1] [--seed-sources hotel,…] [--template-days all|N]
 * [--keep-graph] [--same-times]`.
 * On its own services (profile `bench`; NEO4J_BOLT_PORT / REDIS_PORT override the ports): clears
 * the graph, ingests the first `--seed-days` of the sample (so pushes meet an index and a graph
 * with entities; checkpoint passes then name known plates and checkpoints), then pushes
 * `--push-size`-record batches of `--source` at `--rate` records/s for `--seconds` (after
 * `--warmup-seconds` of the same, unmeasured and waited for; the records of the
 * first `--template-days` sample days, default all, in file order, again and again with new record
 * ids: one day of hotel is 30 guests, so a template of one day makes every group name the same 30
 * guests and hotels dozens of times; each pass over the template is pushed on days of its own after
 * the graph's latest sighting, unless `--same-times`: `lib/pushed-times.ts`) and prints
 * push→visible p50/p95/p99, the backlog each second and the load average. `--workers 0` runs the
 * real-time workers in this process; N > 0 starts N `onemap worker` processes (one is the resolve
 * leader; trace-only sources are written by all). Figures are printed, never asserted.
 *
 * `--keep-graph` pushes into the graph the bench services already hold (a province loaded by
 * `npm run bench pipeline -- --persons 250000 --realtime-seconds 0`, or `onemap load` on the bench
 * profile), neither clearing nor seeding it nor flushing Redis (the pipeline's state there is the
 * graph's); `--input` names the files the pushed records are copied from (default the sample; the
 * province's own folder makes the pushes name its people). So the real-time figure at a million
 * records is measured with the door in a process that holds no resolver of the bulk load.
 */
import { entityIdKeyOf } from '@onemap/resolver/secrets';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadCatalog, SAMPLE_DIR, SOURCE_ORDER } from '@onemap/datasets';
import { createDriver, migrate } from '@onemap/graph-schema/server';
import { countLoadedFacts } from '@onemap/resolver/graph';
import { stageFile } from '@onemap/resolver/intake';
import { IngestPipeline } from '@onemap/resolver/pipeline';
import { redisConnectionOf } from '@onemap/resolver/queue';
import { Redis } from 'ioredis';
import { benchRealtime } from './lib/bench-realtime.ts';
// @ts-expect-error plain ESM script without types
import { up } from './services.mjs';

const { values: a } = parseArgs({
  args: process.argv.slice(2).filter((x) => x !== '--'),
  options: {
    seconds: { type: 'string', default: '20' },
    /** seconds pushed at the rate before the measured run, unmeasured (see `RealtimeBenchOptions.warmupSeconds`) */
    'warmup-seconds': { type: 'string', default: '0' },
    rate: { type: 'string', default: '500' },
    source: { type: 'string', default: 'hotel' },
    workers: { type: 'string', default: '0' },
    'push-size': { type: 'string', default: '10' },
    'seed-days': { type: 'string', default: '1' },
    /** sample days the pushed records are taken from ('all', or the first N; at least the seeded ones) */
    'template-days': { type: 'string', default: 'all' },
    /** comma-separated sources to seed (default: all) */
    'seed-sources': { type: 'string', default: '' },
    /** push into the graph the services hold (no clearing, no seeding, Redis kept) */
    'keep-graph': { type: 'boolean', default: false },
    /** push every copy at the template's own times (before 2026-12-06 the only way: see `lib/pushed-times.ts`) */
    'same-times': { type: 'boolean', default: false },
    /** the folder the pushed records are copied from (`<dir>/<source>/<files>`; default the sample) */
    input: { type: 'string', default: '' },
    /** the old-space limit of each worker process in MiB (node's --max-old-space-size; default node's own) */
    'worker-heap-mb': { type: 'string', default: '' },
  },
});

const workerHeapMb = Number(a['worker-heap-mb']);
if (a['worker-heap-mb'] && !(Number.isInteger(workerHeapMb) && workerHeapMb >= 256)) {
  console.error(`bench realtime: --worker-heap-mb must be a whole number of MiB, at least 256 (got ${a['worker-heap-mb']})`);
  process.exit(2);
}
const loadAtStart = os.loadavg();
const keepGraph = a['keep-graph'] === true;
const input = a.input ? path.resolve(a.input) : SAMPLE_DIR;
if (!fs.existsSync(path.join(input, a.source!))) {
  console.error(`bench realtime: ${path.join(input, a.source!)} does not exist: --input names a folder of <source>/<files>`);
  process.exit(2);
}
const s = await up('bench');
const redis = new Redis(s.redisUrl, { maxRetriesPerRequest: 3 });
const driver = createDriver({ uri: s.neo4jUri, user: s.neo4jUser, password: s.neo4jPassword, database: 'neo4j' });
const graph = { driver, database: 'neo4j' };
if (keepGraph) {
  const { entities } = await countLoadedFacts(graph);
  if (!entities) {
    console.error(`bench realtime: --keep-graph, but the bench services' graph (${s.neo4jUri}) holds no entity: load one first (npm run bench pipeline -- --persons 250000 --realtime-seconds 0)`);
    process.exit(2);
  }
  console.log(`bench: pushing into the graph as it is: ${entities.toLocaleString('en-US')} entities`);
} else {
  await redis.flushdb();
  const session = driver.session({ database: 'neo4j' });
  try {
    await session.run(
      'MATCH (n) WHERE NOT n:__OneMapMigration CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS',
    );
  } finally {
    await session.close();
  }
}
await migrate(graph);
const work = path.join(s.dataDir, 'work-realtime');
fs.rmSync(work, { recursive: true, force: true });
const catalog = loadCatalog();
const pipeline = new IngestPipeline({
  graph,
  redis,
  connection: redisConnectionOf(s.redisUrl),
  catalog,
  stagingDir: path.join(work, 'staging'),
  rejectsDir: path.join(work, 'rejects'),
  eidKey: entityIdKeyOf({ ONEMAP_DATA_DIR: s.dataDir }),
  coTravel: { toleranceMinutes: 30, minCount: 2 },
  groupTimings: true,
});

const sampleDays = [...new Set(fs.readdirSync(path.join(input, a.source!)).map((f) => f.slice(0, 10)))].sort();
const days = keepGraph ? [] : sampleDays.slice(0, Number(a['seed-days']));
const templateDays =
  a['template-days'] === 'all' ? sampleDays : sampleDays.slice(0, Math.max(days.length, Number(a['template-days'])));
const t0 = performance.now();
let seeded = 0;
const seedSources = a['seed-sources'] ? a['seed-sources'].split(',') : SOURCE_ORDER;
for (const source of keepGraph ? [] : SOURCE_ORDER.filter((x) => seedSources.includes(x))) {
  const dir = path.join(input, source);
  if (!fs.existsSync(dir)) continue;
  for (const f of fs.readdirSync(dir).sort()) {
    if (!days.some((d) => f.startsWith(d))) continue;
    const info = await pipeline.processBatch(
      stageFile(pipeline.deps.stagingDir, source, path.join(dir, f), pipeline.entry(source).file),
    );
    seeded += info.written ?? 0;
  }
}
console.log(
  `bench: seeded ${seeded} records (${days.join(', ') || 'none'}) in ${((performance.now() - t0) / 1000).toFixed(1)} s; load average at start ${loadAtStart.map((x) => x.toFixed(1)).join('/')}`,
);

await benchRealtime({
  pipeline,
  graph,
  input,
  source: a.source!,
  days: templateDays,
  seconds: Number(a.seconds),
  rate: Number(a.rate),
  pushSize: Number(a['push-size']),
  workers: Number(a.workers),
  warmupSeconds: Number(a['warmup-seconds']),
  sameTimes: a['same-times'] === true,
  servicesDir: s.dataDir,
  workerNodeArgs: a['worker-heap-mb'] ? [`--max-old-space-size=${workerHeapMb}`] : [],
  workerEnv: {
    NEO4J_URI: s.neo4jUri,
    NEO4J_USER: s.neo4jUser,
    NEO4J_PASSWORD: s.neo4jPassword,
    NEO4J_DATABASE: 'neo4j',
    REDIS_URL: s.redisUrl,
    ONEMAP_STAGING_DIR: pipeline.deps.stagingDir,
    ONEMAP_REJECTS_DIR: pipeline.deps.rejectsDir,
  },
});
await pipeline.close();
redis.disconnect();
await driver.close();
