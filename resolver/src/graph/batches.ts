import { type Graph, readTx, toPlain, writeTx } from '@onemap/graph-schema/server';
import neo4j from 'neo4j-driver';
import type { StagedBatch } from '../intake/staged-batch.ts';

export type BatchStatus = 'queued' | 'processing' | 'done' | 'failed' | 'rejected';

export interface BatchInfo {
  batchId: string;
  source: string;
  originalName: string;
  way: string;
  status: BatchStatus;
  rows?: number;
  written?: number;
  unchanged?: number;
  updated?: number;
  rejected?: number;
  flagged?: number;
  merges?: number;
  possibleMatches?: number;
  rejectsFile?: string;
  error?: string;
  receivedAt?: string;
  finishedAt?: string;
  deliveries?: number;
  coTraveled?: number;
  /** JSON of stage timings in ms: read, lockWait, sync, resolve, write, derive */
  msJson?: string;
  ms?: Record<string, number>;
}

/** Records that a batch was delivered (again); returns its current status. */
export async function recordDelivery(graph: Graph, batch: StagedBatch): Promise<BatchInfo> {
  return writeTx(graph, async (tx) => {
    const r = await tx.run(
      `MERGE (b:Batch {batchId: $batchId})
       ON CREATE SET b.source = $source, b.originalName = $originalName, b.way = $way, b.hash = $hash, b.status = 'queued',
                     b.receivedAt = datetime($receivedAt), b.deliveries = 0, b.names = []
       SET b.deliveries = b.deliveries + 1,
           b.names = CASE WHEN $originalName IN b.names THEN b.names ELSE b.names + $originalName END
       RETURN b {.*} AS b`,
      batch,
    );
    return toPlain(r.records[0]!.get('b')) as BatchInfo;
  });
}

export async function updateBatch(graph: Graph, batchId: string, fields: Partial<BatchInfo>): Promise<void> {
  await writeTx(graph, (tx) => tx.run('MATCH (b:Batch {batchId: $batchId}) SET b += $fields', { batchId, fields }));
}

export async function findBatch(graph: Graph, batchId: string): Promise<BatchInfo | null> {
  return readTx(graph, async (tx) => {
    const r = await tx.run('MATCH (b:Batch {batchId: $batchId}) RETURN b {.*} AS b', { batchId });
    return r.records.length ? (toPlain(r.records[0]!.get('b')) as BatchInfo) : null;
  });
}

/** Recent batches, newest first; `sources` keeps only batches of those sources (the caller's visible ones). */
export async function listBatches(graph: Graph, opts: { source?: string; sources?: readonly string[]; limit?: number } = {}): Promise<BatchInfo[]> {
  return readTx(graph, async (tx) => {
    const r = await tx.run(
      `MATCH (b:Batch) WHERE ($source IS NULL OR b.source = $source) AND ($sources IS NULL OR b.source IN $sources)
       RETURN b {.*} AS b ORDER BY b.receivedAt DESC LIMIT $limit`,
      { source: opts.source ?? null, sources: opts.sources ? [...opts.sources] : null, limit: neo4j.int(opts.limit ?? 100) },
    );
    return r.records.map((x) => toPlain(x.get('b')) as BatchInfo);
  });
}
