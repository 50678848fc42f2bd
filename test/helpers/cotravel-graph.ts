import { type Graph, writeTx } from '@onemap/graph-schema/server';

/** A sighting as the co-travel tests write it: a person at a place at a time, from the record `rid` (`source:…`). */
export interface TestVisit {
  eid: string;
  place: string;
  at: string;
  /** a stay's end (hotel), none for a pass */
  until?: string | null;
  rid: string;
}

/** Persons and places with nothing but an eid (their name and search text), for the co-travel tests' visits. */
export async function createPersonsAndPlaces(
  graph: Graph,
  persons: readonly string[],
  places: readonly string[],
): Promise<void> {
  await writeTx(graph, async (tx) => {
    await tx.run(`UNWIND $persons AS eid CREATE (:Entity:Person {eid: eid, name: eid, searchText: eid})`, { persons });
    await tx.run(`UNWIND $places AS eid CREATE (:Entity:Place {eid: eid, name: eid, searchText: eid})`, { places });
  });
}

/** `VISITED` edges as the writers make them (source from the rid, the place's eid on the edge): a stay when it has an end, else a pass. */
export async function writeVisits(graph: Graph, visits: readonly TestVisit[]): Promise<void> {
  await writeTx(graph, (tx) =>
    tx.run(
      `UNWIND $visits AS v MATCH (p:Person {eid: v.eid}), (l:Place {eid: v.place})
       CREATE (p)-[:VISITED {at: datetime(v.at), until: CASE WHEN v.until IS NULL THEN null ELSE datetime(v.until) END,
                             kind: CASE WHEN v.until IS NULL THEN 'pass' ELSE 'stay' END, source: split(v.rid, ':')[0], rid: v.rid, place: l.eid}]->(l)`,
      { visits: visits.map((v) => ({ ...v, until: v.until ?? null })) },
    ),
  );
}
