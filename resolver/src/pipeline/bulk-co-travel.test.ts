import type { EntityKind } from '@onemap/graph-schema';
import { describe, expect, it } from 'vitest';
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
});
