import { type Graph, readTx } from '@onemap/graph-schema/server';

/** Stored hashes of some entries, by sequence number. */
export async function hashesBySeq(graph: Graph, seqs: number[]): Promise<Map<number, string>> {
  return readTx(graph, async (tx) => {
    const r = await tx.run('UNWIND $seqs AS s MATCH (a:AuditEntry {seq: toInteger(s)}) RETURN a.seq AS seq, a.hash AS hash', { seqs });
    return new Map(r.records.map((x) => [x.get('seq') as number, x.get('hash') as string]));
  });
}

/** The unit recorded in some entries, by sequence number (null for an entry without a caller). */
export async function unitsBySeq(graph: Graph, seqs: number[]): Promise<Map<number, string | null>> {
  return readTx(graph, async (tx) => {
    const r = await tx.run('UNWIND $seqs AS s MATCH (a:AuditEntry {seq: toInteger(s)}) RETURN a.seq AS seq, a.unit AS unit', { seqs });
    return new Map(r.records.map((x) => [x.get('seq') as number, (x.get('unit') as string | null) ?? null]));
  });
}
