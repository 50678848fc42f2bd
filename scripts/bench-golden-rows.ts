import { randomBytes } from 'node:crypto';
/**
 * Golden-value rows of the real-time leader alone: `tsx scripts/bench-golden-rows.ts [--records 30000]`.
 * Resolves copies of the sample's hotel records (new record ids, as `npm run bench realtime` pushes
 * them: the same guests and hotels again and again) through one `RecordResolver` and times
 * `entityRow` for every entity each record touches (what the leader does per group), per 5,000
 * records, with the load average. Runs on whatever `resolver/src` is checked out (compare a
 * before/after pair back to back). Figures are printed, never asserted.
 */
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadCatalog, sampleFilesMatching } from '@onemap/datasets';
import { readBatch } from '../resolver/src/intake/read-batch.ts';
import { stageFile } from '../resolver/src/intake/staged-batch.ts';
import { authorityFromCatalog } from '../resolver/src/pipeline/golden-values.ts';
import { RecordResolver } from '../resolver/src/pipeline/record-resolver.ts';

const { values: a } = parseArgs({ options: { records: { type: 'string', default: '30000' } } });
const catalog = loadCatalog();
const entry = catalog.find((c) => c.id === 'hotel')!;
const dir = path.join(os.tmpdir(), `onemap-golden-rows-${process.pid}`);
const template = sampleFilesMatching(/./)
  .filter((f) => f.source === 'hotel')
  .flatMap((f) => readBatch(stageFile(dir, 'hotel', f.path, entry.file), entry).records);
// the leader's options (GraphResolver keeps each entity's fold)
const rr = new RecordResolver({ catalog, authority: authorityFromCatalog(catalog), eidKey: randomBytes(32), keepGolden: true });
const n = Number(a.records);
let resolveMs = 0;
let rowsMs = 0;
let rows = 0;
const t0 = Date.parse('2026-03-02T00:00:00Z');
console.log(
  `golden rows: ${template.length} hotel records as template, ${n} copies; load ${os
    .loadavg()
    .map((x) => x.toFixed(1))
    .join('/')}`,
);
for (let i = 0; i < n; i++) {
  const rec = template[i % template.length]!;
  const id = `${rec.recordId}-c${i}`;
  const copy = {
    ...rec,
    rid: `hotel:${id}`,
    recordId: id,
    mentions: rec.mentions.map((m) => ({ ...m, recordId: id, key: `hotel:${id}:${m.role}` })),
  };
  let t = performance.now();
  const p = rr.resolveRecord(entry, copy, new Date(t0 + i * 2).toISOString());
  resolveMs += performance.now() - t;
  if (!p) continue;
  t = performance.now();
  for (const m of p.facts.mentions) {
    rr.entityRow(rr.eidOf(m.key), m.kind);
    rows++;
  }
  rowsMs += performance.now() - t;
  if ((i + 1) % 5000 === 0) {
    console.log(
      `  records ${i + 1 - 4999}–${i + 1}: resolveRecord ${(resolveMs / 5000).toFixed(3)} ms, entity rows ${(rowsMs / 5000).toFixed(3)} ms per record (${rows} rows); load ${os.loadavg()[0]!.toFixed(1)}`,
    );
    resolveMs = 0;
    rowsMs = 0;
    rows = 0;
  }
}
