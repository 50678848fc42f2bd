/**
 * Findings of the seventh security review on early-warning rules, each kept as the test that
 * failed before its fix. A rule is evaluated in its creator's view (`viewSources`), but the
 * evaluator read values merged over EVERY source: a record of a source outside the view fired or
 * suppressed the unit's alerts. Each test builds the same small world twice — with and without
 * one record of a hidden source — evaluates the rule on the same visible sighting, and asks for
 * the same hits:
 * - P2 a meet or gather rule counted the other subjects' sightings of every source
 *   (`readSightingsNear` reads the view's only; a gathering is keyed by its sightings);
 * - P11 a checkpoint rule read the place's kind, a node value a hidden source may have chosen;
 * - a place's point (polygon), county (jurisdiction) and home-ness (home cell coarsening) were
 *   read over every source, and a sighting outside the view was evaluated (`placeInView`,
 *   `isHomeForSourcesCypher`);
 * - a subject's first sighting (no sighting before it) was dropped by the reader.
 */
import type { Graph } from '@onemap/graph-schema/server';
import { evaluateWarnings } from '@onemap/resolver/derive';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEnv } from '../helpers/env.ts';
import { clearGraph, openTestGraph } from '../helpers/graph.ts';

const CHANNEL = `onemap:events:review7-${process.pid}`;
/** The rule's view; `secret` is a source outside it. */
const VIEW = ['open', 'cam'];
const HIDDEN = 'secret';

let graph: Graph;
let redis: Redis;
beforeAll(() => {
  graph = openTestGraph();
  redis = new Redis(testEnv.REDIS_URL, { maxRetriesPerRequest: 3 });
});
afterAll(async () => {
  redis?.disconnect();
  await graph?.driver.close();
});

interface PlaceSpec {
  eid: string;
  lon?: number;
  lat?: number;
  kind?: string;
  unitCode?: string;
  /** property → the source its value was chosen from */
  chosenFrom?: Record<string, string>;
  /** place facts; absent: the node has none (readers fall back to its edges) */
  recordRoles?: string[];
  /** place facts: `<source>:<lon>:<lat>` of the records stating a point */
  pointStatements?: string[];
}
interface SightingSpec {
  subject: string;
  place: string;
  rid: string;
  source: string;
  at: string;
  kind?: string;
  /** evaluated (a fact the batch touched) */
  touched?: boolean;
}
interface World {
  subjects: { eid: string; label: 'Person' | 'Vehicle' }[];
  places: PlaceSpec[];
  sightings: SightingSpec[];
  /** other edges into places: RESIDES_AT of a source, a record in a role */
  residesAt?: { person: string; place: string; source: string }[];
  records?: { rid: string; source: string; place: string; role: string }[];
  rule: {
    kind: string;
    subjects: string[];
    areaJson?: string;
    trigger?: string;
    placeEids?: string[];
    windowMinutes?: number;
    minCount?: number;
  };
}

/** Builds the world on an empty graph, evaluates its touched sightings, and returns the rule's hits (what fired them, not when). */
async function hitsOf(w: World) {
  await clearGraph(graph);
  const q = (cypher: string, params: Record<string, unknown>) =>
    graph.driver.executeQuery(cypher, params, { database: graph.database });
  for (const s of w.subjects)
    await q(s.label === 'Person' ? 'CREATE (:Entity:Person {eid: $eid})' : 'CREATE (:Entity:Vehicle {eid: $eid})', s);
  for (const p of w.places)
    await q(
      `CREATE (p:Entity:Place {eid: $eid, placeKind: $kind, unitCode: $unitCode, provenance: $provenance, recordRoles: $recordRoles, pointStatements: $pointStatements})
       SET p.location = CASE WHEN $lon IS NULL THEN null ELSE point({longitude: $lon, latitude: $lat}) END`,
      {
        eid: p.eid,
        kind: p.kind ?? null,
        unitCode: p.unitCode ?? null,
        lon: p.lon ?? null,
        lat: p.lat ?? null,
        recordRoles: p.recordRoles ?? null,
        pointStatements: p.pointStatements ?? null,
        provenance: JSON.stringify(
          Object.fromEntries(
            Object.entries(p.chosenFrom ?? {}).map(([prop, source]) => [prop, { source, rid: `${source}:x` }]),
          ),
        ),
      },
    );
  for (const s of w.sightings)
    await q(
      `MATCH (e:Entity {eid: $subject}), (p:Place {eid: $place})
       CREATE (e)-[:VISITED {rid: $rid, source: $source, at: datetime($at), kind: $kind, place: p.eid}]->(p)`,
      { ...s, kind: s.kind ?? 'stay' },
    );
  for (const r of w.residesAt ?? [])
    await q(
      'MATCH (e:Entity {eid: $person}), (p:Place {eid: $place}) CREATE (e)-[:RESIDES_AT {source: $source}]->(p)',
      r,
    );
  for (const r of w.records ?? [])
    await q(
      'MATCH (p:Place {eid: $place}) CREATE (:SourceRecord {rid: $rid, source: $source})-[:RESOLVED_TO {role: $role}]->(p)',
      r,
    );
  await q(
    `CREATE (w:WarningRule {id: 'R-REVIEW7', active: true, createdAt: datetime(), expiresAt: datetime() + duration('P1D'), unitCode: '620102'})
     SET w += $props`,
    {
      props: {
        kind: w.rule.kind,
        subjects: w.rule.subjects,
        areaJson: w.rule.areaJson ?? null,
        trigger: w.rule.trigger ?? (w.rule.kind === 'area' ? 'both' : null),
        placeEids: w.rule.placeEids ?? [],
        windowMinutes: w.rule.windowMinutes ?? null,
        minCount: w.rule.minCount ?? null,
        knownCompanions: [],
        viewSources: VIEW,
      },
    },
  );
  await evaluateWarnings(
    graph,
    redis,
    w.sightings
      .filter((s) => s.touched)
      .map((s) => ({ eid: s.subject, type: 'trace' as const, at: s.at, source: s.source, rid: s.rid })),
    CHANNEL,
  );
  const r = await q(
    `MATCH (h:WarningHit {ruleId: 'R-REVIEW7'})
     RETURN h.detail AS detail, h.eids AS eids, h.placeEid AS placeEid, h.sources AS sources, h.rids AS rids ORDER BY h.key`,
    {},
  );
  return r.records.map((x) => x.toObject());
}

/** Hits with and without the hidden part of a world. */
async function withAndWithout(make: (hidden: boolean) => World) {
  return { withHidden: await hitsOf(make(true)), without: await hitsOf(make(false)) };
}

const square = (lon: number, lat: number, d: number) =>
  JSON.stringify({
    polygon: {
      type: 'Polygon',
      coordinates: [
        [
          [lon - d, lat - d],
          [lon + d, lat - d],
          [lon + d, lat + d],
          [lon - d, lat + d],
          [lon - d, lat - d],
        ],
      ],
    },
  });
const persons = (...eids: string[]) => eids.map((eid) => ({ eid, label: 'Person' as const }));
const HOTEL = { eid: 'L-R7-HOTEL', lon: 103.9, lat: 36.1, chosenFrom: { lon: 'open' }, recordRoles: ['open:hotel'] };
/** Somewhere a subject was seen the day before (so the evaluated sighting is not its first). */
const ELSEWHERE = { eid: 'L-R7-ELSE', lon: 103.5, lat: 36.5, chosenFrom: { lon: 'open' }, recordRoles: ['open:hotel'] };
const dayBefore = (subject: string, source = 'open'): SightingSpec => ({
  subject,
  place: ELSEWHERE.eid,
  rid: `${source}:${subject}-0`,
  source,
  at: '2026-04-13T12:00:00Z',
});

describe('P2 meet and gather rules count only the sightings of the rule’s view', () => {
  it('a hidden sighting does not complete a gathering', async () => {
    const { withHidden, without } = await withAndWithout((hidden) => ({
      subjects: persons('P-A', 'P-B', 'P-C'),
      places: [ELSEWHERE, HOTEL],
      sightings: [
        dayBefore('P-B'),
        { subject: 'P-A', place: HOTEL.eid, rid: 'open:a1', source: 'open', at: '2026-04-14T12:00:00Z' },
        ...(hidden
          ? [{ subject: 'P-C', place: HOTEL.eid, rid: 'secret:c1', source: HIDDEN, at: '2026-04-14T12:05:00Z' }]
          : []),
        { subject: 'P-B', place: HOTEL.eid, rid: 'open:b1', source: 'open', at: '2026-04-14T12:10:00Z', touched: true },
      ],
      rule: { kind: 'gather', subjects: ['P-A', 'P-B', 'P-C'], minCount: 3, windowMinutes: 60 },
    }));
    expect(without).toEqual([]);
    expect(withHidden).toEqual(without);
  });

  it('a hidden sighting earlier in the window does not take a member’s place in a gathering (nor its key)', async () => {
    const { withHidden, without } = await withAndWithout((hidden) => ({
      subjects: persons('P-A', 'P-B', 'P-C'),
      places: [ELSEWHERE, HOTEL],
      sightings: [
        dayBefore('P-C'),
        ...(hidden
          ? [{ subject: 'P-B', place: HOTEL.eid, rid: 'secret:b0', source: HIDDEN, at: '2026-04-14T11:55:00Z' }]
          : []),
        { subject: 'P-A', place: HOTEL.eid, rid: 'open:a1', source: 'open', at: '2026-04-14T12:00:00Z' },
        { subject: 'P-B', place: HOTEL.eid, rid: 'open:b1', source: 'open', at: '2026-04-14T12:10:00Z' },
        { subject: 'P-C', place: HOTEL.eid, rid: 'open:c1', source: 'open', at: '2026-04-14T12:20:00Z', touched: true },
      ],
      rule: { kind: 'gather', subjects: ['P-A', 'P-B', 'P-C'], minCount: 3, windowMinutes: 60 },
    }));
    expect(without).toHaveLength(1);
    expect(without[0]).toMatchObject({ eids: ['P-A', 'P-B', 'P-C'], sources: ['open'] });
    expect(withHidden).toEqual(without);
  });

  it('the same persons gathering at the same place on two days are two hits', async () => {
    const day = (d: string, touched: boolean) => [
      { subject: 'P-A', place: HOTEL.eid, rid: `open:a${d}`, source: 'open', at: `2026-04-${d}T12:00:00Z`, touched },
      { subject: 'P-B', place: HOTEL.eid, rid: `open:b${d}`, source: 'open', at: `2026-04-${d}T12:10:00Z`, touched },
      { subject: 'P-C', place: HOTEL.eid, rid: `open:c${d}`, source: 'open', at: `2026-04-${d}T12:20:00Z`, touched },
    ];
    const hits = await hitsOf({
      subjects: persons('P-A', 'P-B', 'P-C'),
      places: [ELSEWHERE, HOTEL],
      sightings: [dayBefore('P-A'), dayBefore('P-B'), dayBefore('P-C'), ...day('14', true), ...day('15', true)],
      rule: { kind: 'gather', subjects: ['P-A', 'P-B', 'P-C'], minCount: 3, windowMinutes: 60 },
    });
    expect(hits.map((h) => [...(h.rids as string[])].sort())).toEqual([
      ['open:a14', 'open:b14', 'open:c14'],
      ['open:a15', 'open:b15', 'open:c15'],
    ]);
  });

  it('a hidden sighting makes no meeting', async () => {
    const { withHidden, without } = await withAndWithout((hidden) => ({
      subjects: persons('P-A', 'P-B'),
      places: [ELSEWHERE, HOTEL],
      sightings: [
        dayBefore('P-A'),
        ...(hidden
          ? [{ subject: 'P-B', place: HOTEL.eid, rid: 'secret:b1', source: HIDDEN, at: '2026-04-14T12:05:00Z' }]
          : []),
        { subject: 'P-A', place: HOTEL.eid, rid: 'open:a1', source: 'open', at: '2026-04-14T12:00:00Z', touched: true },
      ],
      rule: { kind: 'meet', subjects: ['P-A', 'P-B'], windowMinutes: 30 },
    }));
    expect(without).toEqual([]);
    expect(withHidden).toEqual(without);
  });
});

describe('P11 a checkpoint rule reads the place’s kind only from the rule’s view', () => {
  it('a place only a hidden source calls a checkpoint is none for the rule', async () => {
    const { withHidden, without } = await withAndWithout((hidden) => ({
      subjects: [{ eid: 'V-A', label: 'Vehicle' }],
      places: [
        hidden
          ? ({
              eid: 'L-R7-KK',
              lon: 103.9,
              lat: 36.1,
              kind: 'checkpoint',
              chosenFrom: { lon: 'cam', placeKind: HIDDEN },
              recordRoles: ['cam:place'],
            } as PlaceSpec)
          : { eid: 'L-R7-KK', lon: 103.9, lat: 36.1, chosenFrom: { lon: 'cam' }, recordRoles: ['cam:place'] },
        ELSEWHERE,
      ],
      sightings: [
        dayBefore('V-A', 'cam'),
        { subject: 'V-A', place: 'L-R7-KK', rid: 'cam:1', source: 'cam', at: '2026-04-14T12:00:00Z', touched: true },
      ],
      rule: { kind: 'checkpoint', subjects: ['V-A'] },
    }));
    expect(without).toEqual([]);
    expect(withHidden).toEqual(without);
  });
});

describe('area rules read a place’s point, county and home-ness from the rule’s view only', () => {
  const OUT = { eid: 'L-R7-OUT', lon: 103.5, lat: 36.5, chosenFrom: { lon: 'open' }, recordRoles: ['open:hotel'] };
  /** Seen before at place `before`, now at `now` (both visible sightings). */
  const moved = (before: PlaceSpec, now: PlaceSpec, rule: World['rule'], extra: Partial<World> = {}): World => ({
    subjects: persons('P-A'),
    places: [before, now],
    sightings: [
      { subject: 'P-A', place: before.eid, rid: 'open:a0', source: 'open', at: '2026-04-13T12:00:00Z' },
      { subject: 'P-A', place: now.eid, rid: 'open:a1', source: 'open', at: '2026-04-14T12:00:00Z', touched: true },
    ],
    rule,
    ...extra,
  });
  const IN = {
    eid: 'L-R7-IN',
    lon: 103.9,
    lat: 36.1,
    unitCode: '620102',
    chosenFrom: { lon: 'open', unitCode: 'open' },
    recordRoles: ['open:hotel'],
  };

  it('a point only a hidden source states does not place the sighting before inside the polygon (an enter is not swallowed)', async () => {
    const { withHidden, without } = await withAndWithout((hidden) =>
      moved(
        hidden
          ? { eid: 'L-R7-PREV', lon: 103.901, lat: 36.101, chosenFrom: { lon: HIDDEN }, recordRoles: ['open:hotel'] }
          : { eid: 'L-R7-PREV', recordRoles: ['open:hotel'] },
        IN,
        { kind: 'area', subjects: ['P-A'], areaJson: square(103.9, 36.1, 0.01), trigger: 'enter' },
      ),
    );
    expect(without).toMatchObject([{ detail: 'enter', eids: ['P-A'] }]);
    expect(withHidden).toEqual(without);
  });

  it('a hidden record stating the point a visible record states, received last, does not take the place out of the polygon (s16point)', async () => {
    const { withHidden, without } = await withAndWithout((hidden) =>
      moved(
        OUT,
        {
          ...IN,
          chosenFrom: { lon: hidden ? HIDDEN : 'open', unitCode: 'open' },
          pointStatements: hidden ? ['open:103.9:36.1', `${HIDDEN}:103.9:36.1`] : ['open:103.9:36.1'],
        },
        { kind: 'area', subjects: ['P-A'], areaJson: square(103.9, 36.1, 0.01), trigger: 'enter' },
      ),
    );
    expect(without).toMatchObject([{ detail: 'enter', eids: ['P-A'], sources: ['open'] }]);
    expect(withHidden).toEqual(without);
  });

  it('a county only a hidden source states does not place the sighting before in the jurisdiction', async () => {
    const { withHidden, without } = await withAndWithout((hidden) =>
      moved(
        hidden
          ? { eid: 'L-R7-PREV', unitCode: '620102', chosenFrom: { unitCode: HIDDEN }, recordRoles: ['open:hotel'] }
          : { eid: 'L-R7-PREV', recordRoles: ['open:hotel'] },
        IN,
        { kind: 'area', subjects: ['P-A'], areaJson: JSON.stringify({ prefix: '620102' }), trigger: 'enter' },
      ),
    );
    expect(without).toMatchObject([{ detail: 'enter', eids: ['P-A'] }]);
    expect(withHidden).toEqual(without);
  });

  // A polygon tight around the place's exact point, away from its ~1 km cell: it fires on the
  // place as an exact point, not on a home (placed at its cell).
  const tight = square(103.9123, 36.1123, 0.0005);
  const PLACE = { eid: 'L-R7-HOME', lon: 103.9123, lat: 36.1123, chosenFrom: { lon: 'open' } };
  /** How a source says the place is a home: a fact on the place, an edge into it, or a residence trace of someone else there. */
  type HomeFact = {
    place: PlaceSpec;
    residesAt?: World['residesAt'];
    records?: World['records'];
    residenceSource?: string;
  };
  const homeBy: Record<string, (source: string) => HomeFact> = {
    'its kind': (source) => ({
      place: {
        ...PLACE,
        kind: 'home',
        chosenFrom: { ...PLACE.chosenFrom, placeKind: source },
        recordRoles: ['open:place'],
      },
    }),
    'a RESIDES_AT edge': (source) => ({
      place: { ...PLACE, recordRoles: ['open:place'] },
      residesAt: [{ person: 'P-Z', place: PLACE.eid, source }],
    }),
    'a record in the role home (place facts)': (source) => ({
      place: { ...PLACE, recordRoles: ['open:place', `${source}:home`] },
    }),
    'a record in the role home (no place facts)': (source) => ({
      place: PLACE,
      records: [{ rid: `${source}:h1`, source, place: PLACE.eid, role: 'home' }],
    }),
    'a residence trace': (source) => ({ place: { ...PLACE, recordRoles: ['open:place'] }, residenceSource: source }),
  };
  for (const [how, make] of Object.entries(homeBy)) {
    /** The place as a home of `homeSource`, or (null) as nobody's home. */
    const world = (homeSource: string | null): World => {
      const m: HomeFact = homeSource === null ? { place: { ...PLACE, recordRoles: ['open:place'] } } : make(homeSource);
      const w = moved(
        OUT,
        m.place,
        { kind: 'area', subjects: ['P-A'], areaJson: tight, trigger: 'enter' },
        { residesAt: m.residesAt, records: m.records },
      );
      w.subjects.push({ eid: 'P-Z', label: 'Person' });
      if (m.residenceSource)
        w.sightings.push({
          subject: 'P-Z',
          place: PLACE.eid,
          rid: `${m.residenceSource}:z1`,
          source: m.residenceSource,
          at: '2026-04-01T00:00:00Z',
          kind: 'residence',
        });
      return w;
    };
    it(`a home by ${how} of a hidden source is not coarsened to its cell; of a visible source it is`, async () => {
      const without = await hitsOf(world(null));
      expect(without).toMatchObject([{ detail: 'enter', eids: ['P-A'] }]);
      expect(await hitsOf(world(HIDDEN))).toEqual(without);
      expect(await hitsOf(world('open')), 'a home the view knows is placed at its cell').toEqual([]);
    });
  }

  it('a sighting of a source outside the view is not evaluated', async () => {
    const { withHidden, without } = await withAndWithout((hidden) => ({
      subjects: persons('P-A'),
      places: [OUT, IN],
      sightings: [
        { subject: 'P-A', place: OUT.eid, rid: 'open:a0', source: 'open', at: '2026-04-13T12:00:00Z' },
        ...(hidden
          ? [
              {
                subject: 'P-A',
                place: IN.eid,
                rid: 'secret:a1',
                source: HIDDEN,
                at: '2026-04-14T12:00:00Z',
                touched: true,
              },
            ]
          : []),
      ],
      rule: { kind: 'area', subjects: ['P-A'], areaJson: square(103.9, 36.1, 0.01), trigger: 'enter' },
    }));
    expect(without).toEqual([]);
    expect(withHidden).toEqual(without);
  });
});

describe('a subject’s first sighting is evaluated', () => {
  it('an enter on the first sighting ever fires, as a checkpoint pass does', async () => {
    const enter = await hitsOf({
      subjects: persons('P-A'),
      places: [{ eid: 'L-R7-IN', lon: 103.9, lat: 36.1, chosenFrom: { lon: 'open' }, recordRoles: ['open:hotel'] }],
      sightings: [
        { subject: 'P-A', place: 'L-R7-IN', rid: 'open:a1', source: 'open', at: '2026-04-14T12:00:00Z', touched: true },
      ],
      rule: { kind: 'area', subjects: ['P-A'], areaJson: square(103.9, 36.1, 0.01), trigger: 'enter' },
    });
    expect(enter).toMatchObject([{ detail: 'enter', eids: ['P-A'], rids: ['open:a1'] }]);
    const pass = await hitsOf({
      subjects: [{ eid: 'V-A', label: 'Vehicle' }],
      places: [
        {
          eid: 'L-R7-KK',
          lon: 103.9,
          lat: 36.1,
          kind: 'checkpoint',
          chosenFrom: { lon: 'cam', placeKind: 'cam' },
          recordRoles: ['cam:checkpoint'],
        },
      ],
      sightings: [
        { subject: 'V-A', place: 'L-R7-KK', rid: 'cam:1', source: 'cam', at: '2026-04-14T12:00:00Z', touched: true },
      ],
      rule: { kind: 'checkpoint', subjects: ['V-A'] },
    });
    expect(pass).toMatchObject([{ detail: 'checkpoint', eids: ['V-A'], sources: ['cam'] }]);
  });
});
