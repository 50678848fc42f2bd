/**
 * The pipeline's quality hook: after a batch is read and standardized, run the per-batch rules,
 * store one QualityReport for the batch, and check the batch's records against awaiting
 * correction tickets. Never throws: a fault in quality is logged and the batch goes on.
 */
import type { SourceCatalogEntry } from '@onemap/graph-schema';
import type { Graph } from '@onemap/graph-schema/server';
import { markBatchesChecked } from '../graph/batches.ts';
import { readRecordHashes } from '../graph/quality-reads.ts';
import { writeGroupQuality } from '../graph/quality-reports.ts';
import type { ReadBatchResult } from '../intake/read-batch.ts';
import type { StagedBatch } from '../intake/staged-batch.ts';
import { runBatchRules } from './batch-rules.ts';
import { qualityReportRows } from './reports.ts';
import { AWAITING, openTicket, verifyTicketsForBatch } from './tickets.ts';
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
export function ticketableFindings(
  findings: readonly QualityFinding[],
  acceptedRids: ReadonlySet<string>,
): QualityFinding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const key = `${f.rid}|${f.field}`;
    if (
      !TICKETED_BATCH_RULES.includes(f.rule) ||
      f.severity === 'info' ||
      !f.field ||
      !acceptedRids.has(f.rid) ||
      seen.has(key)
    )
      return false;
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

/** One batch of a group given to `runGroupQuality`. */
export interface QualityBatch {
  batch: StagedBatch;
  entry: SourceCatalogEntry;
  read: ReadBatchResult;
  /** the hashes the batch's records had before it was written (read from the graph when not given) */
  priorHashes?: Map<string, string>;
}

export async function runBatchQuality(
  graph: Graph,
  batch: StagedBatch,
  entry: SourceCatalogEntry,
  read: ReadBatchResult,
  log: (msg: string, err?: unknown) => void = (msg, err) => console.warn(msg, err ?? ''),
  /** the hashes the batch's records had before it was written (read from the graph when not given) */
  priorHashes?: Map<string, string>,
): Promise<BatchQualityOutcome | null> {
  return (await runGroupQuality(graph, [{ batch, entry, read, ...(priorHashes ? { priorHashes } : {}) }], log))[0]!;
}

/** How long the group's quality rules run before they let the event loop turn (ms). */
const RULES_SLICE_MS = 4;

/**
 * `runBatchQuality` of a group of batches (the pushes one group commit wrote): the rules per batch,
 * then ONE transaction writing every report with its owner unit, reading the awaiting tickets of the
 * group's records and, when no ticket is to be verified or opened, marking the batches checked
 * (one commit where four were); only batches naming such a record (or one a batch before it in the
 * group opened a ticket on) verify tickets, in order, and the batches are marked after them. Never
 * throws but for the marking itself (the caller's job is retried): a fault is logged and the
 * group's outcomes are null.
 */
export async function runGroupQuality(
  graph: Graph,
  items: QualityBatch[],
  log: (msg: string, err?: unknown) => void = (msg, err) => console.warn(msg, err ?? ''),
  /** `markChecked`: set the batches' `checkedAt` once their quality work is done, also when it failed (pushes: what their callers wait for) */
  opts: { markChecked?: boolean } = {},
): Promise<(BatchQualityOutcome | null)[]> {
  if (!items.length) return [];
  let checked = false;
  try {
    const results: ReturnType<typeof runBatchRules>[] = [];
    // The rules of a whole group are synchronous work (128 pushes): the event loop turns between
    // batches once a slice has lasted a few ms, so the resolve leader, when it runs this job in its
    // own process, still sends its statements and renews its lease meanwhile.
    let since = performance.now();
    for (const it of items) {
      if (performance.now() - since >= RULES_SLICE_MS) {
        await new Promise<void>((r) => setImmediate(r));
        since = performance.now();
      }
      const rids = it.read.records.map((r) => r.rid);
      results.push(
        runBatchRules({
          source: it.entry.id,
          entry: it.entry,
          records: it.read.records,
          rejects: it.read.rejects,
          flagged: it.read.flagged,
          arrivedAt: it.batch.receivedAt,
          // hashes already stored for the batch's rids (a record delivered again unchanged is a duplicate)
          priorHashes: it.priorHashes ?? (await readRecordHashes(graph, rids)),
        }),
      );
    }
    const at = new Date().toISOString();
    const rows = qualityReportRows(
      items.map((it, i) => ({
        kind: 'batch' as const,
        source: it.entry.id,
        // the catalog's owner, unless governance recorded another on the Source node (decided in the write)
        ownerUnit: it.entry.ownerUnit,
        batchId: it.batch.batchId,
        at,
        overall: results[i]!.overall,
        scores: results[i]!.scores,
        examples: results[i]!.findings,
      })),
    );
    const bySource = new Map<string, string[]>();
    for (const it of items)
      bySource.set(it.entry.id, [...(bySource.get(it.entry.id) ?? []), ...it.read.records.map((r) => r.rid)]);
    // Findings that open tickets (decided before the write, so the write knows whether the batches are done with it)
    const ticketable = items.map((it, i) =>
      ticketableFindings(results[i]!.findings, new Set(it.read.records.map((r) => r.rid))).slice(0, BATCH_TICKETS_PER_BATCH),
    );
    const batchIds = items.map((it) => it.batch.batchId);
    // ONE transaction: the reports (with their owners), the group's rids with an awaiting ticket (a
    // batch naming none of them has nothing to verify), and — when no ticket is to be verified or
    // opened, the usual case — the batches marked checked.
    const written = await writeGroupQuality(
      graph,
      rows,
      [...bySource].map(([source, rids]) => ({ source, rids })),
      AWAITING,
      opts.markChecked && ticketable.every((t) => t.length === 0) ? batchIds : null,
    );
    const { owners, awaitingRids: awaiting } = written;
    checked = written.checked;
    const out: BatchQualityOutcome[] = [];
    for (const [i, it] of items.entries()) {
      const result = results[i]!;
      const rids = it.read.records.map((r) => r.rid);
      const ownerUnit = owners.get(it.entry.id)!;
      // Verify awaiting tickets first, so a ticket opened below is not checked against the batch that found it.
      const v = rids.some((r) => awaiting.has(r))
        ? await verifyTicketsForBatch(graph, it.entry.id, it.batch.batchId, it.read.records)
        : { verified: 0, unchanged: 0 };
      let ticketsOpened = 0;
      const byRid = new Map(it.read.records.map((r) => [r.rid, r]));
      for (const f of ticketable[i]!) {
        // The ticket carries the column's value as delivered: the next delivery is verified by comparing
        // that same column with it (a finding's own `value` may combine columns, e.g. "lon,lat").
        const raw = byRid.get(f.rid)?.raw;
        const delivered = raw && f.field in raw ? raw[f.field] : undefined;
        const { created } = await openTicket(graph, {
          source: it.entry.id,
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
        // a later batch of the group delivering this record checks the ticket just opened
        awaiting.add(f.rid);
        if (created) ticketsOpened++;
      }
      out.push({
        reportId: rows[i]!.id,
        overall: result.overall,
        findings: result.findings.length,
        ...v,
        ticketsOpened,
      });
    }
    if (opts.markChecked && !checked) await markBatchesChecked(graph, batchIds);
    return out;
  } catch (err) {
    log(`quality checks of batch ${items.map((it) => it.batch.batchId).join(', ')} failed; the batch goes on`, err);
    // a fault in quality does not hold the batches: they are checked (their after-commit work goes on)
    if (opts.markChecked && !checked) await markBatchesChecked(graph, items.map((it) => it.batch.batchId));
    return items.map(() => null);
  }
}
