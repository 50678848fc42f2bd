import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SAMPLE_DIR, SAMPLE_OPTIONS } from '../sample.ts';
import { generateProvince } from './generate-province.ts';
import { DEFAULT_NOISE, noiseRate, resolveOptions, SOURCE_IDS } from './options.ts';

const root = mkdtempSync(join(tmpdir(), 'onemap-datasets-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('generateProvince', () => {
  it('is deterministic: the same seed gives the same file hashes, another seed does not', async () => {
    const a = await generateProvince({ persons: 400, seed: 'det', days: 3, outDir: join(root, 'a') });
    const b = await generateProvince({ persons: 400, seed: 'det', days: 3, outDir: join(root, 'b') });
    const c = await generateProvince({ persons: 400, seed: 'other', days: 3, outDir: join(root, 'c') });
    expect(a.files).toEqual(b.files);
    expect(readFileSync(join(root, 'a/manifest.json'), 'utf8')).toBe(
      readFileSync(join(root, 'b/manifest.json'), 'utf8'),
    );
    expect(c.files.map((f) => f.sha256)).not.toEqual(a.files.map((f) => f.sha256));
  });

  it('regenerates the committed sample exactly', async () => {
    await generateProvince({ ...SAMPLE_OPTIONS, outDir: join(root, 'sample') });
    expect(readFileSync(join(root, 'sample/manifest.json'), 'utf8')).toBe(
      readFileSync(join(SAMPLE_DIR, 'manifest.json'), 'utf8'),
    );
  });

  it('corrupts at the configured rates (per source, within binomial tolerance) and tags every change', async () => {
    const noise = {
      ...DEFAULT_NOISE,
      homophone: 0.1,
      traditional: 0.1,
      missingId: 0.1,
      badCheckDigit: 0.05,
      dateFormat: 0.08,
    };
    const outDir = join(root, 'noisy');
    const s = await generateProvince({ persons: 3000, seed: 'rates', days: 5, outDir, noise });
    const opts = resolveOptions({ noise });
    const kinds = {
      homophone: 'homophone',
      typo: 'typo',
      traditional: 'traditional',
      pinyinOnly: 'pinyin_only',
      missingId: 'missing_id',
      badCheckDigit: 'bad_check_digit',
      transposedId: 'transposed_id',
      dateFormat: 'date_format',
      oldAddress: 'old_address',
      plateMisread: 'plate_misread',
    } as const;
    let checked = 0;
    for (const source of SOURCE_IDS) {
      for (const [key, kind] of Object.entries(kinds)) {
        const stat = s.noiseBySource[source]?.[kind];
        if (!stat || stat.opportunities < 400) continue;
        const p = noiseRate(opts, source, key as keyof typeof kinds);
        const observed = stat.applied / stat.opportunities;
        const tolerance = 4 * Math.sqrt((p * (1 - p)) / stat.opportunities) + 0.002;
        expect(Math.abs(observed - p), `${source} ${kind}: ${observed} vs ${p}`).toBeLessThanOrEqual(tolerance);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(15);
    const tagged = new Map<string, number>();
    for (const line of readFileSync(join(outDir, 'truth/noise.csv'), 'utf8').trim().split('\n').slice(1)) {
      const kind = line.split(',')[3] as string;
      tagged.set(kind, (tagged.get(kind) ?? 0) + 1);
    }
    expect(Object.fromEntries([...tagged].sort())).toEqual(s.noise);
  });

  it('rejects invalid options, naming each', async () => {
    await expect(generateProvince({ persons: 0, days: 0, outDir: join(root, 'bad') })).rejects.toThrow(
      /persons must be a positive integer.*days must be 1..366/,
    );
  });

  it('writes clean data with noise scale 0', async () => {
    const s = await generateProvince({
      persons: 300,
      seed: 'clean',
      days: 2,
      noiseScale: 0,
      outDir: join(root, 'clean'),
    });
    const rateDriven = [
      'homophone',
      'traditional',
      'pinyin_only',
      'missing_id',
      'bad_check_digit',
      'date_format',
      'duplicate_delivery',
    ];
    for (const k of rateDriven) expect(s.noise[k] ?? 0, k).toBe(0);
  });
});
