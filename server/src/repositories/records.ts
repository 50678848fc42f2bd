import { type Graph, readTx, toPlain } from '@onemap/graph-schema/server';

/**
 * A source record as stored: its source, the standardized attributes (JSON) and where it was
 * delivered (its batch's content hash and way in, and its line: staging has the values as
 * delivered, `readDeliveredValues`). `raw` is the record as delivered on a graph written before
 * the writers stopped storing it (migration V047 removes it); null otherwise.
 */
export interface SourceRecordRow {
  source: string;
  attrs: string | null;
  line: number | null;
  batchHash: string | null;
  batchWay: string | null;
  raw: string | null;
}

/** Reads one source record by rid, with its batch's hash and way; null when there is none. Visibility is the caller's check. */
export async function readSourceRecord(graph: Graph, rid: string): Promise<SourceRecordRow | null> {
  const rec = await readTx(graph, (tx) =>
    tx.run(
      `MATCH (r:SourceRecord {rid: $rid})
       OPTIONAL MATCH (b:Batch {batchId: r.batchId})
       RETURN r.source AS source, r.attrs AS attrs, r.line AS line, b.hash AS batchHash, b.way AS batchWay, r.raw AS raw`,
      { rid },
    ),
  );
  return rec.records[0] ? (toPlain(rec.records[0].toObject()) as SourceRecordRow) : null;
}
