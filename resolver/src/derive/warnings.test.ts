import { describe, expect, it } from 'vitest';
import { inArea } from './warnings.ts';

/** A square of half-side `d` degrees around a point. */
const square = (lon: number, lat: number, d: number) => ({
  polygon: {
    type: 'Polygon' as const,
    coordinates: [[[lon - d, lat - d], [lon + d, lat - d], [lon + d, lat + d], [lon - d, lat + d], [lon - d, lat - d]]],
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
