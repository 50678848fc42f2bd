import { randomBytes } from 'node:crypto';
/**
 * The bulk load's first pass alone (read + standardize + resolve into the index, records spilled):
 * `npm run bench pipeline-first-pass -- [--persons N | --input <dir>] [--partition <file>] [--read-workers N] [--second-pass] [--csv]`.
 * No services. Prints wall and CPU time (the process's and its main thread's: the resolving loop, whose
 * CPU is the first pass's wall time on a quiet machine when the read-ahead workers keep up), records, the live heap after a forced GC (per record), the
 * index's counts and the peak RSS, with the load average. `--partition <file>` also writes every
 * mention's final entity (`key eid`, in spill order) and a hash of every entity's row (golden values):
 * two runs (before / after a change to the index) must write the same file. `--second-pass` then
 * times the second pass's records loop (`bulkRows`: the spill read back, every record's rows made
 * and dropped, nothing written); `--csv` the whole second pass as a load runs it (`writeBulkLoadCsv`: the
 * import CSVs written into a temporary folder, co-travel included).
 * Figures are printed, never asserted.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadCatalog, SAMPLE_DIR } from '@onemap/datasets';
import type { EntityKind } from '@onemap/graph-schema';
import { deliveryFiles } from '../resolver/src/cli/load-command.ts';
import { bulkRows, resolveBulkLoad } from '../resolver/src/pipeline/bulk-load.ts';
import { writeBulkLoadCsv } from '../resolver/src/pipeline/bulk-load-csv.ts';
import { readSpillLineBytes } from '../resolver/src/pipeline/bulk-spill.ts';
import { parseSpillLine } from '../resolver/src/pipeline/bulk-spill-record.ts';
import { benchProvince } from './lib/bench-province.ts';

const { values: a } = parseArgs({
  args: process.argv.slice(2).filter((x) => x !== '--'),
  options: { input: { type: 'string' }, persons: { type: 'string' }, partition: { type: 'string' }, 'read-workers': { type: 'string' }, 'second-pass': { type: 'boolean' }, csv: { type: 'boolean' } },
});
const input = a.persons ? benchProvince(a.persons) : (a.input ?? SAMPLE_DIR);
const gc = (globalThis as { gc?: () => void }).gc;
const mib = (n: number) => `${(n / 2 ** 20).toFixed(0)} MiB`;
const load = () =>
  os
    .loadavg()
    .map((x) => x.toFixed(1))
    .join(' ');
/** CPU seconds of this process's main thread alone (utime + stime of its task; the read-ahead workers are other tasks). */
const mainThreadCpu = () => {
  const f = fs.readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
};
const hwm = () => /VmHWM:\s+(\d+)/.exec(fs.readFileSync('/proc/self/status', 'utf8'))?.[1] ?? '?';

const catalog = loadCatalog();
const files = deliveryFiles(input, catalog);
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'first-pass-'));
gc?.();
const heap0 = process.memoryUsage().heapUsed;
console.log(`first pass: ${files.length} files of ${input}; load average ${load()}`);
const cpu0 = process.cpuUsage();
const main0 = mainThreadCpu();
const t0 = performance.now();
const res = await resolveBulkLoad(files, {
  eidKey: randomBytes(32),
  ...(a['read-workers'] !== undefined ? { readWorkers: Number(a['read-workers']) } : {}),
  catalog,
  stagingDir: path.join(work, 'staging'),
  rejectsDir: path.join(work, 'rejects'),
  spillFile: path.join(work, 'spill.jsonl'),
});
const wall = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
const mainCpu = mainThreadCpu() - main0;
gc?.();
const heap = process.memoryUsage().heapUsed - heap0;
const records = res.written;
console.log(
  `first pass: ${records.toLocaleString('en-US')} records (${res.rows} rows) in ${(wall / 1000).toFixed(1)} s wall, ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s CPU of which ${mainCpu.toFixed(1)} s on the main thread` +
    ` (waiting for reads ${(res.ms.read / 1000).toFixed(1)} s, resolve ${(res.ms.resolve / 1000).toFixed(1)} s); load average ${load()}`,
);
console.log(
  `first pass: live heap after GC ${mib(heap)} = ${(heap / records).toFixed(0)} B/record${gc ? '' : ' (no --expose-gc: not collected)'}; peak RSS ${(Number(hwm()) / 1024).toFixed(0)} MiB`,
);
console.log(`first pass: index ${JSON.stringify(res.rr.index.counts())}`);

if (a['second-pass']) {
  const c0 = process.cpuUsage();
  const t1 = performance.now();
  let records = 0;
  let visits = 0;
  const rest = bulkRows(res, { record: () => void records++, visit: () => void visits++ });
  const c = process.cpuUsage(c0);
  console.log(
    `second pass: ${records.toLocaleString('en-US')} source records, ${visits.toLocaleString('en-US')} visits, ${rest.entities.length.toLocaleString('en-US')} entity rows` +
      ` in ${((performance.now() - t1) / 1000).toFixed(1)} s wall, ${((c.user + c.system) / 1e6).toFixed(1)} s CPU; spill ${mib(fs.statSync(res.spillFile).size)}; load average ${load()}`,
  );
}

if (a.csv) {
  const c0 = process.cpuUsage();
  const m0 = mainThreadCpu();
  const t1 = performance.now();
  const out = await writeBulkLoadCsv(res, path.join(work, 'csv'), { toleranceMinutes: 30, minCount: 2 });
  const c = process.cpuUsage(c0);
  const bytes = [...out.files.nodes, ...out.files.relationships].reduce((n, f) => n + fs.statSync(f).size, 0);
  console.log(
    `second pass to CSV: ${out.files.nodeCount.toLocaleString('en-US')} nodes, ${out.files.relationshipCount.toLocaleString('en-US')} relationships, ${mib(bytes)}` +
      ` in ${((performance.now() - t1) / 1000).toFixed(1)} s wall (rows + CSV ${(out.ms.csv / 1000).toFixed(1)} s, waiting for co-travel ${(out.ms.coTravel / 1000).toFixed(1)} s),` +
      ` ${((c.user + c.system) / 1e6).toFixed(1)} s CPU of which ${(mainThreadCpu() - m0).toFixed(1)} s on the main thread; peak RSS ${(Number(hwm()) / 1024).toFixed(0)} MiB; load average ${load()}`,
  );
}

if (a.partition) {
  const h = createHash('sha256');
  const lines: string[] = [];
  const kinds = new Map<string, EntityKind>();
  for (const line of readSpillLineBytes(res.spillFile)) {
    for (const m of parseSpillLine(line).mentions) {
      const eid = res.rr.eidOf(m.key);
      lines.push(`${m.key} ${eid}`);
      kinds.set(eid, m.kind);
    }
  }
  for (const [eid, kind] of kinds) h.update(JSON.stringify(res.rr.entityRow(eid, kind)));
  lines.push(`entity rows ${h.digest('hex')}`);
  fs.writeFileSync(a.partition, `${lines.join('\n')}\n`);
  console.log(
    `first pass: partition of ${lines.length - 1} mentions into ${kinds.size} entities written to ${a.partition} (${lines[lines.length - 1]})`,
  );
}
fs.rmSync(work, { recursive: true, force: true });
