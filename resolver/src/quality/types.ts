/** Data-quality types shared by the per-batch rules, the graph rules, the reports and the server. Import-safe. */
import type { SourceCatalogEntry } from '@onemap/graph-schema';
import type { BatchRecord } from '../intake/read-batch.ts';
import type { FieldProblem } from '../types.ts';

export type Severity = 'error' | 'warning' | 'info';

/** The dimension a rule measures (R5: missing, false, late, contradicting, duplicated). */
export type RuleDimension = 'completeness' | 'validity' | 'consistency' | 'timeliness' | 'uniqueness' | 'authority';

/** One value (or record) a rule found wrong. `field` is the source column when one applies. */
export interface QualityFinding {
  rule: string;
  source: string;
  /** `<source>:<recordId>` */
  rid: string;
  field: string;
  severity: Severity;
  detail: string;
  /** The value as delivered (plain; masked only when shown to a viewer). */
  value?: string;
  /** The attribute the value is, e.g. `residentId`, so masking knows how to mask it. */
  attribute?: string;
}

/** How a rule did on one batch (or one graph pass): records checked, records failed. */
export interface RuleScore {
  rule: string;
  dimension: RuleDimension;
  checked: number;
  failed: number;
  /** 1 − failed / checked (1 when nothing was checked) */
  score: number;
}

/** What the per-batch rules look at: the standardized batch as `readBatch` returns it. */
export interface BatchQualityInput {
  source: string;
  entry: SourceCatalogEntry;
  records: BatchRecord[];
  rejects: FieldProblem[];
  flagged: FieldProblem[];
  /** When the batch arrived (ISO). */
  arrivedAt: string;
  /** Hashes of records already delivered earlier, by rid (for duplicate deliveries); optional. */
  priorHashes?: ReadonlyMap<string, string>;
}

export interface RuleOutput {
  score: RuleScore;
  findings: QualityFinding[];
}

export interface BatchQualityResult {
  source: string;
  scores: RuleScore[];
  findings: QualityFinding[];
  /** Overall: mean of rule scores weighted by checked records. */
  overall: number;
}

export function scoreOf(rule: string, dimension: RuleDimension, checked: number, failed: number): RuleScore {
  return {
    rule,
    dimension,
    checked,
    failed,
    score: checked ? Math.round((1 - failed / checked) * 10_000) / 10_000 : 1,
  };
}
