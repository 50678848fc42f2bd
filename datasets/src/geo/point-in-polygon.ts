/**
 * Fast point-in-polygon for Polygon and MultiPolygon geometries (even-odd ray casting
 * over all rings, so holes work), with a bounding-box pre-check.
 */

export type Position = [number, number];
export interface PolygonGeometry {
  type: 'Polygon' | 'MultiPolygon';
  coordinates: Position[][] | Position[][][];
}

/** A polygon prepared for repeated containment tests. */
export interface PreparedPolygon {
  bbox: [number, number, number, number];
  rings: Position[][];
}

/**
 * Prepare a geometry: flatten rings and compute the bounding box.
 * @param geometry a GeoJSON Polygon or MultiPolygon
 */
export function preparePolygon(geometry: PolygonGeometry): PreparedPolygon {
  const rings: Position[][] =
    geometry.type === 'Polygon'
      ? (geometry.coordinates as Position[][])
      : (geometry.coordinates as Position[][][]).flat();
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const ring of rings)
    for (const [x, y] of ring) {
      if (x < minX) minX = x;
      if (y < minY) minY = y;
      if (x > maxX) maxX = x;
      if (y > maxY) maxY = y;
    }
  return { bbox: [minX, minY, maxX, maxY], rings };
}

/**
 * True when the point lies inside the prepared polygon.
 * @example containsPoint(preparePolygon(g), [103.8, 36.0])
 */
export function containsPoint(poly: PreparedPolygon, [x, y]: Position): boolean {
  const [minX, minY, maxX, maxY] = poly.bbox;
  if (x < minX || x > maxX || y < minY || y > maxY) return false;
  let inside = false;
  for (const ring of poly.rings) {
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const pi = ring[i] as Position;
      const pj = ring[j] as Position;
      if (pi[1] > y !== pj[1] > y && x < ((pj[0] - pi[0]) * (y - pi[1])) / (pj[1] - pi[1]) + pi[0]) inside = !inside;
    }
  }
  return inside;
}
