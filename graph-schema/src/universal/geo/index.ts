/** Spatial functions the server, the resolver and the web share (import-safe: no Node built-ins). */
export { checkPolygon, type GeoPolygon, POLYGON_LIMITS } from './check-polygon.ts';
export { jurisdictionPrefix } from './jurisdiction-prefix.ts';
export { pointInPolygon } from './point-in-polygon.ts';
export { coarseHomeLocationCypher, coarseHomePosition, HOME_GRID_DEGREES, HOME_GRID_SLACK_M } from './home-grid.ts';
export { pointSourceCypher, provenanceSourceCypher } from './point-source.ts';
