import { type Graph, writeTx } from '@onemap/graph-schema/server';
import { rng } from './rng.ts';

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

/**
 * Groups of two to four persons travel together (a few legs each: hotel stays that may end
 * apart, rail tickets whose two stations share one record), and everyone passes places alone at
 * random: crowds, strangers met once, pairs met twice at one place. Record ids `<source>:<tag>-<n>`.
 */
export function randomCoTravelVisits(persons: readonly string[], places: readonly string[], seed: number, tag: string): TestVisit[] {
  const rand = rng(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)] as T;
  const time = (day: number, minute: number) => new Date(Date.UTC(2026, 10, 2 + day, 0, minute)).toISOString();
  const visits: TestVisit[] = [];
  let n = 0;
  for (let g = 0; g < 14; g++) {
    const group = [...new Set(Array.from({ length: 2 + Math.floor(rand() * 3) }, () => pick(persons)))];
    for (let leg = 0; leg < 1 + Math.floor(rand() * 3); leg++) {
      const day = Math.floor(rand() * 3);
      const minute = Math.floor(rand() * 1380);
      const place = pick(places);
      const kind = rand();
      for (const eid of group) {
        const at = time(day, minute + Math.floor(rand() * 25));
        if (kind < 0.4) {
          // a hotel stay: ends together or (one in three) a day apart
          const until = time(day + 1 + (rand() < 0.33 ? 1 : 0), 600);
          visits.push({ eid, place, at, until, rid: `hotel:${tag}-${n++}` });
        } else if (kind < 0.7) {
          // a rail ticket: one record, its origin and destination
          const rid = `rail:${tag}-${n++}`;
          visits.push(
            { eid, place, at, rid },
            { eid, place: pick(places.filter((p) => p !== place)), at: time(day, minute + 120), rid },
          );
        } else visits.push({ eid, place, at, rid: `netcafe:${tag}-${n++}` });
      }
    }
  }
  for (let i = 0; i < 160; i++) {
    visits.push({
      eid: pick(persons),
      place: pick(places),
      at: time(Math.floor(rand() * 3), Math.floor(rand() * 1440)),
      rid: `netcafe:${tag}-${n++}`,
    });
  }
  return visits;
}

