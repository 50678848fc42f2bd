/**
 * Cohesion of a would-be merge: the share of cross pairs between the two sides that do not
 * contradict each other on identity (different birth dates, sexes or resident ids, and not a
 * possible match overall). Names
 * may differ inside an entity (aliases, Pinyin-only), missing values are no contradiction;
 * two people chained through one ambiguous record are. Sampled when large.
 */

import type { PairScorer } from '../scoring/pair-scorer.ts';
import type { Mention } from '../types.ts';

const SAMPLE = 64;

/** 1 - (contradicting cross pairs / cross pairs). */
export function cohesionBetween(A: Mention[], B: Mention[], scorer: PairScorer): number {
  const total = A.length * B.length;
  const p = scorer.model.thresholds.possible;
  const possibleW = Math.log2(p / (1 - p));
  const step = total > SAMPLE ? total / SAMPLE : 1;
  let bad = 0;
  let n = 0;
  for (let t = 0; t < total; t += step) {
    const idx = Math.floor(t);
    const x = A[idx % A.length]!;
    const y = B[Math.floor(idx / A.length)]!;
    const w = scorer.weight(x.attrs, y.attrs);
    // a contradiction outweighed by the rest of the evidence (a typo in a birth date) is no contradiction
    if (scorer.lastContradiction && w < possibleW) bad++;
    n++;
  }
  return n ? 1 - bad / n : 1;
}

export function clusterCohesionOf(m: Mention, members: Mention[], scorer: PairScorer): number {
  return cohesionBetween([m], members, scorer);
}
