import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDirectory } from './load-directory.ts';

const ROOT = join(import.meta.dirname, '../../..');
const SAMPLE = join(ROOT, 'datasets/sample');
const CATALOG = join(ROOT, 'datasets/catalog');
const GOLDEN = join(import.meta.dirname, 'test/standardized-sample.json');
const SOURCES = ['business', 'checkpoint', 'hotel', 'household', 'incident', 'netcafe', 'rail', 'telecom'];

/** Per source: counts and a SHA-256 of the mentions, rejects and problems as JSON (key order included). */
function digest(source: string) {
  const l = loadDirectory(SAMPLE, CATALOG, { sources: [source] });
  // file paths relative to the sample, so the digest does not depend on where the checkout is
  const json = JSON.stringify({ mentions: l.mentions, rejects: l.rejects, problems: l.problems }).replaceAll(
    JSON.stringify(SAMPLE).slice(1, -1),
    'sample',
  );
  return {
    mentions: l.mentions.length,
    rejects: l.rejects.length,
    problems: l.problems.length,
    sha256: createHash('sha256').update(json).digest('hex'),
  };
}

/**
 * A golden fixture of the whole sample standardized, taken before the standardizers were made
 * faster (memos, fast paths, shared shapes): a speed-up must give the same bytes. Regenerate
 * only on purpose, when a standardizer is meant to change what it gives:
 * `UPDATE_GOLDEN=1 npx vitest run --project unit resolver/src/intake/standardized-sample.test.ts`.
 */
describe('standardizing the sample', () => {
  it('gives exactly the golden mentions, rejects and problems of every source', () => {
    const got = Object.fromEntries(SOURCES.map((s) => [s, digest(s)]));
    if (process.env.UPDATE_GOLDEN === '1') writeFileSync(GOLDEN, `${JSON.stringify(got, null, 2)}\n`);
    if (!existsSync(GOLDEN)) throw new Error(`golden fixture ${GOLDEN} is missing: regenerate it with UPDATE_GOLDEN=1`);
    const want = JSON.parse(readFileSync(GOLDEN, 'utf8')) as typeof got;
    expect(Object.values(got).reduce((n, d) => n + d.mentions, 0)).toBeGreaterThan(20_000);
    expect(got).toEqual(want);
  }, 120_000);
});
