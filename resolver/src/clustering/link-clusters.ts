/**
 * Decide and cluster scored pairs: anchors first (equal anchor identifiers), then analysts'
 * must-links, then scored pairs from strongest to weakest. A pair at or above the match
 * threshold joins its two clusters unless a constraint forbids it (exclusive identifiers,
 * cannot-links) or the clusters do not agree as a whole (mean pairwise probability below
 * `cohesion`: one bad link does not chain two people together). Pairs between the
 * thresholds that end in different clusters go to the review queue.
 */
import type { PairDecision } from '../result-types.ts';
import type { BatchScorer } from '../scoring/batch-scorer.ts';
import type { Model } from '../scoring/model-settings.ts';
import { type PairScorer, probability } from '../scoring/pair-scorer.ts';
import type { Mention } from '../types.ts';
import { cohesionBetween, cohesionBetweenItems } from './cohesion.ts';
import { ConstrainedUnionFind } from './constrained-union-find.ts';

export interface LinkInput {
  mentions: Mention[];
  model: Model;
  scorer: PairScorer;
  /** the same scorer over the mentions' attributes as columns (`scorer.forItems`): cohesion reads it */
  batch?: BatchScorer;
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

/** Cohesion of two clusters of the union-find (see `cohesionBetween`). */
export function clusterCohesion(
  uf: ConstrainedUnionFind,
  ra: number,
  rb: number,
  mentions: Mention[],
  scorer: PairScorer,
  batch?: BatchScorer,
): number {
  if (batch) return cohesionBetweenItems(uf.membersArray(ra), uf.membersArray(rb), batch, scorer.model);
  const A = uf.membersArray(ra).map((i) => mentions[i]!);
  const B = uf.membersArray(rb).map((i) => mentions[i]!);
  return cohesionBetween(A, B, scorer);
}

export function linkClusters(input: LinkInput): LinkOutput {
  const { mentions, model, scorer } = input;
  const n = mentions.length;
  const exAttrs = model.exclusiveAttrs ?? [];
  // exclusive identifiers first, then exclusive attributes (slots after the identifiers')
  const uf = new ConstrainedUnionFind(n, model.exclusive.length + exAttrs.length);
  const decisions: PairDecision[] = [];
  const reviewQueue: PairDecision[] = [];
  for (let i = 0; i < n; i++) {
    for (const id of mentions[i]!.identifiers) {
      const k = model.exclusive.indexOf(id.kind);
      if (k >= 0) uf.setExclusive(i, k, id.value);
    }
    exAttrs.forEach((a, k) => {
      const v = mentions[i]!.attrs[a];
      if (v) uf.setExclusive(i, model.exclusive.length + k, v);
    });
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
      tryUnion(g.members[0]!, g.members[t]!, {
        a: key(g.members[0]!),
        b: key(g.members[t]!),
        decision: 'key',
        reason: g.reason,
      });
    }
  }
  // 2. analysts' must-links
  for (const [a, b] of input.mustLinks ?? []) tryUnion(a, b, { a: key(a), b: key(b), decision: 'must_link' });

  // 3. scored pairs, strongest first
  const possibleW = Math.log2(model.thresholds.possible / (1 - model.thresholds.possible));
  const matchW = Math.log2(model.thresholds.match / (1 - model.thresholds.match));
  const uniqueP = model.uniqueCandidate ?? 1;
  const uniqueW = uniqueP >= 1 ? Number.POSITIVE_INFINITY : Math.log2(uniqueP / (1 - uniqueP));
  const margin = model.ambiguityMargin ?? 0;
  // the pairs that can decide anything, strongest first (ties in pair order, as a stable sort
  // gives): one typed array of the exact size, no array growth
  const minW = Math.min(possibleW, uniqueW);
  let kept = 0;
  for (let p = 0; p < input.count; p++) if (input.weights[p]! >= minW) kept++;
  const order = new Int32Array(kept);
  kept = 0;
  for (let p = 0; p < input.count; p++) if (input.weights[p]! >= minW) order[kept++] = p;
  order.sort((x, y) => input.weights[y]! - input.weights[x]! || x - y);
  // candidate pairs per mention (for ambiguity and only-candidate checks), in `order`'s order:
  // mention x's pairs are adjPairs[adjStart[x] .. adjStart[x + 1]]
  const adjStart = new Int32Array(n + 1);
  for (const p of order) {
    adjStart[input.left[p]! + 1]!++;
    adjStart[input.right[p]! + 1]!++;
  }
  for (let i = 0; i < n; i++) adjStart[i + 1]! += adjStart[i]!;
  const adjPairs = new Int32Array(adjStart[n]!);
  const fill = adjStart.slice(0, n);
  for (const p of order) {
    adjPairs[fill[input.left[p]!]!++] = p;
    adjPairs[fill[input.right[p]!]!++] = p;
  }
  const adj = (x: number) => adjPairs.subarray(adjStart[x]!, adjStart[x + 1]!);
  const otherEnd = (p: number, x: number) => (input.left[p] === x ? input.right[p]! : input.left[p]!);
  /**
   * Another entity, that cannot be `rb`'s, scoring within `margin` bits of `w` with `x`; for a
   * match (`w` ≥ `matchW`), only a possible match is its rival: a pair kept for the only-candidate
   * step alone (below `possibleW`) is not, so where `uniqueCandidate` sits does not decide which
   * matches are ambiguous. An only-candidate join's rivals are every pair within the margin.
   */
  const ambiguous = (x: number, rb: number, w: number): boolean => {
    if (margin <= 0) return false;
    const rx = uf.find(x);
    if (uf.size[rx]! > 1) return false; // already part of an entity: judged as a cluster
    const floor = w >= matchW ? Math.max(w - margin, possibleW) : w - margin;
    for (const q of adj(x)) {
      const w2 = input.weights[q]!;
      if (w2 < floor) break; // adjacency is in descending weight order
      const rc = uf.find(otherEnd(q, x));
      if (rc !== rb && rc !== rx && uf.conflict(rc, rb)) return true;
    }
    return false;
  };
  const merge = (a: number, b: number, w: number, reason?: string): 'merged' | 'refused' | 'ambiguous' | 'same' => {
    const ra = uf.find(a);
    const rb = uf.find(b);
    if (ra === rb) return 'same';
    const d: PairDecision = { a: key(a), b: key(b), decision: 'match', weight: w, probability: probability(w) };
    if (reason) d.reason = reason;
    if (ambiguous(a, rb, w) || ambiguous(b, ra, w)) return 'ambiguous';
    if ((uf.size[ra]! > 1 || uf.size[rb]! > 1) && model.cohesion > 0) {
      const c = clusterCohesion(uf, ra, rb, mentions, scorer, input.batch);
      if (c < model.cohesion) {
        decisions.push({ ...d, decision: 'no_cohesion', reason: `cohesion ${c.toFixed(3)} < ${model.cohesion}` });
        return 'refused';
      }
    }
    return tryUnion(a, b, d) ? 'merged' : 'refused';
  };
  let pendingCount = 0;
  const pendingAll = new Int32Array(order.length);
  for (const p of order) {
    const w = input.weights[p]!;
    if (w < matchW || merge(input.left[p]!, input.right[p]!, w) === 'ambiguous') pendingAll[pendingCount++] = p;
  }
  const pending = pendingAll.subarray(0, pendingCount);
  const hasExclusive = (root: number) => {
    for (let k = 0; k < model.exclusive.length; k++) if (uf.exclusiveValue(root, k) !== undefined) return true;
    return false;
  };
  // 4. a mention whose only candidate entity is this one joins it
  for (const p of pending) {
    const w = input.weights[p]!;
    if (w < uniqueW) continue;
    const a = input.left[p]!;
    const b = input.right[p]!;
    for (const [x, y] of [
      [a, b],
      [b, a],
    ] as const) {
      const rx = uf.find(x);
      const ry = uf.find(y);
      if (rx === ry || uf.size[rx]! > 1) continue;
      const candidates = new Set<number>();
      for (const q of adj(x)) if (input.weights[q]! >= minW) candidates.add(uf.find(otherEnd(q, x)));
      candidates.delete(rx);
      // other records as poorly identified as this one do not compete with an identified entity
      const identified = [...candidates].filter((c) => hasExclusive(c));
      const only =
        identified.length > 0
          ? identified.length === 1
            ? identified[0]
            : undefined
          : candidates.size === 1
            ? ry
            : undefined;
      if (only === ry && merge(x, y, w, 'only candidate') === 'merged') break;
    }
  }
  for (const p of pending) {
    const a = input.left[p]!;
    const b = input.right[p]!;
    const w = input.weights[p]!;
    if (w < possibleW || uf.find(a) === uf.find(b)) continue;
    const d: PairDecision = {
      a: key(a),
      b: key(b),
      decision: 'possible_match',
      weight: w,
      probability: probability(w),
    };
    decisions.push(d);
    reviewQueue.push(d);
  }
  return { uf, decisions, reviewQueue };
}
