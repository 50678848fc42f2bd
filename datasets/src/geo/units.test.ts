import { statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { containsPoint, preparePolygon } from './point-in-polygon.ts';
import { GEO_DIR, loadBasemap, loadJurisdictions, loadUnits } from './units.ts';

describe('geography', () => {
  const units = loadUnits();
  const byCode = new Map(units.map((u) => [u.code, u]));

  it('is a province → 14 cities → counties → stations hierarchy with GB/T 2260 codes', () => {
    expect(units.filter((u) => u.level === 'province').map((u) => u.code)).toEqual(['620000']);
    const cities = units.filter((u) => u.level === 'city');
    expect(cities).toHaveLength(14);
    expect(cities.find((c) => c.code === '620100')?.name).toBe('兰州市');
    for (const u of units) {
      if (u.level === 'province') continue;
      const parent = byCode.get(u.parent ?? '');
      expect(parent, u.code).toBeDefined();
      if (u.level === 'city') expect(u.code).toMatch(/^62\d{2}00$/);
      if (u.level === 'county') expect(u.code.slice(0, 4)).toBe(u.parent?.slice(0, 4));
      if (u.level === 'station') expect(u.code).toMatch(new RegExp(`^${u.parent}\\d{3}$`));
    }
    expect(units.filter((u) => u.level === 'county').length).toBeGreaterThan(80);
  });

  it('has a polygon per city and county, each containing its seat', () => {
    const fc = loadJurisdictions();
    const polys = new Map(fc.features.map((f) => [f.properties.code, preparePolygon(f.geometry)]));
    for (const u of units.filter((x) => x.level === 'city' || x.level === 'county')) {
      const poly = polys.get(u.code);
      expect(poly, u.code).toBeDefined();
      if (u.level === 'county' && poly) expect(containsPoint(poly, u.center), `${u.code} ${u.name}`).toBe(true);
    }
    const lanzhou = polys.get('620100');
    expect(lanzhou && containsPoint(lanzhou, [103.83, 36.06])).toBe(true);
  });

  it('ships a small offline base map with the China outline and Gansu', () => {
    expect(statSync(join(GEO_DIR, 'basemap.geojson')).size).toBeLessThan(1.5 * 2 ** 20);
    const features = loadBasemap().features as { properties: { kind: string; code: string } }[];
    expect(features.some((f) => f.properties.kind === 'country' && f.properties.code === '156')).toBe(true);
    expect(features.some((f) => f.properties.kind === 'province' && f.properties.code === '620000')).toBe(true);
  });
});
