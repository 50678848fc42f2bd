/**
 * How an entity was built: its mentions and the decisions (anchors, matches, keys,
 * must-links) that joined them, plus the refused and possible links that touch it.
 */
import type { BatchResult, PairDecision } from '../result-types.ts';
import type { Mention } from '../types.ts';

export interface ClusterExplanation {
  entityId: string;
  mentions: Mention[];
  /** unions that built the cluster, in the order they were made */
  built: PairDecision[];
  /** refused merges and possible matches with mentions outside the cluster */
  refused: PairDecision[];
  possible: PairDecision[];
}

/**
 * @param mentionsByKey all mentions of the batch by key
 */
export function explainCluster(
  entityId: string,
  result: BatchResult,
  mentionsByKey: Map<string, Mention>,
): ClusterExplanation {
  const cluster = result.clusters.find((c) => c.entityId === entityId);
  const keys = new Set(cluster?.mentionKeys ?? []);
  const built: PairDecision[] = [];
  const refused: PairDecision[] = [];
  const possible: PairDecision[] = [];
  for (const d of result.decisions) {
    const inA = keys.has(d.a);
    const inB = keys.has(d.b);
    if (!inA && !inB) continue;
    if (d.decision === 'cannot_link' || d.decision === 'no_cohesion') refused.push(d);
    else if (d.decision === 'possible_match') possible.push(d);
    else if (inA && inB) built.push(d);
  }
  return {
    entityId,
    mentions: [...keys].map((k) => mentionsByKey.get(k)).filter((m): m is Mention => m !== undefined),
    built,
    refused,
    possible,
  };
}
