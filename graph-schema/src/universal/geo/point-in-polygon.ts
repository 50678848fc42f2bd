import type { GeoPolygon } from './check-polygon.ts';

/**
 * Whether a point lies inside a polygon (even–odd ray casting over every ring, so holes are
 * outside; a point exactly on an edge may fall either way).
 * @param lon longitude of the point
 * @param lat latitude of the point
 * @param polygon a GeoJSON Polygon checked by `checkPolygon`
 * @returns true when inside
 * @example
 * pointInPolygon(103.85, 36.05, { type: 'Polygon', coordinates: [[[103.8, 36], [103.9, 36], [103.9, 36.1], [103.8, 36.1], [103.8, 36]]] }) // => true
 */
export function pointInPolygon(lon: number, lat: number, polygon: GeoPolygon): boolean {
  let inside = false;
  for (const ring of polygon.coordinates) {
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [xi, yi] = ring[i] as [number, number];
      const [xj, yj] = ring[j] as [number, number];
      if (yi > lat !== yj > lat && lon < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) inside = !inside;
    }
  }
  return inside;
}
