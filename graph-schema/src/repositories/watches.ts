/**
 * A watch is of a real-world entity, not of an eid: `(:Watch {eid})` keeps the eid the entity had
 * when it was watched, and every reader — the server's watch list and stream, the pipeline's
 * event publisher — asks what eid that entity has now through the merge redirects
 * (`eid-redirects.ts`), so a merge (a chain of them too) keeps the watch on the survivor and an
 * undo puts it back on the eid that lives again.
 */
import { type Graph, readTx } from '../neo4j/driver.ts';
import { Label, Prop } from '../universal/graph-model.ts';
import { currentEidCypher, eidsLeadingToCypher } from './eid-redirects.ts';

/**
 * Cypher expression: the eid the entity watched by watch node `w` has now (its `eid` unless that
 * entity was merged away).
 * @example `MATCH (w:Watch {unitCode: $u}) WITH w, ${watchCurrentEidCypher('w')} AS current`
 */
export function watchCurrentEidCypher(w: string): string {
  return currentEidCypher(`${w}.${Prop.eid}`);
}

/**
 * The active watches that follow the entities `eids` name now: for each of `eids` so watched, the
 * eids those watches were made on (distinct). An eid merged away since (an event written just
 * before a merge) is followed too: its watches are those of its survivor. One read; with no active
 * watch at all it follows no eid (the watches are looked at first, up to the first active one);
 * else an unwatched, never-merged eid costs two index seeks.
 * @returns eid → the watched eids, only for eids some active watch follows
 */
export async function readWatchesFollowing(graph: Graph, eids: readonly string[]): Promise<Map<string, string[]>> {
  if (!eids.length) return new Map();
  return readTx(graph, async (tx) => {
    const r = await tx.run(
      // no active watch at all (the usual case after most writes): no touched eid is followed
      `UNWIND CASE WHEN EXISTS { MATCH (w:${Label.Watch}) WHERE w.active } THEN $eids ELSE [] END AS eid
       WITH eid, ${currentEidCypher('eid')} AS current
       WITH eid, ${eidsLeadingToCypher('current')} AS same
       MATCH (w:${Label.Watch}) WHERE w.${Prop.eid} IN same AND w.active
       RETURN eid, collect(DISTINCT w.${Prop.eid}) AS watched`,
      { eids: [...eids] },
    );
    return new Map(r.records.map((x) => [x.get('eid') as string, (x.get('watched') as string[]).sort()]));
  });
}
