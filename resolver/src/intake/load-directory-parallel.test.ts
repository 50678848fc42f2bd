import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDirectory, loadDirectoryParallel } from './load-directory.ts';

const ROOT = join(import.meta.dirname, '../../..');
const SAMPLE = join(ROOT, 'datasets/sample');
const CATALOG = join(ROOT, 'datasets/catalog');

describe('loadDirectoryParallel', () => {
  it('standardizes on worker threads into exactly what the serial load gives, in the same order', async () => {
    const sources = ['hotel', 'household', 'netcafe'];
    const serial = loadDirectory(SAMPLE, CATALOG, { sources });
    const seen: number[] = [];
    const parallel = await loadDirectoryParallel(SAMPLE, CATALOG, {
      sources,
      workers: 2,
      onProgress: (_s, done) => seen.push(done),
    });
    expect(serial.mentions.length).toBeGreaterThan(1000);
    expect(parallel.files).toBe(serial.files);
    expect(seen.at(-1)).toBe(serial.files);
    expect(parallel.rows).toBe(serial.rows);
    expect(JSON.stringify(parallel.mentions)).toBe(JSON.stringify(serial.mentions));
    expect(JSON.stringify(parallel.rejects)).toBe(JSON.stringify(serial.rejects));
    expect(JSON.stringify(parallel.problems)).toBe(JSON.stringify(serial.problems));
  }, 180_000);
});
