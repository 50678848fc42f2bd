import { type Graph, newestPerSourceCypher, readTx, toPlain, writeTx } from '@onemap/graph-schema/server';
import neo4j, { type ManagedTransaction } from 'neo4j-driver';
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
  /** when the quality rules and ticket checks of the batch ran (after the commit for a push) */
  checkedAt?: string;
  deliveries?: number;
  coTraveled?: number;
  /** JSON of stage timings in ms: read, lockWait, sync, resolve, write, derive */
  msJson?: string;
  ms?: Record<string, number>;
}

/**
 * Records that a batch was delivered (again); returns its current status. `earlier`: deliveries
 * not in the graph yet (a push the door claimed in Redis whose group has not committed).
 */
export async function recordDelivery(graph: Graph, batch: StagedBatch, earlier = 0): Promise<BatchInfo> {
  return writeTx(graph, async (tx) => {
    const r = await tx.run(
      `MERGE (b:Batch {batchId: $batchId})
       ON CREATE SET b.source = $source, b.originalName = $originalName, b.way = $way, b.hash = $hash, b.status = 'queued',
                     b.receivedAt = datetime($receivedAt), b.deliveries = $earlier, b.names = []
       SET b.deliveries = b.deliveries + 1,
           b.names = CASE WHEN $originalName IN b.names THEN b.names ELSE b.names + $originalName END
       RETURN b {.*} AS b`,
      { ...batch, earlier: neo4j.int(earlier) },
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

/**
 * Recent batches, newest first; `sources` keeps only batches of those sources (the caller's visible
 * ones), `source` one of them. The page is read in index order (`batch_source_received` per source,
 * `batch_received` for all, migration V054) and stops at `limit`: its cost is the page's, not the
 * number of batches ever received (a real-time source makes one per push).
 */
export async function listBatches(graph: Graph, opts: { source?: string; sources?: readonly string[]; limit?: number } = {}): Promise<BatchInfo[]> {
  const limit = neo4j.int(opts.limit ?? 100);
  const wanted = wantedSources(opts);
  return readTx(graph, async (tx) => {
    const r =
      wanted === null
        ? await tx.run(
            `MATCH (b:Batch) WHERE b.receivedAt IS NOT NULL
             WITH b ORDER BY b.receivedAt DESC LIMIT $limit
             RETURN b {.*} AS b`,
            { limit },
          )
        : await tx.run(
            `${newestPerSourceCypher({ label: 'Batch', node: 'b', time: 'receivedAt', sources: '$sources', limit: '$limit' })}
             RETURN b {.*} AS b`,
            { sources: wanted, limit },
          );
    return r.records.map((x) => toPlain(x.get('b')) as BatchInfo);
  });
}

/**
 * The sources whose batches `listBatches` reads: null for every source; `source` when it is within
 * the allowed `sources` (or no list bounds it), none when it is not; else the allowed list.
 */
function wantedSources(opts: { source?: string; sources?: readonly string[] }): string[] | null {
  if (opts.source === undefined) return opts.sources ? [...new Set(opts.sources)] : null;
  return !opts.sources || opts.sources.includes(opts.source) ? [opts.source] : [];
}

/** What a group's write records of each of its batches: its final status and counts (named, so the statement can name them). */
export type BatchResult = Pick<
  BatchInfo,
  'status' | 'rows' | 'written' | 'unchanged' | 'updated' | 'rejected' | 'flagged' | 'merges' | 'possibleMatches' | 'finishedAt' | 'rejectsFile' | 'msJson'
>;

/** The properties `finishBatchesTx` sets, from this list only (never from input). */
export const BATCH_RESULT_FIELDS = [
  'status',
  'rows',
  'written',
  'unchanged',
  'updated',
  'rejected',
  'flagged',
  'merges',
  'possibleMatches',
  'finishedAt',
  'rejectsFile',
  'msJson',
] as const satisfies readonly (keyof BatchResult)[];

/** The group's batch bookkeeping statement (exported for the plan test). */
export const FINISH_BATCHES_CYPHER = `UNWIND $rows AS row
     MERGE (b:Batch {batchId: row.batchId})
     ON CREATE SET b.source = row.batch.source, b.originalName = row.batch.originalName, b.way = row.batch.way, b.hash = row.batch.hash,
                   b.receivedAt = datetime(row.batch.receivedAt), b.deliveries = 1, b.names = [row.batch.originalName]
     SET ${BATCH_RESULT_FIELDS.map((f) => `b.${f} = row.fields.${f}`).join(', ')}`;

/**
 * Batch bookkeeping inside the group-commit transaction: each batch of the group is marked with
 * its final status and counts in the same transaction as its records, so a batch is `done`
 * exactly when its records are visible.
 *
 * A push the door claimed in Redis has no Batch node yet: its delivery is recorded here, in the
 * transaction of its records (so a batch exists in the graph exactly when it is done). It stays a
 * MERGE, not a CREATE, because a re-delivery reaching the door while the first one is queued
 * writes the node (`recordDelivery`) between the leader's read of the group's batches and this
 * write; a CREATE would then fail the whole group (and the one resolved behind it) and rebuild
 * the leader's index. The properties are named (`BATCH_RESULT_FIELDS`), not `SET b += map`: a map
 * may hold `batchId`, so the planner put an `Eager` between the MERGE and the SET (every row
 * read before any is written); named properties need none. A result field left out is removed.
 */
export async function finishBatchesTx(
  tx: ManagedTransaction,
  rows: { batchId: string; fields: BatchResult; /** the delivery, for a push whose Batch node is not written yet */ batch?: StagedBatch }[],
): Promise<void> {
  if (!rows.length) return;
  await tx.run(FINISH_BATCHES_CYPHER, {
    rows: rows.map((r) => ({
      batchId: r.batchId,
      fields: Object.fromEntries(BATCH_RESULT_FIELDS.map((f) => [f, r.fields[f] ?? null])),
      batch: r.batch
        ? { source: r.batch.source, originalName: r.batch.originalName, way: r.batch.way, hash: r.batch.hash, receivedAt: r.batch.receivedAt }
        : null,
    })),
  });
}

/** Batches by id (one read for a whole group). */
export async function findBatches(graph: Graph, batchIds: string[]): Promise<Map<string, BatchInfo>> {
  return readTx(graph, async (tx) => {
    const r = await tx.run('UNWIND $ids AS id MATCH (b:Batch {batchId: id}) RETURN b {.*} AS b', { ids: batchIds });
    return new Map(r.records.map((x) => {
      const b = toPlain(x.get('b')) as BatchInfo;
      return [b.batchId, b];
    }));
  });
}

/**
 * The status of each of `batchIds` that has a Batch node (absent: none yet): what a caller waiting
 * for its pushes needs, without the rest of each batch (`findBatches` returns every field).
 */
export async function readBatchStatuses(graph: Graph, batchIds: string[]): Promise<Map<string, string>> {
  if (!batchIds.length) return new Map();
  return readTx(graph, async (tx) => {
    const r = await tx.run('UNWIND $ids AS id MATCH (b:Batch {batchId: id}) RETURN id, b.status AS status', { ids: batchIds });
    return new Map(r.records.map((x) => [x.get('id') as string, x.get('status') as string]));
  });
}

/** Thrown when a leader that lost its lease tries to write: its transaction is rolled back. */
export class FencedError extends Error {
  constructor(epoch: number, seen: number) {
    super(`resolve leader epoch ${epoch} is fenced off: epoch ${seen} has taken over`);
  }
}

/**
 * The fence of the resolve leader, first statement of each of its write transactions: records its
 * lease epoch in the pipeline state and fails (rolling the transaction back) when a newer leader
 * has written there. It also takes the pipeline state's write lock, so a stale leader's transaction
 * either commits before the new leader's first one or not at all.
 */
export async function fenceLeaderTx(tx: ManagedTransaction, epoch: number): Promise<void> {
  const r = await tx.run(
    `MERGE (s:PipelineState {id: "main"})
     WITH s, coalesce(s.leaderEpoch, 0) AS seen
     SET s.leaderEpoch = CASE WHEN seen < $epoch THEN $epoch ELSE seen END
     RETURN seen`,
    { epoch: neo4j.int(epoch) },
  );
  const seen = Number(r.records[0]!.get('seen'));
  if (seen > epoch) throw new FencedError(epoch, seen);
}

/** A leader's fence alone, in its own transaction: a new leader runs it once before its first sync. */
export async function fenceLeader(graph: Graph, epoch: number): Promise<void> {
  await writeTx(graph, (tx) => fenceLeaderTx(tx, epoch));
}

/** The highest resolve-leader epoch that has written to the graph (0 when none). */
export async function readLeaderEpoch(graph: Graph): Promise<number> {
  return readTx(graph, async (tx) => {
    const r = await tx.run('MATCH (s:PipelineState {id: "main"}) RETURN coalesce(s.leaderEpoch, 0) AS e');
    return r.records.length ? Number(r.records[0]!.get('e')) : 0;
  });
}

/** Marks batches whose quality rules and ticket checks have run (the after-commit job of pushes). */
export async function markBatchesChecked(graph: Graph, batchIds: string[]): Promise<void> {
  if (!batchIds.length) return;
  await writeTx(graph, (tx) => markBatchesCheckedTx(tx, batchIds));
}

/** `markBatchesChecked` inside a transaction (the group's quality reports: one commit for both). */
export async function markBatchesCheckedTx(tx: ManagedTransaction, batchIds: string[]): Promise<void> {
  if (!batchIds.length) return;
  await tx.run('UNWIND $ids AS id MATCH (b:Batch {batchId: id}) SET b.checkedAt = $at', { ids: batchIds, at: new Date().toISOString() });
}
