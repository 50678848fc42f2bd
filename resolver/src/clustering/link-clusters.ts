/**
 * Decide and cluster scored pairs: anchors first (equal anchor identifiers), then analysts'
 * must-links, then scored pairs from strongest to weakest. A pair at or above the match
 * threshold joins its two clusters unless a constraint forbids it (exclusive identifiers,
 * cannot-links) or the clusters do not agree as a whole (mean pairwise probability below
 * `cohesion`: one bad link does not chain two people together). Pairs between the
 * thresholds that end in different clusters go to the review queue.
 */
import type { PairDecision } from '../core/result-types.ts';
import type { Model } from '../model/model-settings.ts';
import type { Mention } from '../model/types.ts';
import { type PairScorer, probability } from '../scoring/pair-scorer.ts';
import { ConstrainedUnionFind } from './constrained-union-find.ts';

export interface LinkInput {
  mentions: Mention[];
  model: Model;
  scorer: PairScorer;
  left: Int32Array;
  right: Int32Array;
  weights: Float64Array;
  count: number;
  cannotLinks?: Array<[number, number]>;
  mustLinks?: Array<[number, number]>;
  /** extra anchor identifier kinds beyond the model's (deterministic kinds) */
  keyGroups?: Array<{ reason: string; members: number[] }>;
}

export interface LinkOutput {
  uf: ConstrainedUnionFind;
  decisions: PairDecision[];
  reviewQueue: PairDecision[];
}

const COHESION_SAMPLE = 64;

/** Mean match probability between two clusters (sampled when large). */
export function clusterCohesion(uf: ConstrainedUnionFind, ra: number, rb: number, mentions: Mention[], scorer: PairScorer): number {
  const A = uf.membersArray(ra);
  const B = uf.membersArray(rb);
  const total = A.length * B.length;
  const step = total > COHESION_SAMPLE ? total / COHESION_SAMPLE : 1;
  let sum = 0;
  let n = 0;
  for (let t = 0; t < total; t += step) {
    const idx = Math.floor(t);
    const x = A[idx % A.length]!;
    const y = B[Math.floor(idx / A.length)]!;
    sum += probability(scorer.weight(mentions[x]!.attrs, mentions[y]!.attrs));
    n++;
  }
  return n ? sum / n : 1;
}

export function linkClusters(input: LinkInput): LinkOutput {
  const { mentions, model, scorer } = input;
  const n = mentions.length;
  const uf = new ConstrainedUnionFind(n, model.exclusive.length);
  const decisions: PairDecision[] = [];
  const reviewQueue: PairDecision[] = [];
  for (let i = 0; i < n; i++) {
    for (const id of mentions[i]!.identifiers) {
      const k = model.exclusive.indexOf(id.kind);
      if (k >= 0) uf.setExclusive(i, k, id.value);
    }
  }
  for (const [a, b] of input.cannotLinks ?? []) uf.addCannotLink(a, b);
  const key = (i: number) => mentions[i]!.key;
  const tryUnion = (a: number, b: number, d: PairDecision): boolean => {
    const ra = uf.find(a);
    const rb = uf.find(b);
    if (ra === rb) return false;
    const why = uf.conflict(ra, rb);
    if (why) {
      decisions.push({ ...d, decision: 'cannot_link', reason: d.reason ? `${d.reason}; ${why}` : why });
      return false;
    }
    uf.union(ra, rb);
    decisions.push(d);
    return true;
  };

  // 1. anchors: equal anchor identifiers
  const firstOf = new Map<string, number>();
  for (const kind of model.anchors) {
    firstOf.clear();
    for (let i = 0; i < n; i++) {
      for (const id of mentions[i]!.identifiers) {
        if (id.kind !== kind) continue;
        const f = firstOf.get(id.value);
        if (f === undefined) firstOf.set(id.value, i);
        else tryUnion(f, i, { a: key(f), b: key(i), decision: 'anchor', reason: kind });
      }
    }
  }
  for (const g of input.keyGroups ?? []) {
    for (let t = 1; t < g.members.length; t++) {
      tryUnion(g.members[0]!, g.members[t]!, { a: key(g.members[0]!), b: key(g.members[t]!), decision: 'key', reason: g.reason });
    }
  }
  // 2. analysts' must-links
  for (const [a, b] of input.mustLinks ?? []) tryUnion(a, b, { a: key(a), b: key(b), decision: 'must_link' });

  // 3. scored pairs, strongest first
  const possibleW = Math.log2(model.thresholds.possible / (1 - model.thresholds.possible));
  const matchW = Math.log2(model.thresholds.match / (1 - model.thresholds.match));
  const order: number[] = [];
  for (let p = 0; p < input.count; p++) if (input.weights[p]! >= possibleW) order.push(p);
  order.sort((x, y) => input.weights[y]! - input.weights[x]!);
  const possibles: number[] = [];
  for (const p of order) {
    const a = input.left[p]!;
    const b = input.right[p]!;
    const w = input.weights[p]!;
    if (w < matchW) {
      possibles.push(p);
      continue;
    }
    const ra = uf.find(a);
    const rb = uf.find(b);
    if (ra === rb) continue;
    const d: PairDecision = { a: key(a), b: key(b), decision: 'match', weight: w, probability: probability(w) };
    if ((uf.size[ra]! > 1 || uf.size[rb]! > 1) && model.cohesion > 0) {
      const c = clusterCohesion(uf, ra, rb, mentions, scorer);
      if (c < model.cohesion) {
        decisions.push({ ...d, decision: 'no_cohesion', reason: `mean probability ${c.toFixed(3)} < ${model.cohesion}` });
        continue;
      }
    }
    tryUnion(a, b, d);
  }
  for (const p of possibles) {
    const a = input.left[p]!;
    const b = input.right[p]!;
    if (uf.find(a) === uf.find(b)) continue;
    const w = input.weights[p]!;
    const d: PairDecision = { a: key(a), b: key(b), decision: 'possible_match', weight: w, probability: probability(w) };
    decisions.push(d);
    reviewQueue.push(d);
  }
  return { uf, decisions, reviewQueue };
}
