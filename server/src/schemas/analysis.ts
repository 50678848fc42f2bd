import { type Static, Type } from '@sinclair/typebox';
import { GeoPolygon, JurisdictionCode } from './areas.ts';
import { Eid, EntitySummary, IsoTime, Lat, Lon } from './common.ts';

/** Co-location (同地出现) query: any entity near the subject's sightings in space and time. */
export const CoLocationQuery = Type.Object({
  eid: Eid,
  from: IsoTime,
  to: IsoTime,
  windowMinutes: Type.Integer({ minimum: 1, maximum: 1440, default: 30, description: 'how close in time two sightings must be' }),
  radiusM: Type.Number({ minimum: 0, maximum: 2000, default: 100, description: 'how close in space (0 = the same place)' }),
  minCount: Type.Integer({ minimum: 1, maximum: 100, default: 2, description: 'sightings of the subject with the other entity nearby, at least' }),
  limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
}, { 'x-time-range': { from: 'from', to: 'to', maxDays: 366 } });
export type CoLocationQuery = Static<typeof CoLocationQuery>;

export const CoLocationAnswer = Type.Object({
  eid: Type.String(),
  coLocated: Type.Array(
    Type.Object({
      entity: EntitySummary,
      together: Type.Integer({ description: 'sightings of the subject with this entity nearby' }),
      first: Type.String(),
      last: Type.String(),
      places: Type.Array(Type.String()),
    }),
  ),
  truncated: Type.Boolean({ description: 'true when the answer was cut by `limit` or by a cap of the query (see truncatedBy)' }),
  truncatedBy: Type.Object(
    {
      limit: Type.Boolean({ description: 'more entities than `limit`' }),
      subjectSightings: Type.Boolean({ description: 'the subject has more sightings in the range than the query looks at (CO_LOCATION_LIMITS.subjectSightings, earliest kept)' }),
      nearbyPlaces: Type.Boolean({ description: 'a sighting has more places within the radius than the query looks at (CO_LOCATION_LIMITS.nearbyPlaces)' }),
    },
    { description: 'which limit cut the answer' },
  ),
});
export type CoLocationAnswer = Static<typeof CoLocationAnswer>;

/** Radius of a collision circle when none is given, metres. */
export const DEFAULT_COLLISION_RADIUS_M = 200;
export const CollisionWindow = Type.Object(
  {
    lon: Type.Optional(Lon),
    lat: Type.Optional(Lat),
    radiusM: Type.Optional(Type.Number({ minimum: 1, maximum: 5000, description: `radius of the circle around lon/lat (default ${DEFAULT_COLLISION_RADIUS_M} m)` })),
    polygon: Type.Optional(GeoPolygon),
    jurisdiction: Type.Optional(JurisdictionCode),
    from: IsoTime,
    to: IsoTime,
  },
  {
    additionalProperties: false,
    'x-time-range': { from: 'from', to: 'to', maxDays: 31 },
    'x-one-area': [['lon', 'lat'], ['polygon'], ['jurisdiction']],
    description: 'one area — a circle (lon, lat, radiusM ≤ 5 km), a drawn polygon, or a jurisdiction code — and a time range of at most 31 days (from before to)',
  },
);
export type CollisionWindow = Static<typeof CollisionWindow>;
export const CollisionBody = Type.Object(
  {
    windows: Type.Array(CollisionWindow, { minItems: 2, maxItems: 6 }),
    kinds: Type.Optional(Type.Array(Type.Union([Type.Literal('Person'), Type.Literal('Vehicle')]), { maxItems: 2 })),
    limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
  },
  { additionalProperties: false },
);
export type CollisionBody = Static<typeof CollisionBody>;
export const CollisionAnswer = Type.Object({
  windows: Type.Integer(),
  matches: Type.Array(
    Type.Object({
      entity: EntitySummary,
      hits: Type.Array(Type.Object({ window: Type.Integer(), at: Type.String(), placeEid: Type.String(), source: Type.String() })),
    }),
  ),
  truncated: Type.Boolean({ description: 'true when more subjects matched than `limit`, or a window hit a cap (WINDOW_HIT_LIMITS: places in its radius, subjects in it)' }),
});
export type CollisionAnswer = Static<typeof CollisionAnswer>;
