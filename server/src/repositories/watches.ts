import { randomUUID } from 'node:crypto';
import { type Graph, readTx, watchCurrentEidCypher, writeTx } from '@onemap/graph-schema/server';
import { visibleEntity } from './cypher.ts';

export interface WatchRow {
  id: string;
  /** the eid the entity had when it was watched */
  eid: string;
  /** the eid it has now: `eid`, or after a merge its survivor's (redirect chains followed; an undo brings `eid` back) */
  currentEid: string;
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
       RETURN w.id AS id, w.eid AS eid, w.eid AS currentEid, w.unitCode AS unitCode, w.createdBy AS createdBy, w.purposeJson AS purposeJson, toString(w.createdAt) AS createdAt, w.active AS active`,
      { id, w },
    );
    return r.records[0]?.toObject() as WatchRow;
  });
}

/**
 * Active watches of a unit, newest first, each with the eid its entity has now (`currentEid`,
 * through every merge since). With `vs`, only those whose entity now is visible through those
 * sources: a watch names a person, so a colleague's watch on someone the reader may not see is
 * not theirs to read. Without (`null`: the stream, which checks every event it sends), all of them.
 */
export async function listWatches(graph: Graph, unitCode: string, vs: readonly string[] | null = null): Promise<WatchRow[]> {
  return readTx(graph, async (tx) => {
    const r = await tx.run(
      `MATCH (w:Watch {unitCode: $unitCode}) WHERE w.active
       WITH w, ${watchCurrentEidCypher('w')} AS currentEid
       OPTIONAL MATCH (e:Entity {eid: currentEid})
       WITH w, currentEid, e WHERE $vs IS NULL OR (e IS NOT NULL AND ${visibleEntity('e')})
       RETURN w.id AS id, w.eid AS eid, currentEid, w.unitCode AS unitCode, w.createdBy AS createdBy, w.purposeJson AS purposeJson, toString(w.createdAt) AS createdAt, w.active AS active
       ORDER BY w.createdAt DESC`,
      { unitCode, vs: vs === null ? null : [...vs] },
    );
    return r.records.map((x) => x.toObject() as WatchRow);
  });
}

/**
 * Ends an active watch of the unit, as `listWatches` shows it to `by`: only one `by` may list (its
 * entity as it is now, through merges, visible through `vs`), or one `by` made — a colleague who may
 * not see the person can neither read nor end a watch on them.
 */
export async function endWatch(graph: Graph, id: string, unitCode: string, by: string, vs: readonly string[]): Promise<boolean> {
  return writeTx(graph, async (tx) => {
    const r = await tx.run(
      `MATCH (w:Watch {id: $id, unitCode: $unitCode}) WHERE w.active
       AND (w.createdBy = $by OR EXISTS {
         MATCH (e:Entity) WHERE e.eid = ${watchCurrentEidCypher('w')} AND ${visibleEntity('e')}
       })
       SET w.active = false, w.endedBy = $by, w.endedAt = datetime() RETURN count(w) AS n`,
      { id, unitCode, by, vs: [...vs] },
    );
    return (r.records[0]?.get('n') as number) > 0;
  });
}
