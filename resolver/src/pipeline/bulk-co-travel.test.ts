import type { EntityKind } from '@onemap/graph-schema';
import { describe, expect, it } from 'vitest';
import {
  type CoOccurrence,
  type CoTravelReasons,
  DEFAULT_COTRAVEL_SCORE,
  scoreCoTravel,
} from '../derive/co-travel-score.ts';
import type { VisitRow } from '../graph/write-rows.ts';
import { bulkCoTravel } from './bulk-co-travel.ts';

const SETTINGS = { toleranceMinutes: 30, minCount: 2 };
let n = 0;
const visit = (subject: string, place: string, at: string, until: string | null = null, source = 'rail'): VisitRow => ({
  subject,
  place,
  at,
  until,
  kind: 'rail',
  source,
  rid: `r${++n}`,
});

/** 200 travellers seen once each at their own place: the population the chance of a meeting is measured against. */
function crowdOfStrangers(kinds: Map<string, EntityKind>): VisitRow[] {
  const out: VisitRow[] = [];
  for (let i = 0; i < 200; i++) {
    kinds.set(`s${i}`, 'Person');
    kinds.set(`sp${i}`, 'Place');
    out.push(visit(`s${i}`, `sp${i}`, '2026-03-01T09:00:00+08:00'));
  }
  return out;
}

describe('bulkCoTravel: CO_TRAVELED of a bulk load computed in memory', () => {
  it('pairs seen together at several places become one edge from the smaller eid; strangers, vehicles and far-apart sightings do not', () => {
    const kinds = new Map<string, EntityKind>([
      ['pA', 'Person'],
      ['pB', 'Person'],
      ['pC', 'Person'],
      ['v1', 'Vehicle'],
      ['x1', 'Place'],
      ['x2', 'Place'],
      ['x3', 'Place'],
    ]);
    const visits = [
      ...crowdOfStrangers(kinds),
      // pB and pA together three times (pB first in the input: the edge still goes pA → pB)
      visit('pB', 'x1', '2026-03-02T08:10:00+08:00', null, 'hotel'),
      visit('pA', 'x1', '2026-03-02T08:00:00+08:00'),
      visit('pA', 'x2', '2026-03-03T12:00:00+08:00'),
      visit('pB', 'x2', '2026-03-03T12:29:00+08:00'),
      visit('pA', 'x3', '2026-03-04T18:00:00+08:00'),
      visit('pB', 'x3', '2026-03-04T18:05:00+08:00'),
      // pC at the same places, but 31 minutes or more away from both
      visit('pC', 'x1', '2026-03-02T08:41:00+08:00'),
      visit('pC', 'x2', '2026-03-03T11:29:00+08:00'),
      // a vehicle beside pA every time is not a person
      visit('v1', 'x1', '2026-03-02T08:00:00+08:00'),
      visit('v1', 'x2', '2026-03-03T12:00:00+08:00'),
    ];
    const edges = bulkCoTravel(visits, kinds, SETTINGS);
    expect(edges.map((e) => [e.x, e.y])).toEqual([['pA', 'pB']]);
    // scored a chunk of one person at a time, the pair (in the chunk of its smaller eid) is the same
    expect(bulkCoTravel(visits, kinds, SETTINGS, 1)).toEqual(edges);
    const e = edges[0]!;
    expect(e.count).toBe(3);
    expect(e.first).toBe('2026-03-02T08:00:00+08:00');
    expect(e.last).toBe('2026-03-04T18:05:00+08:00');
    expect(e.sources).toEqual(['hotel', 'rail']);
    expect(e.score).toBeGreaterThan(0);
    expect(JSON.parse(e.reasons)).toBeTruthy();
  });

  it('one meeting is not enough, and a crowd makes a meeting less telling', () => {
    const kinds = new Map<string, EntityKind>([
      ['pA', 'Person'],
      ['pB', 'Person'],
      ['x1', 'Place'],
      ['x2', 'Place'],
    ]);
    const once = [
      ...crowdOfStrangers(kinds),
      visit('pA', 'x1', '2026-03-02T08:00:00+08:00'),
      visit('pB', 'x1', '2026-03-02T08:00:00+08:00'),
    ];
    expect(bulkCoTravel(once, kinds, SETTINGS)).toEqual([]);
    // twice together, but each time among 150 others at the same place and hour: chance, not company
    const crowded = [...crowdOfStrangers(kinds)];
    for (const [place, at] of [
      ['x1', '2026-03-02T08:00:00+08:00'],
      ['x2', '2026-03-03T08:00:00+08:00'],
    ] as const) {
      crowded.push(visit('pA', place, at), visit('pB', place, at));
      for (let i = 0; i < 150; i++) crowded.push(visit(`s${i}`, place, at));
    }
    expect(bulkCoTravel(crowded, kinds, SETTINGS).filter((e) => e.x === 'pA' && e.y === 'pB')).toEqual([]);
  });

  it('a stay delivered again under other record ids is one sighting: the same edge, score and reasons however many times', () => {
    const kinds = new Map<string, EntityKind>([
      ['pA', 'Person'],
      ['pB', 'Person'],
      ['x1', 'Place'],
      ['x2', 'Place'],
      ['x3', 'Place'],
    ]);
    const together = [
      visit('pA', 'x1', '2026-03-02T08:00:00+08:00', '2026-03-03T08:00:00+08:00', 'hotel'),
      visit('pB', 'x1', '2026-03-02T08:10:00+08:00', '2026-03-03T08:05:00+08:00', 'hotel'),
      visit('pA', 'x2', '2026-03-03T12:00:00+08:00'),
      visit('pB', 'x2', '2026-03-03T12:29:00+08:00'),
      visit('pA', 'x3', '2026-03-04T18:00:00+08:00'),
      visit('pB', 'x3', '2026-03-04T18:05:00+08:00'),
    ];
    const once = [...crowdOfStrangers(kinds), ...together];
    // every stay of the pair pushed 20 more times, each time as a new record (the real-time bench's pattern)
    const again = [...once];
    for (let k = 0; k < 20; k++) for (const v of together) again.push({ ...v, rid: `${v.rid}-again${k}` });
    const edges = bulkCoTravel(once, kinds, SETTINGS);
    expect(edges.map((e) => [e.x, e.y])).toEqual([['pA', 'pB']]);
    expect(bulkCoTravel(again, kinds, SETTINGS)).toEqual(edges);
  });

  it('the same edges as scoring every co-occurrence, whatever the thresholds (pairs that cannot be companions are skipped, never one that can)', () => {
    // a seeded random province: 300 persons over 12 places and 6 days, small groups travelling
    // together (sometimes on one ticket: two places, one leg), crowds at two hubs, some stays
    let seed = 7;
    const rnd = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    const kinds = new Map<string, EntityKind>();
    const visits: VisitRow[] = [];
    const seen = new Set<string>();
    const add = (person: string, place: string, t: number, rid: string, stay: boolean) => {
      const at = new Date(t).toISOString();
      if (seen.has(`${person}|${place}|${at}`)) return;
      seen.add(`${person}|${place}|${at}`);
      kinds.set(person, 'Person');
      kinds.set(place, 'Place');
      const until = stay ? new Date(t + (8 + Math.floor(rnd() * 20)) * 3_600_000).toISOString() : null;
      visits.push({ subject: person, place, at, until, kind: 'rail', source: stay ? 'hotel' : 'rail', rid });
    };
    const t0 = Date.parse('2026-03-01T00:00:00Z');
    for (let g = 0; g < 400; g++) {
      const size = 1 + Math.floor(rnd() * 3);
      const first = Math.floor(rnd() * 300);
      const group = Array.from({ length: size }, (_, i) => `p${String((first + i * 7) % 300).padStart(3, '0')}`);
      const hub = rnd() < 0.3;
      const place = hub ? `hub${Math.floor(rnd() * 2)}` : `x${Math.floor(rnd() * 10)}`;
      const t = t0 + Math.floor(rnd() * 6 * 24) * 3_600_000 + Math.floor(rnd() * 40) * 60_000;
      const ticket = rnd() < 0.3;
      const stay = !ticket && rnd() < 0.3;
      for (const [i, person] of group.entries()) {
        const rid = `g${g}-${i}`;
        add(person, place, t + Math.floor(rnd() * 20) * 60_000, rid, stay);
        if (ticket) add(person, `x${(Number(place.slice(-1)) + 1) % 10}`, t + 2 * 3_600_000, rid, false);
      }
    }
    for (const settings of [
      DEFAULT_COTRAVEL_SCORE,
      { ...DEFAULT_COTRAVEL_SCORE, minCoincidences: 0.5 },
      { minLegs: 1, minOccasions: 1, minPlaces: 1, minCoincidences: 0.5 },
      { minLegs: 1, minOccasions: 2, minPlaces: 2, minCoincidences: 0.3 },
    ]) {
      const s = { toleranceMinutes: 30, minCount: settings.minOccasions, score: settings };
      const want = reference(visits, s.toleranceMinutes, settings);
      expect(want.length).toBeGreaterThan(0);
      const got = bulkCoTravel(visits, kinds, s).map((e) => edgeKey(e.x, e.y, e.score, e.count, JSON.parse(e.reasons)));
      expect(got.sort()).toEqual(want);
      expect(
        bulkCoTravel(visits, kinds, s, 17)
          .map((e) => edgeKey(e.x, e.y, e.score, e.count, JSON.parse(e.reasons)))
          .sort(),
      ).toEqual(want);
    }
  });
});

/** Every co-occurrence listed (both sides, each with its own crowd) and scored: what the bulk load must equal. */
function reference(visits: VisitRow[], toleranceMinutes: number, settings: typeof DEFAULT_COTRAVEL_SCORE): string[] {
  const tol = toleranceMinutes * 60_000;
  const rows: CoOccurrence[] = [];
  for (const a of visits)
    for (const b of visits) {
      if (a.place !== b.place || a.subject === b.subject || Math.abs(Date.parse(a.at) - Date.parse(b.at)) > tol) continue;
      const near = visits.filter((v) => v.place === a.place && Math.abs(Date.parse(v.at) - Date.parse(a.at)) <= tol);
      const ua = a.until ? Date.parse(a.until) : null;
      const ub = b.until ? Date.parse(b.until) : null;
      rows.push({
        a: a.subject,
        b: b.subject,
        place: a.place,
        day: a.at.slice(0, 10),
        at: a.at,
        ridA: a.rid,
        ridB: b.rid,
        sourceA: a.source,
        sourceB: b.source,
        crowd: new Set(near.map((v) => v.subject)).size,
        leftApart: ua !== null && ub !== null && Math.trunc(Math.abs(ua - ub) / 1000) > toleranceMinutes * 60,
      });
    }
  const population = new Set(visits.map((v) => v.subject)).size;
  return scoreCoTravel(rows, population, settings)
    .filter((p) => p.companions)
    .map((p) => edgeKey(p.x, p.y, p.score, p.count, p.reasons))
    .sort();
}

/**
 * An edge compared by its pair, score, occasions and counted reasons. Which of a ticket's two
 * places stands for its leg in `top` (equal surprise) follows the rows' order, so only the top
 * legs' surprises are compared.
 */
function edgeKey(x: string, y: string, score: number, count: number, r: CoTravelReasons): string {
  return [x, y, score, count, r.legs, r.places, r.days, r.population, r.minScore, r.top.map((l) => l.surprise).join(',')].join('|');
}
