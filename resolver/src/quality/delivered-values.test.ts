import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadCatalog, SAMPLE_DIR } from '@onemap/datasets';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { readBatch } from '../intake/read-batch.ts';
import { stageFile, stageRecords } from '../intake/staged-batch.ts';
import { readDeliveredValues } from './delivered-values.ts';

const catalog = loadCatalog();
const entry = (id: string) => catalog.find((e) => e.id === id)!;

describe('readDeliveredValues', () => {
  it('gives back, for every record the pipeline read from a staged delivery, the values it read (a GBK CSV file and a push)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'delivered-'));
    try {
      const file = path.join(dir, 'in.csv');
      const header = 'record_id,cafe_code,cafe_name,cafe_address,cafe_lon,cafe_lat,division_code,user_name,id_number,seat_no,login_time,logout_time';
      // a quoted cell over two lines: a record's line is not its row number
      const rows = [
        'N1,H000024,飞翔网咖,"甘肃省兰州市\n城关区1号",103.9,35.9,620103,崔之,620103200407240919,A050,20260302180631,20260302215015',
        'N2,H000024,飞翔网咖, 甘肃省兰州市城关区２号 ,103.9,35.9,620103,李松山,620923199607195853,A032,20260302140521,20260302180504',
      ];
      fs.writeFileSync(file, iconv.encode(`${header}\n${rows.join('\n')}\n`, 'gbk'));
      const staging = path.join(dir, 'staging');
      const batches = [
        stageFile(staging, 'netcafe', file, entry('netcafe').file),
        stageRecords(
          staging,
          'hotel',
          fs
            .readFileSync(path.join(SAMPLE_DIR, 'hotel', '2026-03-02.jsonl'), 'utf8')
            .trim()
            .split('\n')
            .slice(0, 3)
            .map((l, i) => ({ ...(JSON.parse(l) as Record<string, unknown>), address: i ? ' 某路１号' : null })),
        ),
      ];
      let n = 0;
      let n1Line = 0;
      for (const batch of batches) {
        const e = entry(batch.source);
        for (const rec of readBatch(batch, e).records) {
          n++;
          if (rec.recordId === 'N1') n1Line = rec.line;
          expect(readDeliveredValues(staging, e, { source: batch.source, hash: batch.hash, way: batch.way, line: rec.line })).toEqual(rec.raw);
        }
      }
      expect(n).toBe(5);
      expect(readDeliveredValues(staging, entry('netcafe'), { source: 'netcafe', hash: batches[0]!.hash, way: 'file', line: n1Line })?.cafe_address).toBe('甘肃省兰州市\n城关区1号');
      // a line with no record, a delivery staging does not have
      expect(readDeliveredValues(staging, entry('netcafe'), { source: 'netcafe', hash: batches[0]!.hash, way: 'file', line: 99 })).toBeNull();
      expect(readDeliveredValues(staging, entry('netcafe'), { source: 'netcafe', hash: 'f'.repeat(64), way: 'file', line: 2 })).toBeNull();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
