/**
 * Where a home may be placed for a viewer who may not read its address: the centre of its cell of a
 * 0.01° grid (~1 km). Every answer that places a home — a trajectory point, a profile's position,
 * and every spatial filter a caller draws (collision circles and polygons, area warnings) — uses this
 * cell, so no radius or polygon, however small, locates a home more finely than a trajectory shows it.
 */
export const HOME_GRID_DEGREES = 0.01;
/** Cells per degree (positions are rounded as `Math.round(x * 100) / 100`: no 103.87000000000001). */
const PER_DEGREE = 100;

/** The home's position as coarsened answers show it. */
export function coarseHomePosition(lon: number, lat: number): { lon: number; lat: number } {
  return { lon: Math.round(lon * PER_DEGREE) / PER_DEGREE, lat: Math.round(lat * PER_DEGREE) / PER_DEGREE };
}

/**
 * The same in Cypher, for a place node `v` that `isHome` (a Cypher predicate) says is a home:
 * an expression that is the point a spatial filter may compare, the cell's centre for a home and
 * the place's location otherwise. Matches `coarseHomePosition` (round half up, positive coordinates).
 */
export function coarseHomeLocationCypher(v: string, isHome: string): string {
  const n = PER_DEGREE;
  return `CASE WHEN ${isHome} THEN point({longitude: round(${v}.location.x * ${n}) / ${n}.0, latitude: round(${v}.location.y * ${n}) / ${n}.0}) ELSE ${v}.location END`;
}

/** Metres a home's cell centre may lie from the home (half a diagonal of a cell, with a margin): the slack a spatial index lookup adds before the cell test. */
export const HOME_GRID_SLACK_M = 1_000;
