import { describe, expect, it } from 'vitest';
import { inArea, togetherHits } from './warnings.ts';

/** A square of half-side `d` degrees around a point. */
const square = (lon: number, lat: number, d: number) => ({
  polygon: {
    type: 'Polygon' as const,
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
const HOME = { lon: 103.8711, lat: 36.0522, unitCode: '620102' };

describe('area warnings place a home at its ~1 km cell', () => {
  it('a polygon drawn tight around the exact home does not fire on a sighting there; one around its cell does', () => {
    expect(inArea(square(HOME.lon, HOME.lat, 0.0005), { ...HOME, home: true })).toBe(false);
    expect(inArea(square(103.87, 36.05, 0.0005), { ...HOME, home: true })).toBe(true);
  });
  it('other places count at their exact position', () => {
    expect(inArea(square(HOME.lon, HOME.lat, 0.0005), { ...HOME, home: false })).toBe(true);
    expect(inArea(square(103.87, 36.05, 0.0005), { ...HOME, home: false })).toBe(false);
  });
  it('a jurisdiction area is decided by the county code, and a place without a position is never inside a polygon', () => {
    expect(inArea({ prefix: '6201' }, { ...HOME, home: true })).toBe(true);
    expect(inArea(square(HOME.lon, HOME.lat, 1), { lon: null, lat: null, unitCode: null, home: false })).toBe(false);
  });
});

describe('a gathering is keyed by its sightings', () => {
  const rule = {
    id: 'R-1',
    kind: 'gather' as const,
    unitCode: '620102',
    subjects: ['P-a', 'P-b', 'P-c'],
    areaJson: null,
    trigger: null,
    placeEids: null,
    windowMinutes: 60,
    minCount: 3,
    knownCompanions: null,
    viewSources: ['hotel'],
  };
  const at = (eid: string, rid: string, time: string) => ({ eid, rid, source: 'hotel', at: time, placeEid: 'L-1' });
  const day1 = [
    at('P-a', 'a1', '2026-04-14T20:00:00Z'),
    at('P-b', 'b1', '2026-04-14T20:10:00Z'),
    at('P-c', 'c1', '2026-04-14T20:20:00Z'),
  ];
  const day2 = [
    at('P-a', 'a2', '2026-04-15T20:00:00Z'),
    at('P-b', 'b2', '2026-04-15T20:10:00Z'),
    at('P-c', 'c2', '2026-04-15T20:20:00Z'),
  ];
  const keyOf = (s: (typeof day1)[number], all: typeof day1) =>
    togetherHits(
      rule,
      s,
      all.filter((n) => n.eid !== s.eid),
    ).map((h) => h.key);

  it('the same gathering, evaluated from any member’s sighting, is one key', () => {
    const keys = day1.map((s) => keyOf(s, day1));
    expect(keys[0]).toHaveLength(1);
    expect(new Set(keys.flat()).size).toBe(1);
  });
  it('the same persons gathering at the same place on another day is another hit', () => {
    expect(keyOf(day2[2]!, day2)).toHaveLength(1);
    expect(keyOf(day2[2]!, day2)[0]).not.toBe(keyOf(day1[2]!, day1)[0]);
  });
  it('fewer than minCount persons make no gathering; the subject’s own other sightings are no members', () => {
    expect(togetherHits(rule, day1[2]!, [day1[0]!, at('P-c', 'c0', '2026-04-14T20:05:00Z')])).toEqual([]);
  });
});
