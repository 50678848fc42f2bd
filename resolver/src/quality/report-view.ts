import { csvCell } from '@onemap/graph-schema';
/**
 * Report views: per source or per owner unit over periods, with the trend against the previous
 * period, and CSV export. Pure functions over stored reports. Import-safe.
 */
import type { QualityReport, RulePeriodScore } from './reports.ts';
import { aggregateScores } from './reports.ts';

export interface RuleTrend extends RulePeriodScore {
  /** score of the previous period, null if it had none */
  previous: number | null;
  /** score − previous (positive = better) */
  delta: number | null;
}

export interface SourceQualitySummary {
  source: string;
  ownerUnit: string;
  reports: number;
  rules: RuleTrend[];
}

/** Per source: per-rule scores of `current` reports against those of `previous` reports (batch reports only). */
export function summarize(current: QualityReport[], previous: QualityReport[]): SourceQualitySummary[] {
  const sources = [...new Set(current.map((r) => r.source))].sort();
  return sources.map((source) => {
    const cur = current.filter((r) => r.source === source && r.kind === 'batch');
    const prev = new Map(
      aggregateScores(previous.filter((r) => r.source === source && r.kind === 'batch')).map((s) => [s.rule, s.score]),
    );
    const rules = aggregateScores(cur).map((s) => {
      const p = prev.get(s.rule) ?? null;
      return { ...s, previous: p, delta: p === null ? null : Math.round((s.score - p) * 10_000) / 10_000 };
    });
    return { source, ownerUnit: current.find((r) => r.source === source)?.ownerUnit ?? '', reports: cur.length, rules };
  });
}


/** One CSV row per source and rule. */
export function summaryCsv(summary: SourceQualitySummary[]): string {
  const lines = ['source,owner_unit,rule,checked,failed,score,previous_score,delta'];
  for (const s of summary)
    for (const r of s.rules)
      lines.push(
        [s.source, s.ownerUnit, r.rule, r.checked, r.failed, r.score, r.previous, r.delta].map((v) => csvCell(v)).join(','),
      );
  return `${lines.join('\n')}\n`;
}
