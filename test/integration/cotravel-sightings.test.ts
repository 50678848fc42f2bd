/**
 * Issue 13 (real time at a million records): co-travel is derived from the new sightings, not
 * from the histories of the persons they name. A derivation read, for every touched person, the
 * crowd at every place they had ever been (a hotel guest met ~380 strangers at stations and hotels
 * of a province of a million records) to re-score every pair of theirs, when a new sighting can
 * only change the pairs it meets: the person and those at its place within the tolerance. What
 * must hold, on a random graph with crowds, stays that ended apart, rail tickets (one record, two
 * places) and sightings delivered twice:
 * - `findSightingCoOccurrences` reads the pairs the marked sightings meet and every row of them,
 *   as `findCoOccurrences` reads them given every person — no other pair, no row more or less;
 * - `deriveCoTravelOfSightings` leaves the edges those pairs get from a whole derivation, and
 *   every other edge as it was.
 * Own ids: `P-CTS*`, `L-CTS*`.
 */
import type { Graph } from '@onemap/graph-schema/server';
import { readTx, writeTx } from '@onemap/graph-schema/server';
import {
  coTravelMark,
  companionReach,
  DEFAULT_COTRAVEL_SCORE,
  deriveCoTravel,
  deriveCoTravelMarks,
  deriveCoTravelOfSightings,
  scoreCoTravel,
} from '@onemap/resolver/derive';
import {
  type CoOccurrenceRow,
  findCoOccurrences,
  findSightingCoOccurrences,
  type PersonSightings,
} from '@onemap/resolver/graph';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createPersonsAndPlaces,
  randomCoTravelVisits,
  type TestVisit,
  writeVisits,
} from '../helpers/cotravel-graph.ts';
import { clearGraph, openTestGraph } from '../helpers/graph.ts';
import { rng } from '../helpers/rng.ts';

const TOLERANCE = 30;
const SETTINGS = { ...DEFAULT_COTRAVEL_SCORE, minOccasions: 2 };
const PERSONS = Array.from({ length: 40 }, (_, i) => `P-CTS-${String(i).padStart(2, '0')}`);
const PLACES = Array.from({ length: 6 }, (_, i) => `L-CTS-${i}`);

/** Every fifth record delivered again under another record id: the same sightings twice. */
function withRedeliveries(visits: TestVisit[]): TestVisit[] {
  const rids = [...new Set(visits.map((v) => v.rid))].filter((_, i) => i % 5 === 0);
  const again = new Set(rids);
  return [...visits, ...visits.filter((v) => again.has(v.rid)).map((v) => ({ ...v, rid: `${v.rid}-again` }))];
}

/** The marks of these sightings: each person's record ids. */
function marksOf(visits: readonly TestVisit[]): PersonSightings[] {
  const byEid = new Map<string, Set<string>>();
  for (const v of visits) byEid.set(v.eid, (byEid.get(v.eid) ?? new Set()).add(v.rid));
  return [...byEid].map(([eid, rids]) => ({ eid, rids: [...rids] }));
}

const pairKey = (a: string, b: string) => (a < b ? `${a}|${b}` : `${b}|${a}`);

/**
 * The pairs the marked sightings meet: every visit of a marked record of the person (a rail
 * ticket's two stations, though one was marked), and the persons at the same place within the tolerance.
 */
function pairsMet(all: readonly TestVisit[], marked: readonly TestVisit[]): Set<string> {
  const ms = TOLERANCE * 60_000;
  const records = new Set(marked.map((m) => `${m.eid} ${m.rid}`));
  const out = new Set<string>();
  for (const m of all.filter((v) => records.has(`${v.eid} ${v.rid}`))) {
    for (const o of all) {
      if (o.eid !== m.eid && o.place === m.place && Math.abs(Date.parse(o.at) - Date.parse(m.at)) <= ms)
        out.add(pairKey(m.eid, o.eid));
    }
  }
  return out;
}

const row = (r: CoOccurrenceRow) =>
  JSON.stringify([r.a, r.b, r.place, r.day, r.at, r.ridA, r.ridB, r.sourceA, r.sourceB, r.crowd, r.leftApart]);

async function population(graph: Graph): Promise<number> {
  return readTx(graph, async (tx) =>
    Number(
      (await tx.run('MATCH (p:Person) WHERE EXISTS { (p)-[:VISITED]->() } RETURN count(p) AS n')).records[0]?.get('n'),
    ),
  );
}

/** The CO_TRAVELED edges of the fixture's persons, by pair: what an edge stores. */
async function edges(graph: Graph): Promise<Map<string, string>> {
  return readTx(graph, async (tx) => {
    const r = await tx.run(
      `MATCH (x:Person)-[c:CO_TRAVELED]->(y:Person) WHERE x.eid STARTS WITH 'P-CTS'
       RETURN x.eid AS x, y.eid AS y, c.score AS score, c.count AS count, c.sources AS sources, c.reasons AS reasons`,
    );
    return new Map(
      r.records.map((x) => [
        `${x.get('x')}|${x.get('y')}`,
        JSON.stringify([Number(x.get('score')), Number(x.get('count')), x.get('sources'), x.get('reasons')]),
      ]),
    );
  });
}

let graph: Graph;
let first: TestVisit[];

beforeAll(async () => {
  graph = openTestGraph();
  await clearGraph(graph);
  await createPersonsAndPlaces(graph, PERSONS, PLACES);
  first = withRedeliveries(randomCoTravelVisits(PERSONS, PLACES, 21, 'cts'));
  await writeVisits(graph, first);
});

afterAll(async () => {
  await graph?.driver.close();
});

describe('co-travel derived from new sightings (issue 13)', () => {
  it('reads every row of the pairs the marked sightings meet, as a whole read does, and no other pair', async () => {
    const rand = rng(5);
    const third = first.filter(() => rand() < 0.33);
    let pairsRead = 0;
    for (const marked of [first, third]) {
      const met = pairsMet(first, marked);
      for (const reach of [undefined, companionReach(SETTINGS)]) {
        const whole = (await findCoOccurrences(graph, PERSONS, TOLERANCE, reach)).filter((r) =>
          met.has(pairKey(r.a, r.b)),
        );
        const got = (await findSightingCoOccurrences(graph, marksOf(marked), TOLERANCE, reach)).rows;
        expect(got.map(row).sort()).toEqual(whole.map(row).sort());
        pairsRead += new Set(got.map((r) => pairKey(r.a, r.b))).size;
      }
    }
    // the fixture has pairs to read, and a third of the sightings meets fewer of them than all
    expect(pairsMet(first, third).size).toBeLessThan(pairsMet(first, first).size);
    expect(pairsRead).toBeGreaterThan(100);
  });

  it('writes the edges a whole derivation gives the pairs new sightings meet, and leaves every other edge', async () => {
    const settings = { toleranceMinutes: TOLERANCE, minCount: 2 };
    await writeTx(graph, (tx) =>
      tx.run("MATCH (x:Person)-[c:CO_TRAVELED]-() WHERE x.eid STARTS WITH 'P-CTS' DELETE c"),
    );
    await deriveCoTravel(graph, PERSONS, settings);
    const before = await edges(graph);
    const later = withRedeliveries(randomCoTravelVisits(PERSONS, PLACES, 22, 'cts2'));
    await writeVisits(graph, later);
    await deriveCoTravelOfSightings(graph, marksOf(later), settings);
    const after = await edges(graph);

    const met = pairsMet([...first, ...later], later);
    const whole = new Map(
      scoreCoTravel(await findCoOccurrences(graph, PERSONS, TOLERANCE), await population(graph), SETTINGS)
        .filter((p) => p.companions)
        .map((p) => [`${p.x}|${p.y}`, JSON.stringify([p.score, p.count, p.sources, JSON.stringify(p.reasons)])]),
    );
    const pick = (m: Map<string, string>, keep: (pair: string) => boolean) =>
      [...m].filter(([pair]) => keep(pair)).sort();
    expect(pick(after, (p) => met.has(p))).toEqual(pick(whole, (p) => met.has(p)));
    expect(pick(after, (p) => !met.has(p))).toEqual(pick(before, (p) => !met.has(p)));
    // the new sightings made companions and changed edges, and some edges were not theirs to touch
    expect(pick(after, (p) => met.has(p) && after.get(p) !== before.get(p)).length).toBeGreaterThan(0);
    expect(pick(before, (p) => !met.has(p)).length).toBeGreaterThan(0);
  });
  it('names the persons with a marked sighting in a crowd over the limit instead of reading their pairs, and derives them whole', async () => {
    const all = (
      await readTx(graph, (tx) =>
        tx.run(
          "MATCH (p:Person)-[v:VISITED]->(l:Place) WHERE p.eid STARTS WITH 'P-CTS' RETURN p.eid AS eid, l.eid AS place, toString(v.at) AS at, v.rid AS rid",
        ),
      )
    ).records.map((x) => ({
      eid: x.get('eid') as string,
      place: x.get('place') as string,
      at: x.get('at') as string,
      rid: x.get('rid') as string,
    }));
    const rand = rng(9);
    const marked = all.filter(() => rand() < 0.2);
    const records = new Set(marked.map((m) => `${m.eid} ${m.rid}`));
    const expected = new Map<string, number>();
    for (const m of all.filter((v) => records.has(`${v.eid} ${v.rid}`))) {
      const crowd = new Set(
        all
          .filter((o) => o.place === m.place && Math.abs(Date.parse(o.at) - Date.parse(m.at)) <= TOLERANCE * 60_000)
          .map((o) => o.eid),
      ).size;
      expected.set(m.eid, Math.max(expected.get(m.eid) ?? 0, crowd));
    }
    const crowds = [...new Set(expected.values())].sort((x, y) => x - y);
    expect(crowds.length).toBeGreaterThan(2);
    // each limit: the persons over it are named, not read; the others' rows are those read without a limit
    const reach = companionReach(SETTINGS);
    for (const limit of [0, ...crowds]) {
      const read = await findSightingCoOccurrences(graph, marksOf(marked), TOLERANCE, reach, limit);
      const over = [...expected].filter(([, crowd]) => crowd > limit).map(([eid]) => eid);
      expect(read.crowded.sort()).toEqual(over.sort());
      const light = marksOf(marked).filter((m) => !over.includes(m.eid));
      const alone = (await findSightingCoOccurrences(graph, light, TOLERANCE, reach)).rows;
      expect(read.rows.map(row).sort()).toEqual(alone.map(row).sort());
    }

    // a limit of 0: every marked person is derived whole, as deriveCoTravel derives it
    const settings = { toleranceMinutes: TOLERANCE, minCount: 2 };
    const clear = () =>
      writeTx(graph, (tx) => tx.run("MATCH (x:Person)-[c:CO_TRAVELED]-() WHERE x.eid STARTS WITH 'P-CTS' DELETE c"));
    const marks = marked.map((m) => coTravelMark.sighting(m.eid, m.rid));
    await clear();
    const derived = await deriveCoTravelMarks(graph, marks, settings, 0);
    expect(derived.persons.sort()).toEqual([...expected.keys()].sort());
    const routedWhole = await edges(graph);
    await clear();
    await deriveCoTravel(graph, [...expected.keys()], settings);
    expect([...routedWhole].sort()).toEqual([...(await edges(graph))].sort());
    // no limit: every marked sighting is derived by its pairs
    await clear();
    await deriveCoTravelMarks(graph, marks, settings, Number.POSITIVE_INFINITY);
    const routedBySightings = await edges(graph);
    await clear();
    await deriveCoTravelOfSightings(graph, marksOf(marked), settings);
    expect([...routedBySightings].sort()).toEqual([...(await edges(graph))].sort());
    expect(routedBySightings.size).toBeGreaterThan(0);
  });
});
