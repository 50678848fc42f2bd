/**
 * @onemap/resolver: resolution in memory, in batch (`resolveBatch`) and in real time
 * (`ResolutionIndex`), with the same models and constraints; the vocabulary every stage shares
 * (`types.ts`, `result-types.ts`) and the resolver's error registry. The other stages have their
 * own entry points: `@onemap/resolver/{intake,standardize,scoring,pipeline,jobs,queue,quality,derive,graph}`.
 * See docs/resolution.md.
 */

export {
  analyseBlocking,
  type BlockingAnalysis,
  type CapPoint,
  capSweep,
  formatBlockingAnalysis,
  type RuleRecall,
} from './blocking/blocking-analysis.ts';
export { ERRORS, type ErrorCode, type ErrorLocation, formatLocation, formatMessage, ResolverError } from './errors.ts';
export { explainPair, type PairExplanation } from './explain/explain-pair.ts';
export { entityIdFor } from './resolve/entity-id.ts';
export { type Evaluation, evaluate, formatScores, type Scores } from './resolve/evaluate.ts';
export { type RealtimeResult, ResolutionIndex } from './resolve/resolution-index.ts';
export {
  PARALLEL_MIN_MENTIONS,
  type ResolveBatchOptions,
  resolveBatch,
  resolveBatchParallel,
} from './resolve/resolve-batch.ts';
export { ResolveWorkers } from './resolve/resolve-workers.ts';
export type {
  BatchResult,
  EntityCluster,
  KindStage,
  KindTimings,
  PairDecision,
  PairDecisionKind,
} from './result-types.ts';
export type {
  Attrs,
  Decision,
  FieldProblem,
  Identifier,
  Mention,
  RejectedRecord,
  StandardizedRecord,
  StandardizeResult,
} from './types.ts';
