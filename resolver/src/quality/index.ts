/** Data quality: per-batch and graph rules, reports, correction tickets, the scheduled report job. */

export * from './authority-rule.ts';
export * from './batch-rules.ts';
export * from './graph-rules.ts';
export * from './report-job.ts';
export * from './report-view.ts';
export * from './reports-repository.ts';
export * from './rules-config.ts';
export * from './run-batch-quality.ts';
export * from './tickets-repository.ts';
export * from './types.ts';
