/**
 * Issue 13 (real time at a million records): the co-travel derivation reads only the pairs that
 * can be companions. 500 hotel guests of a province met 175,000 others, 150 of them companions;
 * every co-occurrence was sent to the worker, decoded and scored on the event loop it shares with
 * the resolve leader (a second a derivation). `findCoOccurrences` with `companionReach` keeps, in
 * the database, only pairs that reach the places and occasions companions need. What must hold:
 * the filter drops no companion and changes no edge — the pairs scored from the filtered rows are
 * the companions scored from every row, value for value, on a random graph with crowds, stays
 * that ended apart and rail tickets (one record, two places: one leg).
 * Own ids: `P-CTR*`, `L-CTR*`.
 */
import type { Graph } from '@onemap/graph-schema/server';
import { readTx } from '@onemap/graph-schema/server';
import { companionReach, DEFAULT_COTRAVEL_SCORE, deriveCoTravel, scoreCoTravel } from '@onemap/resolver/derive';
import { findCoOccurrences } from '@onemap/resolver/graph';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPersonsAndPlaces, randomCoTravelVisits, writeVisits } from '../helpers/cotravel-graph.ts';
import { clearGraph, openTestGraph } from '../helpers/graph.ts';

const TOLERANCE = 30;
const SETTINGS = { ...DEFAULT_COTRAVEL_SCORE, minOccasions: 2 };
/** A small population, so two quiet legs make companions and the random graph has many. */
const POPULATION = 60;
const PERSONS = Array.from({ length: 40 }, (_, i) => `P-CTR-${String(i).padStart(2, '0')}`);
const PLACES = Array.from({ length: 6 }, (_, i) => `L-CTR-${i}`);

/** A scored pair as an edge would store it. */
const edgeOf = (p: ReturnType<typeof scoreCoTravel>[number]) =>
  JSON.stringify([p.x, p.y, p.score, p.count, p.first, p.last, p.sources, p.reasons]);
const companionsOf = (rows: Parameters<typeof scoreCoTravel>[0]) =>
  scoreCoTravel(rows, POPULATION, SETTINGS)
    .filter((p) => p.companions)
    .map(edgeOf)
    .sort();
const pairOf = (r: { a: string; b: string }) => (r.a < r.b ? `${r.a}|${r.b}` : `${r.b}|${r.a}`);

let graph: Graph;

beforeAll(async () => {
  graph = openTestGraph();
  await clearGraph(graph);
  await createPersonsAndPlaces(graph, PERSONS, PLACES);
  await writeVisits(graph, randomCoTravelVisits(PERSONS, PLACES, 13, 'ctr'));
});

afterAll(async () => {
  await graph?.driver.close();
});

describe('co-travel reads only pairs that can be companions (issue 13)', () => {
  it('the filtered rows score the same companions as every row, and drop the pairs that cannot be', async () => {
    const reach = companionReach(SETTINGS);
    let dropped = 0;
    let companions = 0;
    // as the derivation reads them: chunks of persons, and every person alone
    for (const eids of [PERSONS.slice(0, 20), PERSONS.slice(20), ...PERSONS.map((p) => [p])]) {
      const all = await findCoOccurrences(graph, eids, TOLERANCE);
      const kept = await findCoOccurrences(graph, eids, TOLERANCE, reach);
      expect(companionsOf(kept)).toEqual(companionsOf(all));
      companions += companionsOf(all).length;
      // a kept pair keeps every row of its own; a dropped pair has fewer places or occasions than companions need
      const keptPairs = new Set(kept.map(pairOf));
      const row = (r: (typeof all)[number]) =>
        JSON.stringify([r.a, r.b, r.place, r.day, r.at, r.ridA, r.ridB, r.sourceA, r.sourceB, r.crowd, r.leftApart]);
      expect(kept.map(row).sort()).toEqual(
        all
          .filter((r) => keptPairs.has(pairOf(r)))
          .map(row)
          .sort(),
      );
      const byPair = new Map<string, typeof all>();
      for (const r of all) byPair.set(pairOf(r), [...(byPair.get(pairOf(r)) ?? []), r]);
      for (const [pair, rows] of byPair) {
        if (keptPairs.has(pair)) continue;
        dropped++;
        const places = new Set(rows.map((r) => r.place)).size;
        const occasions = new Set(rows.map((r) => `${r.place}|${r.day}`)).size;
        expect(places < reach.places || occasions < reach.occasions, pair).toBe(true);
      }
    }
    // the random graph exercises both sides of the filter
    expect(companions).toBeGreaterThan(10);
    expect(dropped).toBeGreaterThan(50);
  });

  it('the derivation writes the edges of the companions scored from every row', async () => {
    const population = await readTx(graph, async (tx) =>
      Number(
        (await tx.run('MATCH (p:Person) WHERE EXISTS { (p)-[:VISITED]->() } RETURN count(p) AS n')).records[0]?.get(
          'n',
        ),
      ),
    );
    await deriveCoTravel(graph, PERSONS, { toleranceMinutes: TOLERANCE, minCount: 2 });
    const expected = scoreCoTravel(await findCoOccurrences(graph, PERSONS, TOLERANCE), population, SETTINGS)
      .filter((p) => p.companions)
      .map((p) => `${p.x}|${p.y} ${p.score}`)
      .sort();
    const written = await readTx(graph, async (tx) =>
      (
        await tx.run(
          'MATCH (x:Person)-[c:CO_TRAVELED]->(y:Person) WHERE x.eid STARTS WITH "P-CTR" RETURN x.eid + "|" + y.eid + " " + toString(c.score) AS e',
        )
      ).records
        .map((r) => String(r.get('e')).replace(/\.0$/, ''))
        .sort(),
    );
    expect(written).toEqual(expected);
    expect(written.length).toBeGreaterThan(0);
  });
});
