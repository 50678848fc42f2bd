import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';

const ROOT = join(import.meta.dirname, '../../..');
const SAMPLE = join(ROOT, 'datasets/sample');
const CATALOG = join(ROOT, 'datasets/catalog');
const OPTS = { limit: 20_000, sources: ['hotel', 'household', 'business', 'netcafe'] };

type Loader = typeof import('./load-directory.ts');

async function sampleMentions(): Promise<string> {
  const { loadDirectory } = (await import('./load-directory.ts')) as Loader;
  const l = loadDirectory(SAMPLE, CATALOG, OPTS);
  return JSON.stringify({ mentions: l.mentions, rejects: l.rejects, problems: l.problems });
}

describe('memoized standardization', () => {
  it('gives the sample exactly what the plain standardizers give, cold, warm and across memo evictions', async () => {
    vi.resetModules();
    const cold = await sampleMentions();
    // a second pass hits the memo for every value: shared results must not leak between mentions
    const { loadDirectory } = (await import('./load-directory.ts')) as Loader;
    const warm = loadDirectory(SAMPLE, CATALOG, OPTS);
    vi.resetModules();
    let plainCalls = 0;
    vi.doMock('../standardize/entity-attrs.ts', async (orig) => {
      const m = (await orig()) as typeof import('../standardize/entity-attrs.ts');
      return {
        ...m,
        standardizeEntityAttrs: (...args: Parameters<typeof m.standardizeEntityAttrs>) => {
          plainCalls++;
          return m.standardizeEntityAttrsUncached(...args);
        },
      };
    });
    const plain = await sampleMentions();
    vi.doUnmock('../standardize/entity-attrs.ts');
    expect(plainCalls).toBeGreaterThan(1000);
    expect(JSON.parse(cold).mentions.length).toBeGreaterThan(1000);
    expect(cold).toBe(plain);
    expect(JSON.stringify({ mentions: warm.mentions, rejects: warm.rejects, problems: warm.problems })).toBe(plain);
    // memos far smaller than the sample's distinct values: every memo evicts many times over
    vi.resetModules();
    const { setMemoLimit } = await import('../standardize/bounded-memo.ts');
    setMemoLimit(64);
    const evicting = await sampleMentions();
    expect(evicting).toBe(plain);
  }, 120_000);
});
