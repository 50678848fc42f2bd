import { type Static, Type } from '@sinclair/typebox';
import { Eid, EntitySummary, IsoTime, Lat, Lon, PurposeQuery } from './common.ts';

export const CoTravelQuery = Type.Object({
  eid: Eid,
  from: IsoTime,
  to: IsoTime,
  windowMinutes: Type.Integer({ minimum: 1, maximum: 1440, default: 30, description: 'how close in time two sightings must be' }),
  radiusM: Type.Number({ minimum: 0, maximum: 2000, default: 100, description: 'how close in space (0 = the same place)' }),
  minCount: Type.Integer({ minimum: 1, maximum: 100, default: 2, description: 'times together to count as a companion' }),
  limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
  ...PurposeQuery,
}, { 'x-time-range': { from: 'from', to: 'to', maxDays: 366 } });
export type CoTravelQuery = Static<typeof CoTravelQuery>;

export const CoTravelAnswer = Type.Object({
  eid: Type.String(),
  companions: Type.Array(
    Type.Object({
      entity: EntitySummary,
      together: Type.Integer({ description: 'sightings of the subject with this companion nearby' }),
      first: Type.String(),
      last: Type.String(),
      places: Type.Array(Type.String()),
    }),
  ),
});
export type CoTravelAnswer = Static<typeof CoTravelAnswer>;

export const CollisionWindow = Type.Object(
  { lon: Lon, lat: Lat, radiusM: Type.Number({ minimum: 1, maximum: 5000, default: 200 }), from: IsoTime, to: IsoTime },
  { additionalProperties: false, 'x-time-range': { from: 'from', to: 'to', maxDays: 31 }, description: 'a circle and a time range of at most 31 days (from before to)' },
);
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
});
export type CollisionAnswer = Static<typeof CollisionAnswer>;
