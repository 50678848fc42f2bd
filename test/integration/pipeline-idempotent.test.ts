import { readTx } from '@onemap/graph-schema/server';
import { findBatch } from '@onemap/resolver/graph';
import { readRejectsReport } from '@onemap/resolver/intake';
import { describe, expect, it } from 'vitest';
import { graphContentHash, graphContentLines, graphCounts } from '../helpers/graph-fingerprint.ts';
import { hotelRecord } from '../helpers/hotel-records.ts';
import { ingestDirect, openTestPipeline, sampleFiles, useTestPipeline } from '../helpers/pipeline.ts';

const DAYS = ['2026-03-02', '2026-03-03'];
const t = useTestPipeline();

describe('the pipeline is idempotent', () => {
  it('ingesting the same sample files twice leaves an identical graph', async () => {
    const files = sampleFiles(DAYS);
    expect(files.length).toBeGreaterThan(9);
    const first = await ingestDirect(t.pipeline, files);
    expect(first.every((b) => b.status === 'done')).toBe(true);
    const counts = await graphCounts(t.graph);
    const hash = await graphContentHash(t.graph);
    expect(counts['node:SourceRecord']).toBeGreaterThan(2500);
    expect(counts['rel:VISITED']).toBeGreaterThan(100);

    const second = await ingestDirect(t.pipeline, files);
    expect(second.map((b) => b.batchId)).toEqual(first.map((b) => b.batchId));
    expect(await graphCounts(t.graph)).toEqual(counts);
    expect(await graphContentHash(t.graph)).toBe(hash);
  });

  it('a fresh resolver re-reading the same records from another file writes nothing new', async () => {
    const counts = await graphCounts(t.graph);
    const before = new Set(await graphContentLines(t.graph));
    // Same records, different bytes (a re-delivery in another shape): only record hashes protect us.
    const fresh = openTestPipeline();
    try {
      const [source, file] = sampleFiles(['2026-03-03']).find(([s]) => s === 'hotel')!;
      const fs = await import('node:fs');
      const rows = fs.readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
      const pushed = await fresh.pipeline.submitRecords(source, rows.reverse());
      expect(pushed.duplicate).toBe(false);
      const { stageRecords } = await import('@onemap/resolver/intake');
      const info = await fresh.pipeline.processBatch(stageRecords(fresh.pipeline.deps.stagingDir, source, rows));
      expect(info.written).toBe(0);
      expect(info.unchanged).toBe(rows.length);
    } finally {
      await fresh.close();
    }
    // Only the delivery itself is new (its Batch node and quality report); no entity, record or relation changed.
    const after = await graphCounts(t.graph);
    expect(after['node:Batch']).toBe((counts['node:Batch'] ?? 0) + 1);
    const facts = (c: Record<string, number>) => ({ ...c, 'node:Batch': 0, 'node:QualityReport': 0 });
    expect(facts(after)).toEqual(facts(counts));
    const now = await graphContentLines(t.graph);
    expect(now.filter((l) => !before.has(l))).toEqual([]);
    expect(now.length).toBe(before.size);
  });
});

describe('bad records are rejected with their reason; the rest go in', () => {
  it('one bad record in a pushed batch of 1,000', async () => {
    const rows = Array.from({ length: 1000 }, (_, i) => hotelRecord(i));
    rows[417] = hotelRecord(417, { hotel_code: '' });
    const { stageRecords } = await import('@onemap/resolver/intake');
    const batch = stageRecords(t.pipeline.deps.stagingDir, 'hotel', rows);
    // a file batch in hand makes the process busy (a server's idle reads wait) until it is done
    const busyAt: boolean[] = [];
    const info = await t.pipeline.processBatch(batch, () => busyAt.push(t.pipeline.busy));
    expect(busyAt.length).toBeGreaterThan(0);
    expect(busyAt.every(Boolean)).toBe(true);
    expect(t.pipeline.busy).toBe(false);
    expect(info.status).toBe('done');
    expect(info.written).toBe(999);
    expect(info.rejected).toBe(1);
    const report = readRejectsReport(info.rejectsFile!);
    expect(report).toHaveLength(1);
    expect(report[0]).toMatchObject({ source: 'hotel', record_id: 'T-HOTEL-000417', field: 'hotel_code', code: 'ONEMAP_ERR_REQUIRED_MISSING' });
    const stored = await readTx(t.graph, async (tx) => {
      const r = await tx.run('MATCH (r:SourceRecord {batchId: $b}) RETURN count(r) AS n', { b: batch.batchId });
      return r.records[0]!.get('n') as number;
    });
    expect(stored).toBe(999);
    expect((await findBatch(t.graph, batch.batchId))?.rejected).toBe(1);
  });

  it('a file whose mapped column is missing is rejected whole, with file and field', async () => {
    const fs = await import('node:fs');
    const path = await import('node:path');
    const bad = path.join(t.dir, 'business-bad.csv');
    fs.writeFileSync(bad, 'record_id,company_name\nB1,某公司\n');
    const { stageFile } = await import('@onemap/resolver/intake');
    const info = await t.pipeline.processBatch(stageFile(t.pipeline.deps.stagingDir, 'business', bad, t.pipeline.entry('business').file));
    expect(info.status).toBe('rejected');
    expect(info.error).toContain('credit_code');
    const report = readRejectsReport(info.rejectsFile!);
    expect(report[0]).toMatchObject({ file: 'business-bad.csv', code: 'ONEMAP_ERR_MISSING_COLUMN' });
  });
});
