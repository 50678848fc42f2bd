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

  it('puts a file sent in many chunks back together in order', async () => {
    const sources = ['hotel', 'household'];
    const serial = loadDirectory(SAMPLE, CATALOG, { sources });
    const parallel = await loadDirectoryParallel(SAMPLE, CATALOG, { sources, workers: 2, chunkMentions: 7 });
    expect(serial.mentions.length).toBeGreaterThan(1000);
    expect(parallel.rows).toBe(serial.rows);
    expect(JSON.stringify(parallel.mentions)).toBe(JSON.stringify(serial.mentions));
    expect(JSON.stringify(parallel.rejects)).toBe(JSON.stringify(serial.rejects));
  }, 180_000);
});

describe('loadDirectory with kinds', () => {
  it('reads only what mentions of the kinds need and makes exactly the full read’s mentions of them', async () => {
    // checkpoint has no Person role (its files are not read); telecom's subscriber takes the
    // phone of its Phone role (HAS_PHONE); business's Organization takes its legal rep's name
    const sources = ['checkpoint', 'telecom', 'business', 'hotel', 'rail'];
    const full = loadDirectory(SAMPLE, CATALOG, { sources });
    for (const kinds of [['Person'], ['Organization'], ['Place', 'Phone']]) {
      const want = full.mentions.filter((m) => kinds.includes(m.kind));
      const serial = loadDirectory(SAMPLE, CATALOG, { sources, kinds });
      const parallel = await loadDirectoryParallel(SAMPLE, CATALOG, { sources, kinds, workers: 2 });
      expect(want.length).toBeGreaterThan(50);
      expect(JSON.stringify(serial.mentions)).toBe(JSON.stringify(want));
      expect(JSON.stringify(parallel.mentions)).toBe(JSON.stringify(want));
      // the same records are rejected, except those of sources not read
      const read = new Set(serial.mentions.map((m) => m.source));
      const rejects = (l: typeof full) => l.rejects.filter((r) => read.has(r.source)).map((r) => `${r.file}:${r.line}`);
      expect(rejects(serial)).toEqual(rejects(full));
    }
    const persons = loadDirectory(SAMPLE, CATALOG, { sources, kinds: ['Person'] });
    expect(persons.files).toBeLessThan(full.files);
    expect(
      persons.mentions.some((m) => m.source === 'telecom' && m.flags.includes('phone:from_has_phone_relation')),
    ).toBe(true);
  }, 180_000);
});
