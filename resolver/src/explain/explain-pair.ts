/**
 * Why two mentions are (or are not) the same entity: every comparison's level with its m, u,
 * weight and term-frequency adjustment, the prior, the total match weight and probability.
 * `waterfall` is the data of a waterfall chart (prior first, then one bar per comparison).
 */

import type { DataStats } from '../scoring/data-stats.ts';
import type { Model } from '../scoring/model-settings.ts';
import { type ComparisonTerm, PairScorer, probability } from '../scoring/pair-scorer.ts';
import type { Mention } from '../types.ts';

export interface PairExplanation {
  a: string;
  b: string;
  priorWeight: number;
  terms: ComparisonTerm[];
  /** prior + sum of term weights and tf adjustments */
  weight: number;
  probability: number;
  decision: 'match' | 'possible_match' | 'non_match';
  /** shared anchor identifiers (`resident_id=...`) that decide regardless of the score */
  anchors: string[];
  /** constraints that forbid the pair (`different resident_id`, `different orgBranch`) */
  conflicts: string[];
  waterfall: Array<{ label: string; weight: number; cumulative: number }>;
}

/**
 * @example explainPair(m1, m2, model).waterfall // [{ label: 'prior', ... }, { label: 'family name: exact', ... }]
 */
export function explainPair(
  a: Mention,
  b: Mention,
  model: Model,
  stats?: DataStats,
  scorer?: PairScorer,
): PairExplanation {
  const s = scorer ?? new PairScorer(model, stats);
  const terms = s.terms(a.attrs, b.attrs);
  let weight = s.prior;
  const waterfall = [{ label: 'prior', weight: s.prior, cumulative: s.prior }];
  for (const t of terms) {
    const w = t.weight + t.tfAdjustment;
    weight += w;
    if (w !== 0) waterfall.push({ label: `${t.comparison}: ${t.level}`, weight: w, cumulative: weight });
  }
  // the rename guard, as `weight` applies it (a different given name and no identifier agreeing)
  const capped = s.guard ? s.guard.cap(weight, (k) => terms[k]!.levelIndex) : weight;
  if (capped !== weight) {
    waterfall.push({ label: 'another given name and no identifier agreeing: capped', weight: capped - weight, cumulative: capped });
    weight = capped;
  }
  const p = probability(weight);
  const anchors: string[] = [];
  const conflicts: string[] = [];
  for (const ia of a.identifiers) {
    for (const ib of b.identifiers) {
      if (ia.kind !== ib.kind) continue;
      if (ia.value === ib.value && model.anchors.includes(ia.kind)) anchors.push(`${ia.kind}=${ia.value}`);
      else if (ia.value !== ib.value && model.exclusive.includes(ia.kind)) conflicts.push(`different ${ia.kind}`);
    }
  }
  for (const attr of model.exclusiveAttrs ?? []) {
    const x = a.attrs[attr];
    const y = b.attrs[attr];
    if (x && y && x !== y) conflicts.push(`different ${attr}`);
  }
  return {
    a: a.key,
    b: b.key,
    priorWeight: s.prior,
    terms,
    weight,
    probability: p,
    decision: p >= model.thresholds.match ? 'match' : p >= model.thresholds.possible ? 'possible_match' : 'non_match',
    anchors,
    conflicts,
    waterfall,
  };
}

/** Plain-text rendering of an explanation, one line per comparison. */
export function formatPairExplanation(e: PairExplanation): string {
  const lines = [`${e.a}  vs  ${e.b}`, `  prior                          ${e.priorWeight.toFixed(2).padStart(7)}`];
  for (const t of e.terms) {
    const w = t.weight + t.tfAdjustment;
    const tf = t.tfAdjustment ? ` (tf ${t.tfAdjustment >= 0 ? '+' : ''}${t.tfAdjustment.toFixed(2)})` : '';
    lines.push(
      `  ${`${t.comparison}: ${t.level}`.padEnd(30)} ${w.toFixed(2).padStart(7)}${tf}   ${t.valueA ?? '∅'} | ${t.valueB ?? '∅'}`,
    );
  }
  lines.push(`  = weight ${e.weight.toFixed(2)}, probability ${e.probability.toFixed(4)} -> ${e.decision}`);
  if (e.anchors.length) lines.push(`  anchors: ${e.anchors.join(', ')}`);
  if (e.conflicts.length) lines.push(`  conflicts: ${e.conflicts.join(', ')}`);
  return lines.join('\n');
}
