/**
 * Issue 13 (the real-time path's writes): deriving a person's companions again writes only what
 * changed. The derivation runs after every batch that touches a person; it deleted and re-created
 * each of that person's CO_TRAVELED edges every time. Now an edge as derived before is left as it
 * is, a changed one is updated in place, one no longer scored as companions goes, and so does one
 * pointing the wrong way (an edge points from the smaller eid to the larger).
 * Own ids: `P-CTK*`, `L-CTK*`.
 */
import type { Graph } from '@onemap/graph-schema/server';
import { readTx, writeTx } from '@onemap/graph-schema/server';
import { deriveCoTravel } from '@onemap/resolver/derive';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPersonsAndPlaces, type TestVisit, writeVisits } from '../helpers/cotravel-graph.ts';
import { clearGraph, openTestGraph } from '../helpers/graph.ts';

const A = 'P-CTK-A';
const B = 'P-CTK-B';
const STRANGERS = Array.from({ length: 30 }, (_, i) => `P-CTK-S${String(i).padStart(2, '0')}`);
const PLACES = ['L-CTK-1', 'L-CTK-2', 'L-CTK-3', 'L-CTK-4'];
const SETTINGS = { toleranceMinutes: 30, minCount: 2 };

type V = TestVisit;
// A and B together at three places; each stranger once, alone, elsewhere (the population).
const together: V[] = [0, 1, 2].flatMap((i) => [
  { eid: A, place: PLACES[i]!, at: `2026-11-0${5 + i}T05:00:00Z`, rid: `rail:ctk-a${i}` },
  { eid: B, place: PLACES[i]!, at: `2026-11-0${5 + i}T05:10:00Z`, rid: `rail:ctk-b${i}` },
]);
const strangers: V[] = STRANGERS.map((eid, i) => ({
  eid,
  place: `L-CTK-X${i}`,
  at: '2026-11-05T01:00:00Z',
  rid: `rail:ctk-s${i}`,
}));

let graph: Graph;

/** The pair's edges, either way, with a mark a test set on them (gone when an edge was re-created). */
async function edgesOfPair(): Promise<{ from: string; count: number; mark: number | null; last: string }[]> {
  return readTx(graph, async (tx) => {
    const r = await tx.run(
      `MATCH (x:Person)-[c:CO_TRAVELED]->(y:Person) WHERE {x: x.eid, y: y.eid} IN [{x: $a, y: $b}, {x: $b, y: $a}]
       RETURN x.eid AS from, c.count AS count, c.mark AS mark, toString(c.last) AS last`,
      { a: A, b: B },
    );
    return r.records.map((x) => ({
      from: x.get('from'),
      count: Number(x.get('count')),
      mark: x.get('mark') === null ? null : Number(x.get('mark')),
      last: x.get('last'),
    }));
  });
}

const mark = () =>
  writeTx(graph, (tx) =>
    tx.run(`MATCH (:Person {eid: $a})-[c:CO_TRAVELED]->(:Person {eid: $b}) SET c.mark = 1`, { a: A, b: B }),
  );

beforeAll(async () => {
  graph = openTestGraph();
  await clearGraph(graph);
  await createPersonsAndPlaces(graph, [A, B, ...STRANGERS], [...PLACES, ...strangers.map((s) => s.place)]);
  await writeVisits(graph, [...together, ...strangers]);
});

afterAll(async () => {
  await graph?.driver.close();
});

describe('co-travel derived again writes only what changed (issue 13)', () => {
  it('leaves an edge as derived before untouched, updates a changed one in place, removes a reverse one', async () => {
    await deriveCoTravel(graph, [A, B], SETTINGS);
    const first = await edgesOfPair();
    expect(first).toHaveLength(1);
    expect(first[0]).toMatchObject({ from: A, count: 3, mark: null });
    await mark();

    // derived again from either side, nothing new: the same edge (the mark stays)
    await deriveCoTravel(graph, [B], SETTINGS);
    await deriveCoTravel(graph, [A, B], SETTINGS);
    expect(await edgesOfPair()).toEqual([{ ...first[0], mark: 1 }]);

    // a fourth co-occurrence: the edge is updated in place
    await writeVisits(graph, [
      { eid: A, place: PLACES[3]!, at: '2026-11-09T05:00:00Z', rid: 'rail:ctk-a3' },
      { eid: B, place: PLACES[3]!, at: '2026-11-09T05:05:00Z', rid: 'rail:ctk-b3' },
    ]);
    await deriveCoTravel(graph, [A], SETTINGS);
    const updated = await edgesOfPair();
    expect(updated).toHaveLength(1);
    expect(updated[0]).toMatchObject({ from: A, count: 4, mark: 1 });
    expect(updated[0]?.last).not.toBe(first[0]?.last);

    // an edge the wrong way (written by older code) goes; the pair keeps one edge, from the smaller eid
    await writeTx(graph, (tx) =>
      tx.run(`MATCH (a:Person {eid: $a}), (b:Person {eid: $b}) CREATE (b)-[:CO_TRAVELED {count: 4, mark: 2}]->(a)`, {
        a: A,
        b: B,
      }),
    );
    await deriveCoTravel(graph, [A], SETTINGS);
    expect(await edgesOfPair()).toEqual([{ ...updated[0], mark: 1 }]);
  });

  it('removes the edge of a pair no longer scored as companions', async () => {
    await writeTx(graph, (tx) => tx.run(`MATCH (:Person {eid: $b})-[v:VISITED]->() DELETE v`, { b: B }));
    await deriveCoTravel(graph, [A], SETTINGS);
    expect(await edgesOfPair()).toEqual([]);
  });
});
