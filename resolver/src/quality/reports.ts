/**
 * QualityReport nodes: one per batch (`kind: 'batch'`) and one per source per scheduled run
 * (`kind: 'period'`, the graph rules). Scores and capped example findings are JSON strings.
 */
import { randomUUID } from 'node:crypto';
import type { SourceCatalogEntry } from '@onemap/graph-schema';
import type { Graph } from '@onemap/graph-schema/server';
import {
  mergeQualityReports,
  type QualityReportRow,
  readQualityReports,
  readSourceOwnerUnit,
} from '../graph/quality-reports.ts';
import type { QualityFinding, RuleScore } from './types.ts';

/** Examples kept per rule in a report: the worst records, not every finding. */
export const EXAMPLES_PER_RULE = 5;

export interface QualityReport {
  id: string;
  kind: 'batch' | 'period';
  source: string;
  ownerUnit: string;
  batchId: string | null;
  at: string;
  overall: number;
  scores: RuleScore[];
  examples: QualityFinding[];
}

/** Keeps the first few findings per rule, errors first. */
export function capExamples(findings: QualityFinding[], perRule = EXAMPLES_PER_RULE): QualityFinding[] {
  const rank = { error: 0, warning: 1, info: 2 } as const;
  const byRule = new Map<string, QualityFinding[]>();
  for (const f of [...findings].sort((a, b) => rank[a.severity] - rank[b.severity])) {
    const l = byRule.get(f.rule) ?? [];
    if (l.length < perRule) l.push(f);
    byRule.set(f.rule, l);
  }
  return [...byRule.values()].flat();
}

/**
 * Writes one report; returns its id. A batch has one report: a batch processed again (a retry after
 * a fault) replaces it rather than counting twice.
 */
export async function writeQualityReport(graph: Graph, r: Omit<QualityReport, 'id'>): Promise<string> {
  return (await writeQualityReports(graph, [r]))[0]!;
}

/** Writes reports in one transaction (a group of pushed batches: one write for the group); returns their ids in order. */
export async function writeQualityReports(graph: Graph, reports: Omit<QualityReport, 'id'>[]): Promise<string[]> {
  const rows = qualityReportRows(reports);
  await mergeQualityReports(graph, rows);
  return rows.map((r) => r.id);
}

/** Reports as stored (`mergeQualityReports`, `mergeQualityReportsTx`): a batch's report has the batch's id, so a retry replaces it. */
export function qualityReportRows(reports: Omit<QualityReport, 'id'>[]): QualityReportRow[] {
  return reports.map((r) => ({
    id: r.kind === 'batch' && r.batchId ? `QR-B-${r.batchId}` : `QR-${randomUUID()}`,
    kind: r.kind,
    source: r.source,
    ownerUnit: r.ownerUnit,
    batchId: r.batchId,
    at: r.at,
    overall: r.overall,
    scoresJson: JSON.stringify(r.scores),
    examplesJson: JSON.stringify(capExamples(r.examples)),
  }));
}

function toReport(row: Record<string, unknown>): QualityReport {
  return {
    id: String(row.id),
    kind: row.kind === 'period' ? 'period' : 'batch',
    source: String(row.source),
    ownerUnit: String(row.ownerUnit),
    batchId: (row.batchId as string | null) ?? null,
    at: String(row.at),
    overall: Number(row.overall ?? 1),
    scores: JSON.parse(String(row.scoresJson ?? '[]')) as RuleScore[],
    examples: JSON.parse(String(row.examplesJson ?? '[]')) as QualityFinding[],
  };
}

/** Reports for the given sources (and optionally one owner unit), newest first. */
export async function listQualityReports(
  graph: Graph,
  q: { sources: string[]; ownerUnit?: string | null; from?: string | null; to?: string | null; limit: number },
): Promise<QualityReport[]> {
  return (await readQualityReports(graph, q)).map(toReport);
}

/** Per-rule score of one period: failed / checked summed over the reports in it. */
export interface RulePeriodScore {
  rule: string;
  checked: number;
  failed: number;
  score: number;
}

/** Sums reports into one score per rule (reports of one source and period). */
export function aggregateScores(reports: QualityReport[]): RulePeriodScore[] {
  const m = new Map<string, { checked: number; failed: number }>();
  for (const r of reports) {
    for (const s of r.scores) {
      const a = m.get(s.rule) ?? { checked: 0, failed: 0 };
      a.checked += s.checked;
      a.failed += s.failed;
      m.set(s.rule, a);
    }
  }
  return [...m].map(([rule, a]) => ({
    rule,
    ...a,
    score: a.checked ? Math.round((1 - a.failed / a.checked) * 10_000) / 10_000 : 1,
  }));
}

/** The owner unit as governance records it (a `Source` node may reassign the catalog's owner). */
export async function sourceOwnerUnit(graph: Graph, entry: SourceCatalogEntry): Promise<string> {
  return (await readSourceOwnerUnit(graph, entry.id)) ?? entry.ownerUnit;
}
