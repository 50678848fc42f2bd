import { describe, expect, it } from 'vitest';
import { checkPolygon, jurisdictionPrefix, pointInPolygon } from '../../index.ts';

const SQUARE = {
  type: 'Polygon' as const,
  coordinates: [
    [
      [103.8, 36],
      [103.9, 36],
      [103.9, 36.1],
      [103.8, 36.1],
      [103.8, 36],
    ],
  ],
};

describe('checkPolygon', () => {
  it('a closed square about 9 km by 11 km has its area and no problems', () => {
    const r = checkPolygon(SQUARE);
    expect(r.problems).toEqual([]);
    expect(r.areaKm2).toBeGreaterThan(95);
    expect(r.areaKm2).toBeLessThan(105);
  });
  it('collects every problem of a bad polygon at once', () => {
    const r = checkPolygon({
      type: 'Polygon',
      coordinates: [
        [
          [103.8, 36],
          [103.9, 36],
          [103.9, 36.1],
        ],
        [
          [1, 1],
          [2, 2],
        ],
      ],
    });
    expect(r.problems).toHaveLength(2);
  });
  it('a hole is outside', () => {
    const withHole = {
      type: 'Polygon' as const,
      coordinates: [
        SQUARE.coordinates[0]!,
        [
          [103.84, 36.04],
          [103.86, 36.04],
          [103.86, 36.06],
          [103.84, 36.06],
          [103.84, 36.04],
        ],
      ],
    };
    expect(pointInPolygon(103.85, 36.05, withHole)).toBe(false);
    expect(pointInPolygon(103.81, 36.05, withHole)).toBe(true);
    expect(pointInPolygon(103.95, 36.05, withHole)).toBe(false);
  });
});

describe('jurisdictionPrefix', () => {
  it.each([
    ['620000', '62'],
    ['620100', '6201'],
    ['620102', '620102'],
    ['620102001', null],
  ])('%s → %s', (code, prefix) => expect(jurisdictionPrefix(code)).toBe(prefix));
});
