/**
 * `linkClusters` on hand-made weights: which pairs are rivals of a match (ambiguity), and the
 * only-candidate step below a possible match.
 */
import { describe, expect, it } from 'vitest';
import { defaultSettings } from '../scoring/default-kind-settings.ts';
import { PairScorer, weightOf } from '../scoring/pair-scorer.ts';
import type { Mention } from '../types.ts';
import { linkClusters } from './link-clusters.ts';

const mention = (id: string, creditCode?: string): Mention => ({
  key: `t:${id}:company`,
  source: 't',
  recordId: id,
  role: 'company',
  kind: 'Organization',
  attrs: { name: id },
  identifiers: creditCode ? [{ kind: 'credit_code', value: creditCode }] : [],
  flags: [],
});

/** Mentions 0 (no code), 1 and 2 (two companies: different codes); pairs 0–1 and 0–2 at the probabilities given. */
function link(pToFirst: number, pToSecond: number) {
  const model = defaultSettings('Organization');
  const mentions = [mention('x'), mention('a', '91620102MA0004CT1A'), mention('b', '91620102MA0004CT2B')];
  const out = linkClusters({
    mentions,
    model,
    scorer: new PairScorer(model),
    left: Int32Array.from([0, 0]),
    right: Int32Array.from([1, 2]),
    weights: Float64Array.from([weightOf(pToFirst), weightOf(pToSecond)]),
    count: 2,
  });
  const same = (i: number, j: number) => out.uf.find(i) === out.uf.find(j);
  return { model, out, same };
}

describe('linkClusters: rivals of a match', () => {
  it('lets the uniqueCandidate threshold sit below a possible match (the setting this test relies on)', () => {
    const m = defaultSettings('Organization');
    expect(m.uniqueCandidate).toBeLessThan(m.thresholds.possible);
  });

  it('does not count a pair below a possible match as a rival of a match', () => {
    // 0–1 a match; 0–2 within the ambiguity margin, but only an only-candidate pair
    const { model, same } = link(0.93, 0.45);
    expect(0.45).toBeGreaterThanOrEqual(model.uniqueCandidate!);
    expect(same(0, 1)).toBe(true);
    expect(same(0, 2)).toBe(false);
  });

  it('counts a possible match within the margin as a rival: neither company is guessed', () => {
    const { out, same } = link(0.93, 0.6);
    expect(same(0, 1)).toBe(false);
    expect(same(0, 2)).toBe(false);
    expect(out.reviewQueue.length).toBeGreaterThan(0);
  });

  it('joins the only candidate below a possible match, and none of two', () => {
    expect(link(0.45, 0.01).same(0, 1)).toBe(true);
    const two = link(0.45, 0.42);
    expect(two.same(0, 1) || two.same(0, 2)).toBe(false);
  });
});
