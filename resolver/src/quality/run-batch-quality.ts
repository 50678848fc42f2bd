/**
 * The pipeline's quality hook: after a batch is read and standardized, run the per-batch rules,
 * store one QualityReport for the batch, and check the batch's records against awaiting
 * correction tickets. Never throws: a fault in quality is logged and the batch goes on.
 */
import type { SourceCatalogEntry } from '@onemap/graph-schema';
import type { Graph } from '@onemap/graph-schema/server';
import { readRecordHashes } from '../graph/quality-reads.ts';
import type { ReadBatchResult } from '../intake/read-batch.ts';
import type { StagedBatch } from '../intake/staged-batch.ts';
import { runBatchRules } from './batch-rules.ts';
import { sourceOwnerUnit, writeQualityReport } from './reports.ts';
import { openTicket, verifyTicketsForBatch } from './tickets.ts';
import type { QualityFinding } from './types.ts';

/** Batch rules whose findings name a delivered value the source should correct (a ticket each). */
export const TICKETED_BATCH_RULES: readonly string[] = [
  'id_check_digit',
  'vin_check_digit',
  'date_validity',
  'phone_format',
  'coordinates_in_province',
  'id_consistency',
  'time_order',
];
/** Rule-opened tickets per batch: the batch report keeps the long tail, the owner's inbox the first ones. */
export const BATCH_TICKETS_PER_BATCH = 20;

/** The findings of a batch that open tickets: ticketed rules, on records that will be written, with a field. */
export function ticketableFindings(findings: readonly QualityFinding[], acceptedRids: ReadonlySet<string>): QualityFinding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const key = `${f.rid}|${f.field}`;
    if (!TICKETED_BATCH_RULES.includes(f.rule) || f.severity === 'info' || !f.field || !acceptedRids.has(f.rid) || seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export interface BatchQualityOutcome {
  reportId: string;
  overall: number;
  findings: number;
  verified: number;
  unchanged: number;
  /** correction tickets this batch's findings opened (an awaiting ticket for the same value is not opened twice) */
  ticketsOpened: number;
}

export async function runBatchQuality(
  graph: Graph,
  batch: StagedBatch,
  entry: SourceCatalogEntry,
  read: ReadBatchResult,
  log: (msg: string, err?: unknown) => void = (msg, err) => console.warn(msg, err ?? ''),
): Promise<BatchQualityOutcome | null> {
  try {
    const rids = read.records.map((r) => r.rid);
    const result = runBatchRules({
      source: entry.id,
      entry,
      records: read.records,
      rejects: read.rejects,
      flagged: read.flagged,
      arrivedAt: batch.receivedAt,
      // hashes already stored for the batch's rids (a record delivered again unchanged is a duplicate)
      priorHashes: await readRecordHashes(graph, rids),
    });
    const ownerUnit = await sourceOwnerUnit(graph, entry);
    const reportId = await writeQualityReport(graph, {
      kind: 'batch',
      source: entry.id,
      ownerUnit,
      batchId: batch.batchId,
      at: new Date().toISOString(),
      overall: result.overall,
      scores: result.scores,
      examples: result.findings,
    });
    // Verify awaiting tickets first, so a ticket opened below is not checked against the batch that found it.
    const v = await verifyTicketsForBatch(graph, entry.id, batch.batchId, read.records);
    let ticketsOpened = 0;
    const byRid = new Map(read.records.map((r) => [r.rid, r]));
    for (const f of ticketableFindings(result.findings, new Set(rids)).slice(0, BATCH_TICKETS_PER_BATCH)) {
      // The ticket carries the column's value as delivered: the next delivery is verified by comparing
      // that same column with it (a finding's own `value` may combine columns, e.g. "lon,lat").
      const raw = byRid.get(f.rid)?.raw;
      const delivered = raw && f.field in raw ? raw[f.field] : undefined;
      const { created } = await openTicket(graph, {
        source: entry.id,
        ownerUnit,
        rid: f.rid,
        field: f.field,
        attribute: f.attribute ?? null,
        reportedValue: delivered === undefined || delivered === null ? (f.value ?? '') : String(delivered),
        reason: f.detail,
        openedBy: `rule:${f.rule}`,
        openedUnit: ownerUnit,
        rule: f.rule,
      });
      if (created) ticketsOpened++;
    }
    return { reportId, overall: result.overall, findings: result.findings.length, ...v, ticketsOpened };
  } catch (err) {
    log(`quality checks of batch ${batch.batchId} failed; the batch goes on`, err);
    return null;
  }
}
