/**
 * Parameters of the committed sample in `datasets/sample/`: `npm run datasets -- sample`
 * regenerates it byte for byte.
 */
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadCatalog } from './catalog/load-catalog.ts';
import { SOURCE_ORDER } from './catalog/source-order.ts';
import type { GenerateOptions } from './generator/options.ts';

/** Directory of the committed sample. */
export const SAMPLE_DIR = join(dirname(fileURLToPath(import.meta.url)), '../sample');

/** The options that produce the committed sample. */
export const SAMPLE_OPTIONS: Required<
  Pick<GenerateOptions, 'persons' | 'seed' | 'days' | 'startDate' | 'noiseScale' | 'noise' | 'series'>
> = {
  persons: 2500,
  seed: 'onemap-sample-v1',
  days: 10,
  startDate: '2026-03-02',
  noiseScale: 1,
  // more redeliveries than the default so the demo shows a few
  noise: { duplicateDelivery: 0.3 },
  // the committed sample predates planted series; tests read its files as they are
  // (`npm run bench series` generates provinces with series)
  series: { perTenThousand: 0 },
};

/**
 * The committed sample's files whose names match `names` (e.g. `/^2026-03-0[23]/`: the first two
 * days, corrected re-deliveries among them), in load order: sources by `SOURCE_ORDER`, then the
 * catalog's others, each source's files by name.
 */
export function sampleFilesMatching(names: RegExp): { source: string; path: string }[] {
  const sources = [...SOURCE_ORDER, ...loadCatalog().map((c) => c.id).filter((id) => !SOURCE_ORDER.includes(id))];
  return sources.flatMap((source) =>
    existsSync(join(SAMPLE_DIR, source))
      ? readdirSync(join(SAMPLE_DIR, source))
          .filter((f) => names.test(f))
          .sort()
          .map((f) => ({ source, path: join(SAMPLE_DIR, source, f) }))
      : [],
  );
}

