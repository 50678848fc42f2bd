/** Data quality: per-batch and graph rules, reports, correction tickets, the scheduled report job. */
export * from './types.ts';
export * from './rules-config.ts';
export * from './batch-rules.ts';
export * from './authority-rule.ts';
export * from './graph-rules.ts';
export * from './reports-repository.ts';
export * from './report-view.ts';
export * from './tickets-repository.ts';
export * from './run-batch-quality.ts';
export * from './report-job.ts';
