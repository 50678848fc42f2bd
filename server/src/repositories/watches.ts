import { randomUUID } from 'node:crypto';
import { type Graph, readTx, writeTx } from '@onemap/graph-schema/server';

export interface WatchRow {
  id: string;
  eid: string;
  unitCode: string;
  createdBy: string;
  purposeJson: string;
  createdAt: string;
  active: boolean;
}

export async function createWatch(graph: Graph, w: { eid: string; unitCode: string; createdBy: string; purposeJson: string }): Promise<WatchRow> {
  const id = `W-${randomUUID()}`;
  return writeTx(graph, async (tx) => {
    const r = await tx.run(
      `CREATE (w:Watch {id: $id, eid: $w.eid, unitCode: $w.unitCode, createdBy: $w.createdBy, purposeJson: $w.purposeJson, createdAt: datetime(), active: true})
       RETURN w.id AS id, w.eid AS eid, w.unitCode AS unitCode, w.createdBy AS createdBy, w.purposeJson AS purposeJson, toString(w.createdAt) AS createdAt, w.active AS active`,
      { id, w },
    );
    return r.records[0]?.toObject() as WatchRow;
  });
}

export async function listWatches(graph: Graph, unitCode: string): Promise<WatchRow[]> {
  return readTx(graph, async (tx) => {
    const r = await tx.run(
      `MATCH (w:Watch {unitCode: $unitCode}) WHERE w.active
       RETURN w.id AS id, w.eid AS eid, w.unitCode AS unitCode, w.createdBy AS createdBy, w.purposeJson AS purposeJson, toString(w.createdAt) AS createdAt, w.active AS active
       ORDER BY w.createdAt DESC`,
      { unitCode },
    );
    return r.records.map((x) => x.toObject() as WatchRow);
  });
}

export async function endWatch(graph: Graph, id: string, unitCode: string, by: string): Promise<boolean> {
  return writeTx(graph, async (tx) => {
    const r = await tx.run(
      'MATCH (w:Watch {id: $id, unitCode: $unitCode}) WHERE w.active SET w.active = false, w.endedBy = $by, w.endedAt = datetime() RETURN count(w) AS n',
      { id, unitCode, by },
    );
    return (r.records[0]?.get('n') as number) > 0;
  });
}
