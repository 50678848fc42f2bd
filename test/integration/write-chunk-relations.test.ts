import { readTx } from '@onemap/graph-schema/server';
import { readBatch, stageRecords } from '@onemap/resolver/intake';
import { describe, expect, it } from 'vitest';
import { hotelRecord } from '../helpers/hotel-records.ts';
import { useTestPipeline } from '../helpers/pipeline.ts';

/**
 * A relation stated by several records of one group transaction is written as ONE row per edge
 * (`relationEdges` in resolver/src/graph/write-chunk.ts): the edge gets every record id once, as
 * when the records came one by one.
 */
const t = useTestPipeline();

async function phoneEdges(rid: string) {
  return readTx(t.graph, async (tx) =>
    (
      await tx.run(
        `MATCH (:SourceRecord {rid: $rid})-[:RESOLVED_TO {role: 'guest'}]->(p:Person)-[x:HAS_PHONE]->(ph:Phone)
         RETURN x.source AS source, x.rid AS rid, x.rids AS rids, ph.number AS number`,
        { rid },
      )
    ).records.map((r) => r.toObject()),
  );
}
const group = (rows: Record<string, string | number>[]) => {
  const batch = stageRecords(t.pipeline.deps.stagingDir, 'hotel', rows);
  return { batch, records: readBatch(batch, t.pipeline.entry('hotel')).records };
};

describe('relations of a group transaction', () => {
  it('a guest and phone stated by three records of one group (and one record before) is one edge listing each record once', async () => {
    const stay = (id: string) => hotelRecord(8301, { record_id: id, phone: '13800138301' });
    await t.pipeline.resolver.processGroup([group([stay('T-REL-0')])], () => async () => {});
    await t.pipeline.resolver.processGroup(
      [group([stay('T-REL-1'), stay('T-REL-2')]), group([stay('T-REL-3'), stay('T-REL-1')])],
      () => async () => {},
    );
    expect(await phoneEdges('hotel:T-REL-3')).toEqual([
      {
        source: 'hotel',
        rid: 'hotel:T-REL-0',
        rids: ['hotel:T-REL-0', 'hotel:T-REL-1', 'hotel:T-REL-2', 'hotel:T-REL-3'],
        number: '+8613800138301',
      },
    ]);
  });
});
