/**
 * Issue 13 (the worker's memory under a real-time backlog): co-travel reads one sighting per
 * (person, place, time), however many records delivered it. The real-time bench pushes the same
 * stays again and again under new record ids; `findCoOccurrences` read R²·n rows for a guest
 * pushed R times next to n others (1.4 million rows, 1 GiB of heap for 500 persons) and the
 * duplicates added legs to the pair's score.
 * Own ids: `P-CTD*`, `L-CTD*`.
 */
import type { Graph } from '@onemap/graph-schema/server';
import { readTx } from '@onemap/graph-schema/server';
import { deriveCoTravel } from '@onemap/resolver/derive';
import { findCoOccurrences } from '@onemap/resolver/graph';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPersonsAndPlaces, type TestVisit, writeVisits } from '../helpers/cotravel-graph.ts';
import { clearGraph, openTestGraph } from '../helpers/graph.ts';

const A = 'P-CTD-A';
const B = 'P-CTD-B';
const STRANGERS = Array.from({ length: 30 }, (_, i) => `P-CTD-S${String(i).padStart(2, '0')}`);
const PLACES = ['L-CTD-1', 'L-CTD-2', 'L-CTD-3'];
const SETTINGS = { toleranceMinutes: 30, minCount: 2 };

type V = TestVisit;
// A and B together at three places (a hotel stay first); each stranger once, alone, elsewhere.
const together: V[] = [
  { eid: A, place: PLACES[0]!, at: '2026-11-05T01:00:00Z', until: '2026-11-06T01:00:00Z', rid: 'hotel:ctd-a1' },
  { eid: B, place: PLACES[0]!, at: '2026-11-05T01:10:00Z', until: '2026-11-06T01:05:00Z', rid: 'hotel:ctd-b1' },
  { eid: A, place: PLACES[1]!, at: '2026-11-06T05:00:00Z', until: null, rid: 'rail:ctd-a2' },
  { eid: B, place: PLACES[1]!, at: '2026-11-06T05:20:00Z', until: null, rid: 'rail:ctd-b2' },
  { eid: A, place: PLACES[2]!, at: '2026-11-07T09:00:00Z', until: null, rid: 'rail:ctd-a3' },
  { eid: B, place: PLACES[2]!, at: '2026-11-07T09:05:00Z', until: null, rid: 'rail:ctd-b3' },
];
const strangers: V[] = STRANGERS.map((eid, i) => ({
  eid,
  place: `L-CTD-X${i}`,
  at: '2026-11-05T01:00:00Z',
  until: null,
  rid: `rail:ctd-s${i}`,
}));

let graph: Graph;

async function edgeOfPair(): Promise<Record<string, unknown> | null> {
  return readTx(graph, async (tx) => {
    const r = await tx.run(
      `MATCH (:Person {eid: $a})-[c:CO_TRAVELED]->(:Person {eid: $b})
       RETURN c.count AS count, c.score AS score, c.reasons AS reasons, c.sources AS sources,
              toString(c.first) AS first, toString(c.last) AS last`,
      { a: A, b: B },
    );
    return r.records[0]?.toObject() ?? null;
  });
}

beforeAll(async () => {
  graph = openTestGraph();
  await clearGraph(graph);
  await createPersonsAndPlaces(graph, [A, B, ...STRANGERS], [...PLACES, ...strangers.map((s) => s.place)]);
  await writeVisits(graph, [...together, ...strangers]);
});

afterAll(async () => {
  await graph?.driver.close();
});

describe('co-travel counts a stay delivered again as one sighting (issue 13)', () => {
  it('20 more deliveries of every stay of a pair keep its co-occurrences and its edge as they were', async () => {
    await deriveCoTravel(graph, [A, B], SETTINGS);
    const rowsOnce = await findCoOccurrences(graph, [A, B], SETTINGS.toleranceMinutes);
    const edgeOnce = await edgeOfPair();
    expect(edgeOnce).not.toBeNull();
    // one row per sighting of each side (3 places × 2 persons)
    expect(rowsOnce).toHaveLength(6);

    const again: V[] = [];
    for (let k = 0; k < 20; k++) for (const v of together) again.push({ ...v, rid: `${v.rid}-again${k}` });
    await writeVisits(graph, again);
    await deriveCoTravel(graph, [A, B], SETTINGS);

    const rowsAgain = await findCoOccurrences(graph, [A, B], SETTINGS.toleranceMinutes);
    expect(rowsAgain).toHaveLength(rowsOnce.length);
    // the sighting kept is the one with the smallest rid: the first delivery here
    expect(new Set(rowsAgain.map((r) => r.ridA))).toEqual(new Set(rowsOnce.map((r) => r.ridA)));
    expect(await edgeOfPair()).toEqual(edgeOnce);
  });
});
