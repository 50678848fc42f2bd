/**
 * Loaders for the committed geography in `datasets/geo/`.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { UnitLevel } from '@onemap/graph-schema';

/** Directory holding `units.json`, `jurisdictions.geojson` and `basemap.geojson`. */
export const GEO_DIR = join(dirname(fileURLToPath(import.meta.url)), '../../geo');

/** One unit of the hierarchy province → city → county → station. */
export interface GeoUnit {
  code: string;
  name: string;
  level: UnitLevel;
  parent: string | null;
  center: [number, number];
}

/** A jurisdiction polygon feature (city or county). */
export interface JurisdictionFeature {
  type: 'Feature';
  properties: { code: string; name: string; level: UnitLevel; parent: string | null; synthetic?: boolean };
  geometry: { type: 'Polygon' | 'MultiPolygon'; coordinates: [number, number][][] | [number, number][][][] };
}

/** A GeoJSON FeatureCollection of jurisdiction polygons. */
export interface JurisdictionCollection {
  type: 'FeatureCollection';
  features: JurisdictionFeature[];
}

/**
 * Load the unit hierarchy (province, 14 cities, counties, police stations).
 * @param dir directory of the geography files, default `datasets/geo`
 * @returns units in hierarchy order (every parent before its children)
 */
export function loadUnits(dir: string = GEO_DIR): GeoUnit[] {
  return JSON.parse(readFileSync(join(dir, 'units.json'), 'utf8')) as GeoUnit[];
}

/**
 * Load the city and county jurisdiction polygons (county polygons are synthetic).
 * @param dir directory of the geography files, default `datasets/geo`
 */
export function loadJurisdictions(dir: string = GEO_DIR): JurisdictionCollection {
  return JSON.parse(readFileSync(join(dir, 'jurisdictions.geojson'), 'utf8')) as JurisdictionCollection;
}

/**
 * Load the offline base map: China outline and province outlines.
 * @param dir directory of the geography files, default `datasets/geo`
 */
export function loadBasemap(dir: string = GEO_DIR): { type: 'FeatureCollection'; features: unknown[] } {
  return JSON.parse(readFileSync(join(dir, 'basemap.geojson'), 'utf8'));
}
