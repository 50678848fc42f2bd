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
import { verifyTicketsForBatch } from './tickets.ts';

export interface BatchQualityOutcome {
  reportId: string;
  overall: number;
  findings: number;
  verified: number;
  unchanged: number;
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
      priorHashes: priorHashes ?? (await readRecordHashes(graph, rids)),
    });
    const reportId = await writeQualityReport(graph, {
      kind: 'batch',
      source: entry.id,
      ownerUnit: await sourceOwnerUnit(graph, entry),
      batchId: batch.batchId,
      at: new Date().toISOString(),
      overall: result.overall,
      scores: result.scores,
      examples: result.findings,
    });
    const v = await verifyTicketsForBatch(graph, entry.id, batch.batchId, read.records);
    return { reportId, overall: result.overall, findings: result.findings.length, ...v };
  } catch (err) {
    log(`quality checks of batch ${batch.batchId} failed; the batch goes on`, err);
    return null;
  }
}
