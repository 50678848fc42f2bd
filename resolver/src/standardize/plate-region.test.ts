import { describe, expect, it } from 'vitest';
import { plateRegionCode } from './plate-region.ts';

describe('plateRegionCode', () => {
  it("gives the prefecture of each of Gansu's issuing authorities", () => {
    expect(plateRegionCode('甘A12345')).toBe('6201'); // 兰州
    expect(plateRegionCode('甘ED12345')).toBe('6205'); // 天水, a new-energy plate
    expect(plateRegionCode('甘F12345')).toBe('6209'); // 酒泉
    expect(plateRegionCode('甘P12345')).toBe('6230'); // 甘南
  });

  it('tells nothing of an unlisted province or letter, or no plate', () => {
    expect(plateRegionCode('京A12345')).toBeUndefined();
    expect(plateRegionCode('甘Z12345')).toBeUndefined();
    expect(plateRegionCode(undefined)).toBeUndefined();
    expect(plateRegionCode('')).toBeUndefined();
  });
});
