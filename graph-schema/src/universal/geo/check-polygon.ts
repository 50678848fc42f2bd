/**
 * Checks a drawn area (a GeoJSON Polygon in WGS 84 longitude/latitude) before it is used to
 * select places: closed rings, a vertex cap, no self-crossing outer ring, an area cap.
 */

/** A GeoJSON Polygon: the first ring is the outline, any further rings are holes. */
export interface GeoPolygon {
  type: 'Polygon';
  coordinates: number[][][];
}

/** Caps of a drawn area, by name (an area larger than a county is a layer question, not a collision). */
export const POLYGON_LIMITS = {
  /** Positions over all rings, the closing position included. */
  vertices: 200,
  /** Holes after the outline. */
  holes: 5,
  /** Area of the outline minus its holes, km². */
  areaKm2: 2500,
} as const;

const EARTH_RADIUS_KM = 6371.0088;
const RAD = Math.PI / 180;

/** Area of one ring in km² (spherical excess in the manner of Turf's `area`; sign ignored). */
function ringAreaKm2(ring: number[][]): number {
  let sum = 0;
  for (let i = 0; i < ring.length - 1; i++) {
    const [x1, y1] = ring[i] as [number, number];
    const [x2, y2] = ring[i + 1] as [number, number];
    sum += (x2 - x1) * RAD * (2 + Math.sin(y1 * RAD) + Math.sin(y2 * RAD));
  }
  return Math.abs((sum * EARTH_RADIUS_KM * EARTH_RADIUS_KM) / 2);
}

function crosses(a: number[], b: number[], c: number[], d: number[]): boolean {
  const o = (p: number[], q: number[], r: number[]) =>
    Math.sign((q[0]! - p[0]!) * (r[1]! - p[1]!) - (q[1]! - p[1]!) * (r[0]! - p[0]!));
  return o(a, b, c) * o(a, b, d) < 0 && o(c, d, a) * o(c, d, b) < 0;
}

/**
 * Every problem of a drawn polygon, or none.
 * @param polygon a GeoJSON Polygon (already shaped by the request schema: rings of [lon, lat])
 * @param limits caps (default `POLYGON_LIMITS`)
 * @returns `{problems, areaKm2}`: problems empty when the polygon may be used
 * @example
 * checkPolygon({ type: 'Polygon', coordinates: [[[103.8, 36.0], [103.9, 36.0], [103.9, 36.1], [103.8, 36.0]]] })
 * // => { problems: [], areaKm2: 50.1… }
 */
export function checkPolygon(
  polygon: GeoPolygon,
  limits: { vertices: number; holes: number; areaKm2: number } = POLYGON_LIMITS,
): { problems: string[]; areaKm2: number } {
  const problems: string[] = [];
  const rings = polygon.coordinates;
  if (!Array.isArray(rings) || rings.length === 0)
    return { problems: ['a polygon needs at least its outline ring'], areaKm2: 0 };
  if (rings.length - 1 > limits.holes) problems.push(`at most ${limits.holes} holes`);
  const vertices = rings.reduce((n, r) => n + (Array.isArray(r) ? r.length : 0), 0);
  if (vertices > limits.vertices) problems.push(`at most ${limits.vertices} positions in all (got ${vertices})`);
  for (const [i, ring] of rings.entries()) {
    const name = i === 0 ? 'the outline' : `hole ${i}`;
    if (!Array.isArray(ring) || ring.length < 4) {
      problems.push(`${name} needs at least 4 positions (3 corners and the first again)`);
      continue;
    }
    const bad = ring.some(
      (p) =>
        !Array.isArray(p) ||
        p.length < 2 ||
        !Number.isFinite(p[0]) ||
        !Number.isFinite(p[1]) ||
        Math.abs(p[0] as number) > 180 ||
        Math.abs(p[1] as number) > 90,
    );
    if (bad) {
      problems.push(`${name} has a position that is not [longitude, latitude]`);
      continue;
    }
    const first = ring[0] as number[];
    const last = ring[ring.length - 1] as number[];
    if (first[0] !== last[0] || first[1] !== last[1])
      problems.push(`${name} is not closed: its last position must repeat the first`);
  }
  if (problems.length) return { problems, areaKm2: 0 };
  const outline = rings[0]!;
  if (outline.length <= limits.vertices) {
    for (let i = 0; i < outline.length - 1; i++)
      for (let j = i + 2; j < outline.length - 1; j++) {
        if (i === 0 && j === outline.length - 2) continue;
        if (crosses(outline[i]!, outline[i + 1]!, outline[j]!, outline[j + 1]!)) {
          problems.push('the outline crosses itself');
          i = outline.length;
          break;
        }
      }
  }
  // Planar shoelace in degrees: the spherical formula leaves a small residue for collinear corners.
  let flat = 0;
  for (let i = 0; i < outline.length - 1; i++)
    flat += outline[i]![0]! * outline[i + 1]![1]! - outline[i + 1]![0]! * outline[i]![1]!;
  const areaKm2 =
    Math.abs(flat) < 1e-10
      ? 0
      : Math.max(0, ringAreaKm2(outline) - rings.slice(1).reduce((s, r) => s + ringAreaKm2(r), 0));
  if (areaKm2 <= 0) problems.push('the polygon encloses no area');
  if (areaKm2 > limits.areaKm2)
    problems.push(`the area may be at most ${limits.areaKm2} km² (got ${Math.round(areaKm2)} km²)`);
  return { problems, areaKm2 };
}
