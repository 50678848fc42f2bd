/**
 * Cohesion of a would-be merge: the share of cross pairs between the two sides that do not
 * contradict each other on identity (different birth dates, sexes or resident ids, and not a
 * possible match overall). Names
 * may differ inside an entity (aliases, Pinyin-only), missing values are no contradiction;
 * two people chained through one ambiguous record are. Sampled when large.
 */

import type { BatchScorer } from '../scoring/batch-scorer.ts';
import type { Model } from '../scoring/model-settings.ts';
import type { PairScorer } from '../scoring/pair-scorer.ts';
import type { Mention } from '../types.ts';

const SAMPLE = 64;

/** Share of sampled cross pairs (x of `a`, y of `b`) that `contradicts(x, y)` does not flag. */
function sampledCohesion(a: number, b: number, contradicts: (x: number, y: number) => boolean): number {
  const total = a * b;
  const step = total > SAMPLE ? total / SAMPLE : 1;
  let bad = 0;
  let n = 0;
  for (let t = 0; t < total; t += step) {
    const idx = Math.floor(t);
    if (contradicts(idx % a, Math.floor(idx / a))) bad++;
    n++;
  }
  return n ? 1 - bad / n : 1;
}

const possibleWeight = (model: Model) => {
  const p = model.thresholds.possible;
  return Math.log2(p / (1 - p));
};

/** 1 - (contradicting cross pairs / cross pairs). */
export function cohesionBetween(
  A: readonly Pick<Mention, 'attrs'>[],
  B: readonly Pick<Mention, 'attrs'>[],
  scorer: PairScorer,
): number {
  const possibleW = possibleWeight(scorer.model);
  return sampledCohesion(A.length, B.length, (x, y) => {
    const w = scorer.weight(A[x]!.attrs, B[y]!.attrs);
    // a contradiction outweighed by the rest of the evidence (a typo in a birth date) is no contradiction
    return scorer.lastContradiction && w < possibleW;
  });
}

/** `cohesionBetween` for item indices of a batch (the same sample, on the columnar scorer). */
export function cohesionBetweenItems(A: number[], B: number[], batch: BatchScorer, model: Model): number {
  const possibleW = possibleWeight(model);
  return sampledCohesion(A.length, B.length, (x, y) => {
    const w = batch.weight(A[x]!, B[y]!);
    return batch.lastContradiction && w < possibleW;
  });
}

export function clusterCohesionOf(
  m: Pick<Mention, 'attrs'>,
  members: readonly Pick<Mention, 'attrs'>[],
  scorer: PairScorer,
): number {
  return cohesionBetween([m], members, scorer);
}
