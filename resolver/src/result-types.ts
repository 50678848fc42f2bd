/** Result types of batch resolution. */
import type { EntityKind } from '@onemap/graph-schema';
import type { BlockingRuleStats } from './blocking/block-pairs.ts';
import type { Model } from './scoring/model-settings.ts';

export type PairDecisionKind =
  | 'anchor' // same anchor identifier
  | 'must_link' // analyst decision
  | 'match' // probability >= match threshold, merged
  | 'possible_match' // between the thresholds, to the review queue
  | 'cannot_link' // would have merged, refused by a constraint
  | 'no_cohesion' // would have merged, refused: the two clusters do not agree as a whole
  | 'key'; // deterministic kinds: same fallback key

export interface PairDecision {
  a: string;
  b: string;
  decision: PairDecisionKind;
  /** match weight (log2 Bayes factor); absent for anchors and keys */
  weight?: number;
  probability?: number;
  /** identifier or key that decided, or why a merge was refused */
  reason?: string;
}

export interface EntityCluster {
  entityId: string;
  kind: EntityKind;
  mentionKeys: string[];
}

export interface KindTimings {
  mentions: number;
  /** milliseconds per stage */
  stats: number;
  training: number;
  blocking: number;
  /** the candidate pairs' comparison vectors, computed once for training and scoring */
  comparing: number;
  scoring: number;
  clustering: number;
  candidatePairs: number;
  /** process CPU milliseconds per stage (every thread's: the workers' share included) */
  cpu: Record<KindStage, number>;
}

/** The stages of one kind's batch resolution, in the order they run (training after comparing). */
export type KindStage = 'stats' | 'blocking' | 'comparing' | 'training' | 'scoring' | 'clustering';

export interface BatchResult {
  clusters: EntityCluster[];
  /** mention key -> entity id */
  entityOf: Map<string, string>;
  /** every union that built a cluster, and every refused or possible match */
  decisions: PairDecision[];
  /** possible matches whose mentions ended in different clusters */
  reviewQueue: PairDecision[];
  blockingStats: Partial<Record<EntityKind, BlockingRuleStats[]>>;
  timings: Partial<Record<EntityKind, KindTimings>>;
  /** models used (trained on this batch when `train` was set) */
  models: Partial<Record<EntityKind, Model>>;
  /** values found generic (shared by many different people) per kind and attribute */
  generic: Partial<Record<EntityKind, Record<string, string[]>>>;
}
