/**
 * A resolution model: comparisons with learned m/u, blocking rules, thresholds and the
 * constraints of one entity kind. Serialisable as JSON with a `version`.
 */
import type { EntityKind, IdentifierKind } from '@onemap/graph-schema';
import type { BlockingRule } from '../blocking/blocking-rule.ts';
import type { ComparisonSettings } from './comparison-settings.ts';
import type { RenameGuardSettings } from './rename-guard.ts';

export const MODEL_VERSION = 1;

export interface Thresholds {
  /** Match probability at or above which two mentions are merged. */
  match: number;
  /** At or above this (and below `match`): possible match, to the review queue. */
  possible: number;
}

export interface GenericSettings {
  /** Attributes whose shared values are checked (e.g. `phone`, `addressKey`). */
  attrs: string[];
  /** A value carried by mentions with at least this many different names is generic. */
  minDistinctNames: number;
}

export interface Model {
  version: number;
  kind: EntityKind;
  /** Prior probability that two random mentions of this kind are the same entity. */
  lambda: number;
  comparisons: ComparisonSettings[];
  blockingRules: BlockingRule[];
  thresholds: Thresholds;
  /** Identifiers whose equality makes two mentions one entity without scoring. */
  anchors: IdentifierKind[];
  /** Identifiers of which one entity holds at most one (different valid values = cannot-link). */
  exclusive: IdentifierKind[];
  /**
   * Attributes of which one entity holds one value, like `exclusive` identifiers: two mentions
   * with different values are never merged (a branch and its head office: `orgBranch`).
   */
  exclusiveAttrs?: string[];
  generic: GenericSettings;
  /** Align family/given parts before comparing (swapped order, differently split names). */
  alignNames: boolean;
  /** Two clusters joined by a link must have this mean pairwise match probability (no chaining). */
  cohesion: number;
  /** Blocking rules whose pairs EM learns m from, one session each (default: `blockingRules`). */
  trainingRules?: BlockingRule[];
  /**
   * Deterministic kinds: mentions with equal keys under one of these rules are one entity
   * (after anchors, under the same constraints), e.g. a place's name + division code.
   */
  keyRules?: BlockingRule[];
  /**
   * A mention whose only candidate entity scores at least this probability joins it (a rare
   * name with nothing else to go on); below `match` it would otherwise wait for review.
   * 1 disables the rule.
   */
  uniqueCandidate?: number;
  /**
   * A match is ambiguous, and goes to review, when the same mention also scores within this
   * many bits of another entity that cannot be the same (two people with the same rare name).
   */
  ambiguityMargin?: number;
  /**
   * Plainly different given names and no identifier agreeing: the weight is capped (`RenameGuard`:
   * a household's shared phone and address are no evidence of one person).
   */
  renameGuard?: RenameGuardSettings;
  /** Blocks larger than this are skipped and reported (never all-pairs). */
  maxBlockSize: number;
  training?: {
    at: string;
    mentions: number;
    candidatePairs: number;
    randomPairs: number;
    iterations: number;
    lambdaCandidates: number;
  };
}
