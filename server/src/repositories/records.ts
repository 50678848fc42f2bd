import { type Graph, readTx, toPlain } from '@onemap/graph-schema/server';

/** A source record as stored: its source, the raw record as delivered and the standardized attributes (both JSON). */
export interface SourceRecordRow {
  source: string;
  raw: string | null;
  attrs: string | null;
}

/** Reads one source record by rid; null when there is none. Visibility is the caller's check. */
export async function readSourceRecord(graph: Graph, rid: string): Promise<SourceRecordRow | null> {
  const rec = await readTx(graph, (tx) =>
    tx.run('MATCH (r:SourceRecord {rid: $rid}) RETURN r.source AS source, r.raw AS raw, r.attrs AS attrs', { rid }),
  );
  return rec.records[0] ? (toPlain(rec.records[0].toObject()) as SourceRecordRow) : null;
}
