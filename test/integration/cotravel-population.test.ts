/**
 * The co-travel score's population (persons with a sighting) is counted exactly on a small graph,
 * and on a large one reused while the graph's persons and visits stay within 1 % of what they were
 * at the last exact count: the exact count reads every person, and it ran once per derivation on
 * the real-time path (about a second of the database at a million persons). Counts, never time.
 * Own ids: `P-CP*`, `L-CP*`.
 */
import { type Graph, writeTx } from '@onemap/graph-schema/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countTravellers } from '../../resolver/src/graph/co-travel.ts';
import { clearGraph, openTestGraph } from '../helpers/graph.ts';

let graph: Graph;

/** Persons `P-CP<from>`..`P-CP<to - 1>`, each seen once at the place when `seen`. */
async function addPersons(from: number, to: number, seen: boolean) {
  await writeTx(graph, (tx) =>
    tx.run(
      `MERGE (h:Entity:Place {eid: 'L-CP1'})
       WITH h
       UNWIND range($from, $to - 1) AS k
       CREATE (p:Entity:Person {eid: 'P-CP' + k})
       FOREACH (_ IN CASE WHEN $seen THEN [1] ELSE [] END |
         CREATE (p)-[:VISITED {at: datetime('2026-10-01T08:00:00Z'), kind: 'hotel_stay', source: 'hotel', rid: 'hotel:cp' + k, place: h.eid}]->(h))`,
      { from, to, seen },
    ),
  );
}

beforeAll(async () => {
  graph = openTestGraph();
  await clearGraph(graph);
  await addPersons(0, 200, true);
  await addPersons(200, 250, false);
});
afterAll(async () => {
  await clearGraph(graph);
  await graph.driver.close();
});

describe('the co-travel population', () => {
  it('counts persons with a sighting, not every person', async () => {
    expect(await countTravellers(graph)).toBe(200);
  });

  it('is counted exactly on a graph smaller than `exactBelow`, however little it changed', async () => {
    await addPersons(250, 251, true);
    expect(await countTravellers(graph)).toBe(201);
  });

  it('is reused on a large graph while persons and visits change by at most 1 %, and counted again beyond', async () => {
    const large = { exactBelow: 0 };
    expect(await countTravellers(graph, large)).toBe(201);
    // 251 → 252 persons, 201 → 202 visits: within 1 % (2 of each), the last count stands
    await addPersons(251, 252, true);
    expect(await countTravellers(graph, large)).toBe(201);
    // five more: beyond 1 % of the persons at the last count, counted again
    await addPersons(252, 257, true);
    expect(await countTravellers(graph, large)).toBe(207);
    // persons without a sighting change the persons' count only: counted again, the same population
    await addPersons(257, 267, false);
    expect(await countTravellers(graph, large)).toBe(207);
  });
});
