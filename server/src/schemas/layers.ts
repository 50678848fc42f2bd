import { type Static, Type } from '@sinclair/typebox';
import { ErrorResponse, errorAnswers, IsoTime, Lat, Lon } from './common.ts';

const TimeWindow = {
  from: Type.String({ pattern: IsoTime.pattern, 'x-calendar-date': true, description: 'start (inclusive), before `to` and at most 3660 days before it' }),
  to: IsoTime,
  traceKind: Type.Optional(Type.Array(Type.String({ pattern: '^[a-z_]{1,30}$' }), { maxItems: 10 })),
};
/** A bounding box: all four or none, min below max. */
const BBox = {
  minLon: Type.Optional(Lon),
  minLat: Type.Optional(Lat),
  maxLon: Type.Optional(Lon),
  maxLat: Type.Optional(Lat),
};

/** Layers cover at most ten years; the rule is part of the schema (see schemas/keywords.ts). */
export const LAYER_MAX_DAYS = 3660;
const inRange = { 'x-time-range': { from: 'from', to: 'to', maxDays: LAYER_MAX_DAYS } };
const inBox = { 'x-bbox': ['minLon', 'minLat', 'maxLon', 'maxLat'] };

export const JurisdictionQuery = Type.Object({ ...TimeWindow, level: Type.Union([Type.Literal('city'), Type.Literal('county')], { default: 'county' }) }, inRange);
export type JurisdictionQuery = Static<typeof JurisdictionQuery>;
export const HexbinQuery = Type.Object({ ...TimeWindow, ...BBox, resolution: Type.Integer({ minimum: 4, maximum: 9, default: 7, description: 'H3 resolution' }) }, { ...inRange, ...inBox });
export type HexbinQuery = Static<typeof HexbinQuery>;
export const HeatQuery = Type.Object({ ...TimeWindow, ...BBox }, { ...inRange, ...inBox });
export type HeatQuery = Static<typeof HeatQuery>;
export const TrendQuery = Type.Object({ ...TimeWindow, unitCode: Type.Optional(Type.String({ pattern: '^\\d{6}$|^\\d{9}$' })) }, inRange);
export type TrendQuery = Static<typeof TrendQuery>;
export const FacilityQuery = Type.Object({
  ...BBox,
  kind: Type.Optional(Type.Array(Type.Union(['hotel', 'internet_cafe', 'rail_station', 'checkpoint', 'company', 'incident_site', 'other'].map((k) => Type.Literal(k))), { maxItems: 8 })),
  limit: Type.Integer({ minimum: 1, maximum: 20000, default: 5000 }),
}, inBox);
export type FacilityQuery = Static<typeof FacilityQuery>;

/** Every layer answer says when it was computed: it may be served up to LAYER_MAX_STALE_MS old (docs/api.md, "Layer answers: cached, computed in the background"). */
const Computed = {
  computedAt: Type.String({ description: 'when the computation of this answer began (+08:00): the data as of then' }),
};

/**
 * What a layer route answers besides 200: the shared error answers, its 503 also
 * `ONEMAP_ERR_LAYER_COMPUTING` (with a `Retry-After` header) while the answer is being computed.
 */
export function layerErrorAnswers() {
  return {
    ...errorAnswers(),
    503: Type.Object(ErrorResponse.properties, {
      additionalProperties: true,
      description: 'ONEMAP_ERR_LAYER_COMPUTING: the layer is still being computed, ask again after the `Retry-After` header (s); or the audit trail or a backing service is unavailable',
    }),
  };
}

/** Cells under k are left out without trace (no count of them is published); counts are rounded; the window is widened to whole UTC days. */
const Suppression = {
  k: Type.Integer({ description: 'cells with fewer distinct persons are left out (and not counted anywhere)' }),
  roundedTo: Type.Integer({ description: 'published counts are rounded to a multiple of this' }),
  from: Type.String({ description: 'start of the whole-day window the counts cover' }),
  to: Type.String({ description: 'end (exclusive) of the whole-day window the counts cover' }),
  ...Computed,
};

export const JurisdictionLayer = Type.Object({
  level: Type.String(),
  ...Suppression,
  cells: Type.Array(Type.Object({ unitCode: Type.String(), name: Type.Union([Type.String(), Type.Null()]), persons: Type.Integer(), traces: Type.Integer() })),
});
export const HexbinLayer = Type.Object({
  resolution: Type.Integer(),
  ...Suppression,
  cells: Type.Array(Type.Object({ h3: Type.String(), lon: Type.Number(), lat: Type.Number(), persons: Type.Integer(), traces: Type.Integer() })),
});
export const HeatLayer = Type.Object({
  ...Suppression,
  points: Type.Array(Type.Object({ lon: Type.Number(), lat: Type.Number(), weight: Type.Integer() })),
});
export const TrendLayer = Type.Object({
  ...Suppression,
  days: Type.Array(Type.Object({ day: Type.String(), persons: Type.Integer(), traces: Type.Integer() })),
});
/** The time extent of the traces the viewer's sources hold (+08:00; null when there are none). */
export const DataExtent = Type.Object({ from: Type.Union([Type.String(), Type.Null()]), to: Type.Union([Type.String(), Type.Null()]), ...Computed });
export type DataExtent = Static<typeof DataExtent>;
export const FacilityLayer = Type.Object({
  counts: Type.Record(Type.String(), Type.Integer()),
  features: Type.Array(
    Type.Object({
      type: Type.Literal('Feature'),
      geometry: Type.Object({ type: Type.Literal('Point'), coordinates: Type.Array(Type.Number()) }),
      properties: Type.Object({ eid: Type.String(), name: Type.Union([Type.String(), Type.Null()]), placeKind: Type.String(), unitCode: Type.Union([Type.String(), Type.Null()]) }),
    }),
  ),
  truncated: Type.Boolean(),
  ...Computed,
});
