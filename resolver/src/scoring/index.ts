/** Scoring: comparisons (settings as data), the Fellegi–Sunter pair scorer, EM training and the scoring model (versioned JSON). */

export { alignNames } from './align-names.ts';
export { BatchScorer, type Column, ItemColumns, PackedColumns, type ScoringColumns } from './batch-scorer.ts';
export {
  type ComparisonSettings,
  contradicting,
  dateComparison,
  divisionComparison,
  exactMatch,
  identifierComparison,
  type LevelSettings,
  type LevelTest,
  nameComparison,
  textComparison,
} from './comparison-settings.ts';
export { DataStats } from './data-stats.ts';
export { defaultSettings } from './default-kind-settings.ts';
export { DEFAULT_ORGANIZATION_MODEL_PATH, defaultOrganizationModel } from './default-organization-model.ts';
export {
  defaultOrganizationSettings,
  regionComparison,
  tradeNameComparison,
} from './default-organization-settings.ts';
export { DEFAULT_PERSON_MODEL_PATH, defaultPersonModel } from './default-person-model.ts';
export { defaultPersonSettings } from './default-person-settings.ts';
export { loadModel, saveModel, validateModel } from './model-io.ts';
export { type GenericSettings, MODEL_VERSION, type Model, type Thresholds } from './model-settings.ts';
export { type ComparisonTerm, PairScorer, probability, weightOf } from './pair-scorer.ts';
export { damerauLevenshtein, jaroWinkler } from './string-distance.ts';
export { type TrainOptions, trainModel } from './train-model.ts';
