/** TypeBox schemas of an area a user draws or names: a GeoJSON polygon or a jurisdiction (辖区) code. */
import { POLYGON_LIMITS } from '@onemap/graph-schema';
import { type Static, Type } from '@sinclair/typebox';
import { Lat, Lon } from './common.ts';

/**
 * A drawn area: a GeoJSON Polygon in WGS 84 (outline, then holes). Shape by the schema; closed
 * rings, no self-crossing, at most `POLYGON_LIMITS.vertices` positions and `POLYGON_LIMITS.areaKm2`
 * km² by the `x-polygon` keyword — all answered 400 `ONEMAP_ERR_VALIDATION` with the reason.
 */
export const GeoPolygon = Type.Object(
  {
    type: Type.Literal('Polygon'),
    coordinates: Type.Array(Type.Array(Type.Tuple([Lon, Lat]), { minItems: 4, maxItems: POLYGON_LIMITS.vertices }), {
      minItems: 1,
      maxItems: 1 + POLYGON_LIMITS.holes,
    }),
  },
  {
    additionalProperties: false,
    'x-polygon': true,
    description: `a GeoJSON Polygon: closed rings of [lon, lat], ≤ ${POLYGON_LIMITS.vertices} positions, ≤ ${POLYGON_LIMITS.areaKm2} km²`,
  },
);
export type GeoPolygon = Static<typeof GeoPolygon>;

/** A jurisdiction by its GB/T 2260 code (province, city or county); only one the caller's unit may see. */
export const JurisdictionCode = Type.String({
  pattern: '^[0-9]{6}$',
  description: 'a province, city or county code at or below the caller’s unit (a station user: its county)',
});
