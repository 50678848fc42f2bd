import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadCatalog, sampleFilesMatching } from '@onemap/datasets';
import { afterAll, describe, expect, it } from 'vitest';
import { hotelRecord } from '../../../test/helpers/hotel-records.ts';
import { type BulkResolved, resolveBulkLoad } from './bulk-load.ts';
import { readSpillLineBytes } from './bulk-spill.ts';
import { parseSpillLine } from './bulk-spill-record.ts';

/** The key of the entity ids these tests mint (one per file, as one graph has one). */
const eidKey = randomBytes(32);

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'onemap-bulk-read-ahead-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const catalog = loadCatalog();
// the sample's first two days (corrected re-deliveries among them), then: the same content again
// under another name, a JSON lines file whose fault is found only at its end (a mapped key no line
// has: its records were read, none may be resolved), and one more good file after them
const sample = sampleFilesMatching(/^2026-03-0[23]/);
function hotelFile(name: string, rows: Record<string, string | number>[]) {
  const p = path.join(dir, name);
  fs.writeFileSync(p, `${rows.map((r) => JSON.stringify(r)).join('\n')}\n`);
  return { source: 'hotel', path: p };
}
const again = path.join(dir, 'again.csv');
fs.copyFileSync(sample[0]!.path, again);
// more records than a chunk: some of them are handed over and resolved before the fault is found
const noRoom = Array.from({ length: 20 }, (_, k) => k + 1).map((i) => {
  const { room_no: _, ...r } = hotelRecord(i);
  return r;
});
const files = [
  ...sample,
  { source: sample[0]!.source, path: again },
  hotelFile('late-fault.jsonl', noRoom),
  hotelFile('after.jsonl', [hotelRecord(40), hotelRecord(41)]),
];

async function run(name: string, readWorkers: number, restarts: string[] = []) {
  return resolveBulkLoad(files, {
    eidKey,
    onRestart: (file, reason) => restarts.push(`${path.basename(file)}: ${reason}`),
    catalog,
    stagingDir: path.join(dir, name, 'staging'),
    rejectsDir: path.join(dir, name, 'rejects'),
    spillFile: path.join(dir, name, 'spill.jsonl'),
    readWorkers,
    // small chunks and a short queue: the workers wait for the loop again and again
    readAhead: { chunkRecords: 7, maxRecordsAhead: 1 },
  });
}

/** What a first pass decided: every spilled record with every mention's final entity, and the counts. */
function decided(res: BulkResolved) {
  // each line copied as it is read (a line is a view into the read block)
  const spilled = Array.from(readSpillLineBytes(res.spillFile), (l) => Buffer.from(l));
  const partition = spilled.flatMap((l) => parseSpillLine(l).mentions.map((m) => `${m.key} ${res.rr.eidOf(m.key)}`));
  const batches = res.batches.map(({ receivedAt: _r, finishedAt: _f, rejectsFile, ...b }) => ({
    ...b,
    rejectsFile: rejectsFile && path.basename(rejectsFile),
  }));
  return {
    spilled,
    partition,
    batches,
    rows: res.rows,
    written: res.written,
    rejected: res.rejected,
    lastVersion: [...res.lastVersion],
  };
}

describe('bulk first pass: reading on worker threads ahead of the resolving loop', () => {
  it('resolves the same records in the same order as reading on the loop thread', async () => {
    const restarts: string[] = [];
    const serial = decided(await run('serial', 0, restarts));
    // the serial reader reads a file whole before its records: the fault comes first, no restart
    expect(restarts).toEqual([]);
    const ahead = decided(await run('ahead', 2, restarts));
    // the workers hand chunks over as read: the late fault starts the pass again, once
    expect(restarts).toHaveLength(1);
    expect(restarts[0]).toMatch(/^late-fault\.jsonl: /);
    expect(serial.partition.length).toBeGreaterThan(1000);
    expect(ahead).toEqual(serial);
    // the duplicate is one batch with two deliveries, the late fault a rejected batch with no record
    const fault = ahead.batches.find((b) => b.originalName === 'late-fault.jsonl')!;
    expect(fault.status).toBe('rejected');
    expect(ahead.partition.some((l) => l.startsWith('hotel:T-HOTEL-000001:'))).toBe(false);
    expect(ahead.partition.some((l) => l.startsWith('hotel:T-HOTEL-000020:'))).toBe(false);
    expect(ahead.partition.some((l) => l.startsWith('hotel:T-HOTEL-000040:'))).toBe(true);
    expect(ahead.batches.find((b) => b.names.includes('again.csv'))?.deliveries).toBe(2);
  });
});
