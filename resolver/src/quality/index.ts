/** Data quality: per-batch and graph rules, reports, correction tickets, the scheduled report job. */
export {
  type AuthorityLookup,
  type AuthorityValue,
  authorityConflictRule,
  COMPARED,
  staleAuthorityFinding,
} from './authority-rule.ts';
export {
  BATCH_RULES,
  columnOf,
  coordinatesRule,
  dateValidityRule,
  duplicatesRule,
  idCheckDigitRule,
  idConsistencyRule,
  keyFieldsRule,
  phoneFormatRule,
  recordAgeRule,
  runBatchRules,
  timeOrderRule,
  vinCheckDigitRule,
} from './batch-rules.ts';
export { type DeliveredAt, readDeliveredValues } from './delivered-values.ts';
export {
  durationMs,
  GRAPH_RULE_LIMIT,
  graphAuthorityConflicts,
  graphDeliveryTimeliness,
  graphOwnerExists,
  graphStaleAuthority,
} from './graph-rules.ts';
export { RULE_TARGETS } from './noise-targets.ts';
export {
  type PeriodReportOptions,
  producePeriodReports,
  QUALITY_QUEUE,
  RULE_TICKETS_PER_RUN,
  scheduleQualityReports,
  startQualityWorker,
} from './report-job.ts';
export { type RuleTrend, type SourceQualitySummary, summarize, summaryCsv } from './report-view.ts';
export {
  aggregateScores,
  capExamples,
  EXAMPLES_PER_RULE,
  listQualityReports,
  type QualityReport,
  type RulePeriodScore,
  sourceOwnerUnit,
  writeQualityReport,
} from './reports.ts';
export { DEFAULT_QUALITY, GANSU_BBOX, type QualitySettings, qualitySettings } from './rules-config.ts';
export {
  BATCH_TICKETS_PER_BATCH,
  type BatchQualityOutcome,
  type QualityBatch,
  runBatchQuality,
  runGroupQuality,
  TICKETED_BATCH_RULES,
  ticketableFindings,
} from './run-batch-quality.ts';
export {
  AWAITING,
  listTickets,
  type NewTicket,
  openTicket,
  type QualityTicket,
  readTicket,
  type TicketEvent,
  type TicketStatus,
  transitionTicket,
  verifyTicketsForBatch,
} from './tickets.ts';
export {
  type BatchQualityInput,
  type BatchQualityResult,
  type QualityFinding,
  type RuleDimension,
  type RuleOutput,
  type RuleScore,
  type Severity,
  scoreOf,
} from './types.ts';
