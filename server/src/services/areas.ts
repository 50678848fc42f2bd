import { checkPolygon, coarseHomePosition, type GeoPolygon, jurisdictionPrefix, pointInPolygon } from '@onemap/graph-schema';
import { isWithin, parentByCode } from '../access/units.ts';
import type { Viewer } from '../access/viewer.ts';
import { httpError } from '../errors.ts';
import { AREA_PLACE_LIMITS, readHomes, readPlacesInBox, readPlacesInJurisdiction } from '../repositories/analysis.ts';
import type { Reader } from '../repositories/reader.ts';

/** An area as a request names it: a drawn polygon or a jurisdiction code. */
export type AreaInput = { polygon: GeoPolygon } | { jurisdiction: string };

/**
 * The jurisdictions a viewer may name: its own unit's territory and any below it; a station
 * (which has no territory) its county. Unknown codes and codes outside answer alike (400).
 */
export function requireVisibleJurisdiction(viewer: Viewer, code: string): string {
  const own = viewer.unitCode.length === 9 ? (parentByCode(viewer.unitCode) ?? viewer.unitCode) : viewer.unitCode;
  const prefix = jurisdictionPrefix(code);
  if (!prefix || !viewer.units.has(code) || !isWithin(code, own, viewer.units))
    throw httpError('UNKNOWN_JURISDICTION', { code });
  return prefix;
}

/** The polygon's bounding box. */
function boxOf(p: GeoPolygon) {
  const outline = p.coordinates[0] ?? [];
  const xs = outline.map((c) => c[0] as number);
  const ys = outline.map((c) => c[1] as number);
  return { minLon: Math.min(...xs), minLat: Math.min(...ys), maxLon: Math.max(...xs), maxLat: Math.max(...ys) };
}

/**
 * The places inside an area, for the collision and warning queries: a polygon by its bounding box
 * in the graph, then exactly in memory; a jurisdiction by its places' county codes. `truncated`
 * when more than `AREA_PLACE_LIMITS.places` places lie inside (the first ones are kept).
 */
export async function placesInArea(
  r: Reader,
  viewer: Viewer,
  area: AreaInput,
): Promise<{ placeEids: string[]; truncated: boolean }> {
  let eids: string[];
  if ('polygon' in area) {
    const { problems } = checkPolygon(area.polygon);
    if (problems.length) throw httpError('VALIDATION', { detail: problems.join('; ') });
    // A home counts where answers show it, at its ~1 km cell: the home test only for the places
    // whose cell and position fall on different sides of the outline.
    const near = (await readPlacesInBox(r, boxOf(area.polygon), viewer.visibleSources)).map((p) => {
      const cell = coarseHomePosition(p.lon, p.lat);
      return { eid: p.eid, exact: pointInPolygon(p.lon, p.lat, area.polygon), cell: pointInPolygon(cell.lon, cell.lat, area.polygon) };
    });
    const homes = await readHomes(r, near.filter((p) => p.exact !== p.cell).map((p) => p.eid), viewer.visibleSources);
    eids = near.filter((p) => (homes.has(p.eid) ? p.cell : p.exact)).map((p) => p.eid);
  } else {
    eids = await readPlacesInJurisdiction(r, requireVisibleJurisdiction(viewer, area.jurisdiction), viewer.visibleSources);
  }
  return { placeEids: eids.slice(0, AREA_PLACE_LIMITS.places), truncated: eids.length > AREA_PLACE_LIMITS.places };
}
