import { readTx, writeTx } from '@onemap/graph-schema/server';
import { findBatch, readBatchStatuses } from '@onemap/resolver/graph';
import { stageRecords } from '@onemap/resolver/intake';
import { describe, expect, it } from 'vitest';
import { type BatchResult, FINISH_BATCHES_CYPHER, finishBatchesTx, recordDelivery } from '../../resolver/src/graph/batches.ts';
import { hotelRecord } from '../helpers/hotel-records.ts';
import { useTestPipeline } from '../helpers/pipeline.ts';

/**
 * The group transaction's batch bookkeeping (`finishBatchesTx`): a push the door claimed in Redis
 * gets its Batch node there, with its delivery and counts; a push whose node the door wrote
 * meanwhile (a re-delivery while the first one was queued) keeps its delivery count.
 */
const t = useTestPipeline();

function operators(plan: { operatorType: string; children: unknown[] }): string[] {
  return [plan.operatorType.replace(/@.*$/, ''), ...plan.children.flatMap((c) => operators(c as typeof plan))];
}

const result = (over: Partial<BatchResult> = {}): BatchResult => ({
  status: 'done',
  rows: 1,
  written: 1,
  unchanged: 0,
  updated: 0,
  rejected: 0,
  flagged: 0,
  merges: 0,
  possibleMatches: 0,
  finishedAt: new Date().toISOString(),
  msJson: '{"group":1}',
  ...over,
});

describe('the batch bookkeeping of a group', () => {
  it('plans no Eager: every row is written as it is read (the SET names its properties)', async () => {
    const plan = await readTx(t.graph, async (tx) => (await tx.run(`EXPLAIN ${FINISH_BATCHES_CYPHER}`, { rows: [] })).summary.plan);
    expect(plan).toBeTruthy();
    const ops = operators(plan as unknown as { operatorType: string; children: unknown[] });
    expect(ops).toContain('Merge');
    expect(ops).not.toContain('Eager');
  });

  it('a claimed push gets its node with one delivery; one the door recorded meanwhile keeps its deliveries', async () => {
    const fresh = stageRecords(t.pipeline.deps.stagingDir, 'hotel', [hotelRecord(8501)]);
    const redelivered = stageRecords(t.pipeline.deps.stagingDir, 'hotel', [hotelRecord(8502)]);
    // the door's exact path for a re-delivery while the first delivery is still queued
    await recordDelivery(t.graph, redelivered, 1);
    await writeTx(t.graph, (tx) =>
      finishBatchesTx(tx, [
        { batchId: fresh.batchId, fields: result({ rejectsFile: 'r.csv' }), batch: fresh },
        { batchId: redelivered.batchId, fields: result({ written: 0, unchanged: 1 }), batch: redelivered },
      ]),
    );
    expect(await findBatch(t.graph, fresh.batchId)).toMatchObject({
      batchId: fresh.batchId,
      source: 'hotel',
      way: fresh.way,
      hash: fresh.hash,
      originalName: fresh.originalName,
      names: [fresh.originalName],
      deliveries: 1,
      status: 'done',
      written: 1,
      rejectsFile: 'r.csv',
      msJson: '{"group":1}',
    });
    expect(await findBatch(t.graph, redelivered.batchId)).toMatchObject({ deliveries: 2, status: 'done', written: 0, unchanged: 1 });

    // written again (a retried group): the counts are replaced, a result field left out is removed,
    // the delivery is not counted twice
    await writeTx(t.graph, (tx) => finishBatchesTx(tx, [{ batchId: fresh.batchId, fields: result({ written: 0, unchanged: 1 }), batch: fresh }]));
    const again = await findBatch(t.graph, fresh.batchId);
    expect(again).toMatchObject({ deliveries: 1, written: 0, unchanged: 1 });
    expect(again).not.toHaveProperty('rejectsFile');
  });

  it('statuses alone (what a caller waiting for its pushes reads): each batch with a node, nothing for one without', async () => {
    const done = stageRecords(t.pipeline.deps.stagingDir, 'hotel', [hotelRecord(8503)]);
    const queued = stageRecords(t.pipeline.deps.stagingDir, 'hotel', [hotelRecord(8504)]);
    const unknown = stageRecords(t.pipeline.deps.stagingDir, 'hotel', [hotelRecord(8505)]);
    await recordDelivery(t.graph, queued, 1);
    await writeTx(t.graph, (tx) => finishBatchesTx(tx, [{ batchId: done.batchId, fields: result(), batch: done }]));
    const statuses = await readBatchStatuses(t.graph, [done.batchId, queued.batchId, unknown.batchId]);
    expect(Object.fromEntries(statuses)).toEqual({ [done.batchId]: 'done', [queued.batchId]: (await findBatch(t.graph, queued.batchId))!.status });
    expect(statuses.get(queued.batchId)).not.toBe('done');
  });
});
