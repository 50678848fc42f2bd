import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadCatalog, sampleFilesMatching } from '@onemap/datasets';
import { afterAll, describe, expect, it } from 'vitest';
import type { SourceRecordRow } from '../graph/write-rows.ts';
import { readBatch } from '../intake/read-batch.ts';
import { stageFile } from '../intake/staged-batch.ts';
import { bulkRows, resolveBulkLoad } from './bulk-load.ts';
import { authorityFromCatalog } from './golden-values.ts';
import { RecordResolver, type ResolvedRecord } from './record-resolver.ts';

/** The key of the entity ids these tests mint (one per file, as one graph has one). */
const eidKey = randomBytes(32);

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'onemap-bulk-spill-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const catalog = loadCatalog();
const files = sampleFilesMatching(/^2026-03-0[23]/);
/** A source record row but when it was received (each run receives the files anew). */
const comparable = ({ receivedAt: _, ...r }: SourceRecordRow) => r;

describe('bulk spill: a record written by the first pass and read back by the second', () => {
  it('gives the source record rows a record resolved in memory gives (attrs and mentions JSON made when it was read)', async () => {
    const res = await resolveBulkLoad(files, {
      catalog,
      eidKey,
      stagingDir: path.join(dir, 'staging'),
      rejectsDir: path.join(dir, 'rejects'),
      spillFile: path.join(dir, 'spill.jsonl'),
    });
    const spilled: SourceRecordRow[] = [];
    bulkRows(res, { record: (r) => spilled.push(r), visit: () => undefined });

    // the reference: the same files resolved record by record, rows made from the resolved records themselves
    const rr = new RecordResolver({ catalog, authority: authorityFromCatalog(catalog), eidKey });
    const seen = new Set<string>();
    const held: {
      p: ResolvedRecord;
      entry: (typeof catalog)[number];
      origin: { batchId: string; receivedAt: string; originalName: string };
    }[] = [];
    for (const f of files) {
      const entry = catalog.find((c) => c.id === f.source)!;
      const batch = stageFile(path.join(dir, 'staging-ref'), f.source, f.path, entry.file);
      if (seen.has(batch.batchId)) continue;
      seen.add(batch.batchId);
      for (const rec of readBatch(batch, entry).records) {
        const p = rr.resolveRecord(entry, rec, batch.receivedAt);
        if (p) held.push({ p, entry, origin: batch });
      }
    }
    // a corrected re-delivery: its last version only, as the second pass writes it
    const last = new Map(held.map((h, i) => [h.p.rec.rid, i]));
    const reference: SourceRecordRow[] = [];
    held.forEach((h, i) => {
      if (last.get(h.p.rec.rid) !== i) return;
      const rows = { identifiers: [], records: [] as SourceRecordRow[], relations: [], visits: [] };
      rr.recordRows(h.origin, h.entry, h.p, rows);
      reference.push(...rows.records);
    });
    expect(spilled.length).toBeGreaterThan(1000);
    expect(spilled.map(comparable)).toEqual(reference.map(comparable));
  });
});
