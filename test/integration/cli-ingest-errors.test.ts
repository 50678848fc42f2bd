/**
 * `onemap ingest` as an operator runs it, against the real Neo4j and Redis: a file refused whole
 * says what was wrong and where, and the command exits non-zero; a folder with nothing to deliver
 * is an error, not a quiet success; a file with one bad record names its report and exits 0.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { testEnv } from '../helpers/env.ts';
import { hotelRecord } from '../helpers/hotel-records.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'onemap-cli-ingest-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function ingest(...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'resolver/src/cli/main.ts', 'ingest', ...args], {
    env: {
      ...process.env,
      ...testEnv,
      ONEMAP_STAGING_DIR: path.join(dir, 'staging'),
      ONEMAP_REJECTS_DIR: path.join(dir, 'rejects'),
    },
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { status: r.status, out: `${r.stdout}\n${r.stderr}` };
}

describe('onemap ingest says what was wrong and where', () => {
  it('a file refused whole (a mapped column missing) names its reason and file, and exits non-zero', () => {
    const file = path.join(dir, 'household-no-id.csv');
    fs.writeFileSync(file, 'record_id,name\nHJX1,张三\n');
    const r = ingest('household', file);
    expect(r.status, r.out).toBe(1);
    expect(r.out).toContain(`household ${file} rejected:`);
    expect(r.out).toMatch(/column/i);
  });

  it('a folder with no file to deliver is an error that names the folder', () => {
    const empty = fs.mkdtempSync(path.join(dir, 'empty-'));
    const r = ingest('hotel', empty);
    expect(r.status, r.out).toBe(2);
    expect(r.out).toContain('error ONEMAP_ERR_FILE_UNREADABLE');
    expect(r.out).toContain(empty);
  });

  it('one bad record of a file is rejected with its report named; the rest go in and the command succeeds', () => {
    const file = path.join(dir, 'hotel-one-bad.jsonl');
    const records = [hotelRecord(5100), hotelRecord(5101, { hotel_code: '' }), hotelRecord(5102)];
    fs.writeFileSync(file, `${records.map((x) => JSON.stringify(x)).join('\n')}\n`);
    const r = ingest('hotel', file);
    expect(r.status, r.out).toBe(0);
    expect(r.out).toMatch(/1 record\(s\) rejected with their reasons in \S+/);
  });
});
