/**
 * The scheduled quality report: a BullMQ repeatable job (default every 24 h) that runs the graph
 * rules per source and writes one `period` QualityReport per source, carrying the per-rule scores of
 * the batches received since the previous period as well. Rule findings that name a value to
 * correct (authority conflicts) open correction tickets to the source's owner unit, capped per run.
 */
import type { SourceCatalogEntry } from '@onemap/graph-schema';
import type { Graph } from '@onemap/graph-schema/server';
import { type ConnectionOptions, Queue, Worker } from 'bullmq';
import { graphAuthorityConflicts, graphDeliveryTimeliness, graphOwnerExists, graphStaleAuthority } from './graph-rules.ts';
import { aggregateScores, listQualityReports, sourceOwnerUnit, writeQualityReport } from './reports.ts';
import { openTicket } from './tickets.ts';
import type { QualityFinding, RuleOutput, RuleScore } from './types.ts';

export const QUALITY_QUEUE = 'onemap-quality';
/** Rule-opened tickets per source per run: a report is the place for the long tail, not the inbox. */
export const RULE_TICKETS_PER_RUN = 20;

export interface PeriodReportOptions {
  now?: Date;
  /** period length for the batch scores folded in (ms); default 24 h */
  periodMs?: number;
  openTickets?: boolean;
}

/** Runs the graph rules for every source and writes one period report each; returns the report ids. */
export async function producePeriodReports(
  graph: Graph,
  catalog: SourceCatalogEntry[],
  opts: PeriodReportOptions = {},
): Promise<string[]> {
  const now = opts.now ?? new Date();
  const periodMs = opts.periodMs ?? 86_400_000;
  const ids: string[] = [];
  for (const entry of catalog) {
    const ownerUnit = await sourceOwnerUnit(graph, entry);
    const outs: RuleOutput[] = [
      await graphAuthorityConflicts(graph, entry),
      await graphDeliveryTimeliness(graph, entry, now),
      await graphStaleAuthority(graph, entry),
    ];
    const owner = await graphOwnerExists(graph, entry);
    if (owner) outs.push(owner);
    // the batch reports of the period: their per-rule scores summed, their examples kept
    const batches = (
      await listQualityReports(graph, {
        sources: [entry.id],
        from: new Date(now.getTime() - periodMs).toISOString(),
        to: now.toISOString(),
        limit: 10_000,
      })
    ).filter((b) => b.kind === 'batch');
    const dimension = new Map(batches.flatMap((b) => b.scores).map((s) => [s.rule, s.dimension]));
    const scores: RuleScore[] = [
      ...aggregateScores(batches).map((s) => ({ ...s, dimension: dimension.get(s.rule) ?? ('validity' as const) })),
      ...outs.map((o) => o.score),
    ];
    const findings: QualityFinding[] = [...batches.flatMap((b) => b.examples), ...outs.flatMap((o) => o.findings)];
    const checked = scores.reduce((a, s) => a + s.checked, 0);
    const overall = checked
      ? Math.round((scores.reduce((a, s) => a + s.score * s.checked, 0) / checked) * 10_000) / 10_000
      : 1;
    ids.push(
      await writeQualityReport(graph, {
        kind: 'period',
        source: entry.id,
        ownerUnit,
        batchId: null,
        at: now.toISOString(),
        overall,
        scores,
        examples: findings,
      }),
    );
    if (opts.openTickets !== false) {
      for (const f of outs
        .flatMap((o) => o.findings)
        .filter((x) => x.rule === 'authority_conflict')
        .slice(0, RULE_TICKETS_PER_RUN)) {
        await openTicket(graph, {
          source: entry.id,
          ownerUnit,
          rid: f.rid,
          field: f.field,
          attribute: f.attribute ?? null,
          reportedValue: f.value ?? '',
          reason: f.detail,
          openedBy: 'rule:authority_conflict',
          openedUnit: ownerUnit,
          rule: f.rule,
        });
      }
    }
  }
  return ids;
}

/** Registers the repeatable job (idempotent: one scheduler id). */
export async function scheduleQualityReports(connection: ConnectionOptions, everyMs = 86_400_000): Promise<Queue> {
  const queue = new Queue(QUALITY_QUEUE, { connection });
  await queue.upsertJobScheduler('quality-period-report', { every: everyMs }, { name: 'period-report', data: {} });
  return queue;
}

/** The worker that produces the period reports when the scheduler fires. */
export function startQualityWorker(connection: ConnectionOptions, graph: Graph, catalog: SourceCatalogEntry[]): Worker {
  return new Worker(QUALITY_QUEUE, async () => ({ reports: (await producePeriodReports(graph, catalog)).length }), {
    connection,
    concurrency: 1,
  });
}
