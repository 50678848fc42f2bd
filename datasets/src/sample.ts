/**
 * Parameters of the committed sample in `datasets/sample/`: `npm run datasets -- sample`
 * regenerates it byte for byte.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
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
