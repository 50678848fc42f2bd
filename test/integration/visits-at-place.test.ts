/**
 * "Who was at this place within ±N minutes" (co-travel's co-occurrences, co-location, an
 * early-warning meeting) and "who was at these places in [from, to)" (a collision window, a series
 * scene) read the visits in the window by the `(place, at)` index on `VISITED`
 * (`VISITED.place`, migration V052), not a hub's every visit: at a million records a station's
 * 27 541 visits were read once per sighting there, and the co-travel derivation fell behind the
 * writes. The property must follow a visit moved onto a surviving place (an analyst's merge, the
 * pipeline's merge), or those readers would silently miss it; the migration fills older edges.
 * Counts, never time: the db hits are in docs/api.md ("Who was at a place then").
 * Own ids: `P-VP*`, `L-VP*`, `V-VP*`, `C-VP*`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { type Graph, MIGRATIONS_DIR, migrate, readTx, splitStatements, writeTx } from '@onemap/graph-schema/server';
import type { ProfiledPlan } from 'neo4j-driver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERIES_WINDOW } from '../../resolver/src/derive/series-score.ts';
import { findCoOccurrences } from '../../resolver/src/graph/co-travel.ts';
import { writeTraceRecords } from '../../resolver/src/graph/trace-records.ts';
import { readSightingsNear } from '../../resolver/src/graph/warnings.ts';
import { writeChunk } from '../../resolver/src/graph/write-chunk.ts';
import { type ChunkRows, emptyChunk, type SourceRecordRow } from '../../resolver/src/graph/write-rows.ts';
import { readCoLocation, readWindowHits, type WindowPlaces } from '../../server/src/repositories/analysis.ts';
import { mergeEntities, readDecision, undoDecision } from '../../server/src/repositories/resolution.ts';
import { readSceneSubjects } from '../../server/src/repositories/series.ts';
import { clearGraph, openTestGraph } from '../helpers/graph.ts';
import { printPlan, profilingGraph, replanOnCurrentStatistics, totalHits } from '../helpers/plans.ts';

const HUB = 'L-VPH';
const SUBJECT = 'P-VPS';
/** The hub's visits, one guest each, every 10 minutes: two weeks. */
const STAYS = 2000;
const T0 = Date.parse('2026-10-01T00:00:00Z');
const atMinute = (m: number) => new Date(T0 + m * 60_000).toISOString();
/** The subject's sighting at the hub: at the same time as guest 1000's. */
const SEEN_AT = atMinute(1000 * 10);
const TOLERANCE = 30;
/** Guests within ±30 minutes of the subject: 997..1003. */
const NEAR = [997, 998, 999, 1000, 1001, 1002, 1003].map((k) => `P-VPG${k}`);
const actor = { by: 'test', unit: '620000', purpose: 'test', reason: 'test' };

let graph: Graph;
beforeAll(async () => {
  graph = openTestGraph();
  await clearGraph(graph);
  await migrate(graph);
  await writeTx(graph, (tx) =>
    tx.run(
      `CREATE (h:Entity:Place {eid: $hub, name: '兰州站', placeKind: 'rail_station', location: point({longitude: 103.83, latitude: 36.06}),
                               inSources: ['rail'], recordRoles: ['rail:station']})
       CREATE (s:Entity:Person {eid: $subject, name: '张三', inSources: ['rail']})
       CREATE (s)-[:VISITED {at: datetime($seenAt), kind: 'rail_departure', source: 'rail', rid: 'rail:vps', place: h.eid}]->(h)
       WITH h
       UNWIND range(1, $n) AS k
       CREATE (g:Entity:Person {eid: 'P-VPG' + k, name: '旅客' + k, inSources: ['rail']})
       CREATE (g)-[:VISITED {at: datetime($t0) + duration({minutes: 10 * k}), kind: 'rail_departure', source: 'rail', rid: 'rail:vpg' + k, place: h.eid}]->(h)`,
      { hub: HUB, subject: SUBJECT, seenAt: SEEN_AT, t0: atMinute(0), n: STAYS },
    ),
  );
  // The province is busy meanwhile: as many visits at 100 other places within the subject's window,
  // so neither the hub's visits nor every visit of the window is a bounded read.
  await writeTx(graph, (tx) =>
    tx.run(
      `UNWIND range(0, 99) AS i CREATE (:Entity:Place {eid: 'L-VPO' + i, name: '网吧' + i, inSources: ['rail']})
       WITH count(*) AS made
       MATCH (g:Person) WHERE g.eid STARTS WITH 'P-VPG'
       WITH g, toInteger(substring(g.eid, 5)) AS k
       MATCH (o:Place {eid: 'L-VPO' + (k % 100)})
       CREATE (g)-[:VISITED {at: datetime($seenAt) + duration({minutes: k % 59 - 29}), kind: 'internet_login', source: 'rail', rid: 'rail:vpo' + k, place: o.eid}]->(o)`,
      { seenAt: SEEN_AT },
    ),
  );
  await replanOnCurrentStatistics(graph);
});
afterAll(async () => {
  await graph?.driver.close();
});

/** The most rows any operator of the plan produced. */
function widestRows(p: ProfiledPlan): number {
  return Math.max(p.rows, ...p.children.map(widestRows));
}

/** Whether the plan seeks the `(place, at)` index on `VISITED`. */
function seeksPlaceAt(p: ProfiledPlan): boolean {
  const details = String((p.arguments as Record<string, unknown>).Details ?? '');
  return (
    (/RelationshipIndexSeek/.test(p.operatorType) && details.includes('VISITED(place, at)')) ||
    p.children.some(seeksPlaceAt)
  );
}

/**
 * The plans of one read seek the `(place, at)` index and stay bounded by the hub's visits in the
 * window (8 to 10), far below the hub's degree or the window's visits elsewhere
 * (`ONEMAP_PRINT_PLANS=1` prints them).
 */
function expectBoundedByTheWindow(name: string, plans: ProfiledPlan[]): void {
  expect(plans.length).toBeGreaterThan(0);
  const hits = plans.reduce((s, p) => s + totalHits(p), 0);
  const widest = Math.max(...plans.map(widestRows));
  if (process.env.ONEMAP_PRINT_PLANS)
    console.log(
      `${name}: ${hits} db hits, widest operator ${widest} rows\n${plans.flatMap((p) => printPlan(p)).join('\n')}`,
    );
  expect(plans.some(seeksPlaceAt)).toBe(true);
  expect(widest).toBeLessThan(STAYS / 20);
  expect(hits).toBeLessThan(STAYS / 2);
}

/** Each reader of "who was at the hub within ±30 minutes of the subject's sighting", with what it must answer. */
const READERS: { name: string; read: (g: Graph) => Promise<string[]>; expected: string[] }[] = [
  {
    name: 'co-travel (findCoOccurrences)',
    read: async (g) => (await findCoOccurrences(g, [SUBJECT], TOLERANCE)).map((r) => r.b).sort(),
    expected: [...NEAR].sort(),
  },
  {
    name: 'co-location (readCoLocation)',
    read: async (g) =>
      (
        await readCoLocation(
          g,
          {
            eid: SUBJECT,
            from: atMinute(0),
            to: atMinute(30 * 24 * 60),
            windowMinutes: TOLERANCE,
            radiusM: 100,
            minCount: 1,
            limit: 100,
          },
          ['rail'],
        )
      ).rows
        .map((r) => r.eid)
        .sort(),
    expected: [...NEAR].sort(),
  },
  {
    name: 'early warning (readSightingsNear)',
    read: async (g) =>
      (
        await readSightingsNear(g, {
          placeEid: HUB,
          eids: ['P-VPG1000', 'P-VPG5', 'P-VPG1999'],
          at: SEEN_AT,
          minutes: TOLERANCE,
          vs: ['rail'],
        })
      ).map((r) => r.eid),
    expected: ['P-VPG1000'],
  },
];

describe(`who was at a hub of ${STAYS} visits within ±${TOLERANCE} minutes`, () => {
  for (const r of READERS) {
    it(`${r.name} reads the visits in the window by the (place, at) index, not the hub's every visit`, async () => {
      const plans: ProfiledPlan[] = [];
      expect(await r.read(profilingGraph(graph, plans).graph)).toEqual(r.expected);
      expectBoundedByTheWindow(r.name, plans);
    });
  }
});

/**
 * A collision window and a series scene at the hub: [minute 5 000, minute 5 060), guest 500's visit
 * to guest 506's, exclusive — guests 500..505 — and, in it, a vehicle (with an owner), a person
 * known only from `hotel` (a rail-only viewer must not see them), a case's own involvement trace
 * (`incident`: a collision hit, never "near the scene") and a person routinely there (at the hub on
 * four days: near the scene but left out).
 */
const WINDOW = { from: atMinute(5000), to: atMinute(5060) };
const WINDOW_GUESTS = [500, 501, 502, 503, 504, 505].map((k) => `P-VPG${k}`);
const VEHICLE = 'V-VPWV';
const OWNER = 'P-VPWO';
const HOTEL_GUEST = 'P-VPWH';
const INCIDENT = 'P-VPWI';
const REGULAR = 'P-VPWR';
/** Minute of each extra subject's (first) visit at the hub in the window. */
const EXTRA_AT: Record<string, number> = { [VEHICLE]: 5015, [HOTEL_GUEST]: 5025, [INCIDENT]: 5035, [REGULAR]: 5045 };
const RAIL = ['rail'];
const RAIL_AND_HOTEL = ['rail', 'hotel'];
const HUB_LOCATION = { lon: 103.83, lat: 36.06 };
const SCENE = {
  eid: 'C-VPW',
  ...HUB_LOCATION,
  ...WINDOW,
  routineFrom: atMinute(5030 - SERIES_WINDOW.routineWindowDays * 1440),
  routineTo: atMinute(5030 + SERIES_WINDOW.routineWindowDays * 1440),
};

/** What a window at the hub reads for viewer `vs`: eid → its first hit (minute, place, source). */
function expectedWindowHits(vs: readonly string[]): Map<string, { minute: number; placeEid: string; source: string }> {
  const hits = new Map(
    WINDOW_GUESTS.map((eid) => [eid, { minute: Number(eid.slice(5)) * 10, placeEid: HUB, source: 'rail' }]),
  );
  for (const [eid, minute] of Object.entries(EXTRA_AT)) {
    const source = eid === HOTEL_GUEST ? 'hotel' : 'rail';
    if (vs.includes(source)) hits.set(eid, { minute, placeEid: HUB, source });
  }
  return hits;
}

/** Who is near the scene for viewer `vs`: the window's persons and vehicles less the incident trace and the regular, and the vehicle's owner. */
function expectedSceneSubjects(vs: readonly string[]): string[] {
  const seen = [...expectedWindowHits(vs).keys()].filter((eid) => eid !== INCIDENT && eid !== REGULAR);
  return [...seen, OWNER].sort();
}

async function windowHits(g: Graph, w: WindowPlaces, vs: readonly string[]) {
  const { hits, truncated } = await readWindowHits(g, { ...w, ...WINDOW }, ['Person', 'Vehicle'], vs);
  expect(truncated).toBe(false);
  return new Map(
    hits.map((h) => [
      h.eid,
      { minute: (Date.parse(h.hit.at) - T0) / 60_000, placeEid: h.hit.placeEid, source: h.hit.source },
    ]),
  );
}

async function sceneSubjects(g: Graph, vs: readonly string[]): Promise<string[]> {
  const { subjects, truncated } = await readSceneSubjects(
    g,
    [SCENE],
    { radiusM: SERIES_WINDOW.nearbyRadiusM, routineDays: SERIES_WINDOW.routineDays },
    vs,
  );
  expect(truncated).toBe(false);
  expect([...subjects.keys()]).toEqual([SCENE.eid]);
  return subjects.get(SCENE.eid) ?? [];
}

/** The hub as a collision window finds it: by a circle around it, or listed (a polygon's or jurisdiction's places). */
const WINDOW_PLACES: { name: string; places: WindowPlaces }[] = [
  { name: 'a circle', places: { ...HUB_LOCATION, radiusM: 100 } },
  { name: 'listed places', places: { placeEids: [HUB] } },
];

describe(`a collision window and a series scene at a hub of ${STAYS} visits`, () => {
  beforeAll(async () => {
    await writeTx(graph, (tx) =>
      tx.run(
        `MATCH (h:Place {eid: $hub})
         CREATE (v:Entity:Vehicle {eid: $vehicle, inSources: ['rail']})<-[:OWNS {source: 'rail', rid: 'rail:vpwo'}]-(:Entity:Person {eid: $owner, name: '车主', inSources: ['rail']})
         CREATE (v)-[:VISITED {at: datetime($t0) + duration({minutes: $at.vehicle}), kind: 'checkpoint_pass', source: 'rail', rid: 'rail:vpwv', place: h.eid}]->(h)
         CREATE (:Entity:Person {eid: $hotelGuest, name: '住客', inSources: ['hotel']})
                -[:VISITED {at: datetime($t0) + duration({minutes: $at.hotelGuest}), kind: 'hotel_checkin', source: 'hotel', rid: 'hotel:vpwh', place: h.eid}]->(h)
         CREATE (:Entity:Person {eid: $incident, name: '当事人', inSources: ['rail']})
                -[:VISITED {at: datetime($t0) + duration({minutes: $at.incident}), kind: 'incident', source: 'rail', rid: 'rail:vpwi', place: h.eid}]->(h)
         CREATE (r:Entity:Person {eid: $regular, name: '常客', inSources: ['rail']})
         WITH h, r
         UNWIND range(0, 3) AS day
         CREATE (r)-[:VISITED {at: datetime($t0) + duration({minutes: $at.regular + day * 1440}), kind: 'rail_departure', source: 'rail', rid: 'rail:vpwr' + day, place: h.eid}]->(h)`,
        {
          hub: HUB,
          vehicle: VEHICLE,
          owner: OWNER,
          hotelGuest: HOTEL_GUEST,
          incident: INCIDENT,
          regular: REGULAR,
          t0: atMinute(0),
          at: {
            vehicle: EXTRA_AT[VEHICLE],
            hotelGuest: EXTRA_AT[HOTEL_GUEST],
            incident: EXTRA_AT[INCIDENT],
            regular: EXTRA_AT[REGULAR],
          },
        },
      ),
    );
    await replanOnCurrentStatistics(graph);
  });

  for (const { name, places } of WINDOW_PLACES) {
    it(`a collision window over ${name} (readWindowHits) answers each viewer what it sees: [from, to), first hit, no hidden source`, async () => {
      for (const vs of [RAIL, RAIL_AND_HOTEL])
        expect(await windowHits(graph, places, vs)).toEqual(expectedWindowHits(vs));
    });

    it(`a collision window over ${name} (readWindowHits) reads the visits in the window by the (place, at) index, not the hub's every visit`, async () => {
      const plans: ProfiledPlan[] = [];
      expect(await windowHits(profilingGraph(graph, plans).graph, places, RAIL)).toEqual(expectedWindowHits(RAIL));
      expectBoundedByTheWindow(`collision window over ${name}`, plans);
    });
  }

  it('a series scene (readSceneSubjects) answers each viewer who was near it: persons and vehicles, not its own trace, not a regular, with owners', async () => {
    for (const vs of [RAIL, RAIL_AND_HOTEL]) expect(await sceneSubjects(graph, vs)).toEqual(expectedSceneSubjects(vs));
  });

  it("a series scene (readSceneSubjects) reads the visits in its window by the (place, at) index, not the hub's every visit", async () => {
    const plans: ProfiledPlan[] = [];
    expect(await sceneSubjects(profilingGraph(graph, plans).graph, RAIL)).toEqual(expectedSceneSubjects(RAIL));
    expectBoundedByTheWindow('series scene', plans);
  });
});

/** A source record of the chunk writer, resolving to `resolved`. */
function record(rid: string, resolved: SourceRecordRow['resolved']): SourceRecordRow {
  return {
    rid,
    source: 'rail',
    recordId: rid.split(':')[1] as string,
    receivedAt: '2026-11-01T00:00:00Z',
    hash: rid,
    file: 'f',
    line: 1,
    batchId: 'b',
    attrs: '{}',
    mentions: '{}',
    flags: [],
    resolved,
    isNew: true,
  };
}

const entity = (
  eid: string,
  kind: 'Person' | 'Place',
  lon: number | null = null,
  lat: number | null = null,
): ChunkRows['entities'][number] => ({
  eid,
  kind,
  props: { name: eid },
  provenance: '{}',
  searchText: eid,
  lon,
  lat,
});

/** Persons `a` at place `from` and `b` at place `into` five minutes apart, by the chunk writer; the places 45 km apart, on their own parallel `lat`. */
async function twoPlaces(prefix: string, a: string, b: string, lat: number): Promise<{ from: string; into: string }> {
  const from = `L-VP${prefix}2`;
  const into = `L-VP${prefix}1`;
  const c = emptyChunk(1);
  c.entities.push(
    entity(a, 'Person'),
    entity(b, 'Person'),
    entity(into, 'Place', 104.5, lat),
    entity(from, 'Place', 105.0, lat),
  );
  const visit = (who: string, where: string, at: string) => {
    const rid = `rail:${who}`;
    c.records.push(
      record(rid, [
        { eid: who, role: 'passenger', score: 1, decision: 'new' },
        { eid: where, role: 'station', score: 1, decision: 'match' },
      ]),
    );
    c.visits.push({ subject: who, place: where, at, until: null, kind: 'rail_departure', source: 'rail', rid });
  };
  visit(a, from, '2026-11-02T08:00:00Z');
  visit(b, into, '2026-11-02T08:05:00Z');
  await writeChunk(graph, c);
  return { from, into };
}

/** Visits whose `place` is not the eid of the place they end at (none must be). */
async function visitsAtAnotherPlace(): Promise<number> {
  return readTx(graph, async (tx) => {
    const r = await tx.run(
      'MATCH ()-[v:VISITED]->(p:Place) WHERE v.place IS NULL OR v.place <> p.eid RETURN count(v) AS n',
    );
    return Number(r.records[0]?.get('n'));
  });
}

const coLocated = async (eid: string) =>
  (
    await readCoLocation(
      graph,
      {
        eid,
        from: '2026-11-01T00:00:00Z',
        to: '2026-11-03T00:00:00Z',
        windowMinutes: TOLERANCE,
        radiusM: 100,
        minCount: 1,
        limit: 10,
      },
      ['rail'],
    )
  ).rows.map((r) => r.eid);
const coTravellers = async (eid: string) =>
  (await findCoOccurrences(graph, [eid], TOLERANCE)).map((r) => `${r.b}@${r.place}`);

describe('a visit moved onto a surviving place is found at it', () => {
  it("an analyst's merge of two places: co-location and co-travel find the merged place's visit at the survivor (and its undo at its own)", async () => {
    const { from, into } = await twoPlaces('M', 'P-VPMA', 'P-VPMB', 36.5);
    expect(await coTravellers('P-VPMA')).toEqual([]);
    expect(await coLocated('P-VPMA')).toEqual([]);
    const id = await mergeEntities(graph, into, [from], actor);
    expect(await visitsAtAnotherPlace()).toBe(0);
    expect(await coTravellers('P-VPMA')).toEqual([`P-VPMB@${into}`]);
    expect(await coLocated('P-VPMA')).toEqual(['P-VPMB']);
    // undone, the visit is back at its own place, and says so
    const d = await readDecision(graph, id);
    await undoDecision(graph, d as NonNullable<typeof d>, 'test');
    expect(await visitsAtAnotherPlace()).toBe(0);
    expect(await coTravellers('P-VPMA')).toEqual([]);
  });

  it("the pipeline's merge of two places: the merged place's visits move to the survivor and are found there", async () => {
    const { from, into } = await twoPlaces('R', 'P-VPRA', 'P-VPRB', 37.5);
    expect(await coTravellers('P-VPRA')).toEqual([]);
    const merge = emptyChunk(2);
    merge.entities.push(entity(into, 'Place', 104.5, 37.5));
    merge.merges.push({ from, into, reason: 'test' });
    await writeChunk(graph, merge);
    expect(await visitsAtAnotherPlace()).toBe(0);
    expect(await coTravellers('P-VPRA')).toEqual([`P-VPRB@${into}`]);
    expect(await coLocated('P-VPRA')).toEqual(['P-VPRB']);
  });
});

describe('every writer says where a visit is', () => {
  it('the trace writer (a vehicle passing a checkpoint) writes the place of its visit', async () => {
    await writeTx(graph, (tx) =>
      tx.run(
        `CREATE (:Entity:Vehicle {eid: 'V-VPT', inSources: ['checkpoint']})-[:HAS_IDENTIFIER {source: 'checkpoint', rid: 'checkpoint:vpt0'}]->(:Identifier {kind: 'plate', value: '甘A0VPT1'})
         CREATE (:Entity:Place {eid: 'L-VPT', inSources: ['checkpoint']})-[:HAS_IDENTIFIER {source: 'checkpoint', rid: 'checkpoint:vpt0'}]->(:Identifier {kind: 'place_code', value: 'PC-VPT'})`,
      ),
    );
    const rid = 'checkpoint:vpt1';
    const trace = {
      record: {
        ...record(rid, []),
        source: 'checkpoint',
        resolved: [
          { role: 'vehicle', score: 1, decision: 'anchor' },
          { role: 'checkpoint', score: 1, decision: 'anchor' },
        ],
      },
      anchors: { vehicle: 'Vehicle|plate|甘A0VPT1', checkpoint: 'Place|place_code|PC-VPT' },
      visits: [
        {
          subjectRole: 'vehicle',
          placeRole: 'checkpoint',
          at: '2026-11-03T08:00:00Z',
          until: null,
          kind: 'checkpoint_pass',
          source: 'checkpoint',
          rid,
        },
      ],
    };
    const anchors = [
      { kind: 'Vehicle', idKind: 'plate', value: '甘A0VPT1' },
      { kind: 'Place', idKind: 'place_code', value: 'PC-VPT' },
    ];
    const written = await writeTraceRecords(graph, [{ id: 'g1', records: [trace] }], anchors, async () => {});
    expect(written.groups.get('g1')).not.toBe('leader');
    const places = await readTx(graph, async (tx) => {
      const r = await tx.run("MATCH (:Vehicle {eid: 'V-VPT'})-[v:VISITED]->() RETURN v.place AS place");
      return r.records.map((x) => x.get('place'));
    });
    expect(places).toEqual(['L-VPT']);
  });
});

describe('migration V052', () => {
  it('fills the place of visits written before it, and the readers find them again', async () => {
    await writeTx(graph, (tx) => tx.run('MATCH ()-[v:VISITED]->() REMOVE v.place'));
    expect(await coTravellers('P-VPRA')).toEqual([]);
    const text = fs.readFileSync(path.join(MIGRATIONS_DIR, 'V052__visited_place_at.cypher'), 'utf8');
    const session = graph.driver.session({ database: graph.database });
    try {
      for (const statement of splitStatements(text)) await session.run(statement);
    } finally {
      await session.close();
    }
    expect(await visitsAtAnotherPlace()).toBe(0);
    expect(await coTravellers('P-VPRA')).toEqual(['P-VPRB@L-VPR1']);
    expect((await findCoOccurrences(graph, [SUBJECT], TOLERANCE)).map((r) => r.b).sort()).toEqual([...NEAR].sort());
  });
});
