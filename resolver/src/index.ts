/**
 * @onemap/resolver core API: standardize -> block -> score -> cluster -> explain, in batch
 * (`resolveBatch`) and in real time (`ResolutionIndex`), with the same models and constraints.
 * See docs/resolution.md.
 */

export { type BlockingResult, type BlockingRuleStats, blockPairs } from './blocking/block-pairs.ts';
// blocking
export { type BlockingRule, blockOn } from './blocking/blocking-rule.ts';
// clustering
export { ConstrainedUnionFind } from './clustering/constrained-union-find.ts';
export { linkClusters } from './clustering/link-clusters.ts';
export { entityIdFor } from './core/entity-id.ts';
export { type Evaluation, evaluate } from './core/evaluate.ts';
// files and evaluation
export { type LoadedSource, type LoadOptions, loadSource } from './core/load-source.ts';
export { parseCsv } from './core/parse-csv.ts';
export { decodeText, readSourceFile } from './core/read-source.ts';
export { type RealtimeResult, ResolutionIndex } from './core/resolution-index.ts';
// batch and real time
export { type ResolveBatchOptions, resolveBatch } from './core/resolve-batch.ts';
export type { BatchResult, EntityCluster, KindTimings, PairDecision, PairDecisionKind } from './core/result-types.ts';
// errors
export { ERRORS, type ErrorCode, type ErrorLocation, formatMessage, ResolverError } from './errors.ts';
export { type ClusterExplanation, explainCluster } from './explain/explain-cluster.ts';
// explain
export { explainPair, formatPairExplanation, type PairExplanation } from './explain/explain-pair.ts';
export { defaultSettings } from './model/default-kind-settings.ts';
export { defaultPersonModel } from './model/default-person-model.ts';
export { defaultPersonSettings } from './model/default-person-settings.ts';
export { loadModel, saveModel, validateModel } from './model/model-io.ts';
export { type GenericSettings, MODEL_VERSION, type Model, type Thresholds } from './model/model-settings.ts';
// types
export type {
  Attrs,
  Decision,
  FieldProblem,
  Identifier,
  Mention,
  RejectedRecord,
  StandardizedRecord,
  StandardizeResult,
} from './model/types.ts';
// scoring and models
export * from './scoring/comparison-settings.ts';
export { DataStats } from './scoring/data-stats.ts';
export { type ComparisonTerm, PairScorer, probability, weightOf } from './scoring/pair-scorer.ts';
export { damerauLevenshtein, jaroWinkler } from './scoring/string-distance.ts';
export { type TrainOptions, trainModel } from './scoring/train-model.ts';
export {
  type DivisionEntry,
  setDivisionGazetteer,
  standardizeAddress,
  standardizeDivisionCode,
} from './standardize/address.ts';
// standardize
export { type CompiledMapping, compileMapping, validateMapping } from './standardize/compile-mapping.ts';
export { standardizeCreditCode } from './standardize/credit-code.ts';
export { standardizeBirthDate, standardizeDate } from './standardize/date.ts';
export { standardizeEntityAttrs } from './standardize/entity-attrs.ts';
export {
  standardizeEmail,
  standardizeNationalId,
  standardizeNationality,
  standardizePassport,
  standardizePostcode,
  standardizeSex,
} from './standardize/identifiers.ts';
export { standardizeOrgName, standardizePlaceName } from './standardize/org-name.ts';
export { type PersonName, standardizeNameParts, standardizePersonName } from './standardize/person-name.ts';
export { standardizePhone } from './standardize/phone.ts';
export { standardizePlate, standardizeVin } from './standardize/plate.ts';
export { standardizeResidentId } from './standardize/resident-id.ts';
export { type RecordContext, standardizeRecord } from './standardize/standardize-record.ts';
