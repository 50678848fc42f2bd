/**
 * TypeBox schemas shared by the API routes. The web app imports the static types from
 * `@onemap/server/schemas` (no runtime dependency on the server).
 */
import { type Static, Type } from '@sinclair/typebox';

export const ErrorResponse = Type.Object(
  { statusCode: Type.Integer(), code: Type.String(), message: Type.String() },
  { $id: 'ErrorResponse', additionalProperties: true },
);
export type ErrorResponse = Static<typeof ErrorResponse>;

/** Standard error answers every protected route may give. */
export const errorResponses = {
  400: ErrorResponse,
  401: ErrorResponse,
  403: ErrorResponse,
  404: ErrorResponse,
  428: ErrorResponse,
  429: ErrorResponse,
  503: ErrorResponse,
};

export const EntityKindSchema = Type.Union(
  ['Person', 'Organization', 'Place', 'Vehicle', 'Phone', 'Case'].map((k) => Type.Literal(k)),
  { description: 'Entity kind (label)' },
);
export type EntityKindName = Static<typeof EntityKindSchema>;

/** An entity id: letters, digits, `:`, `-`, `_` — never free text. */
export const Eid = Type.String({ pattern: '^[A-Za-z0-9:_-]{1,80}$', description: 'entity id (eid)' });
export const EidParams = Type.Object({ eid: Eid });

/** ISO 8601 date-time between 1970 and 2100. */
export const IsoTime = Type.String({
  pattern: '^(19[7-9]\\d|20\\d\\d)-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])(T([01]\\d|2[0-3]):[0-5]\\d(:[0-5]\\d(\\.\\d{1,9})?)?(Z|[+-]([01]\\d|2[0-3]):?[0-5]\\d)?)?$',
  description: 'ISO 8601 time, e.g. 2026-11-01T00:00:00Z',
});
export const Lon = Type.Number({ minimum: -180, maximum: 180 });
export const Lat = Type.Number({ minimum: -90, maximum: 90 });

export const PurposeSchema = Type.Object(
  {
    kind: Type.Union(
      ['criminal_case', 'administrative_case', 'security_check', 'emergency', 'investigation_lead'].map((k) => Type.Literal(k)),
    ),
    caseNumber: Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_-]{3,39}$' }),
    text: Type.String({ minLength: 2, maxLength: 500 }),
  },
  { description: 'Purpose (事由), sent URI-encoded as JSON in header x-onemap-purpose (or ?purpose=)' },
);
export type PurposeBody = Static<typeof PurposeSchema>;

/** Optional query keys every protected route accepts (EventSource cannot send headers). */
export const PurposeQuery = {
  purpose: Type.Optional(Type.String({ maxLength: 2000, description: 'URI-encoded purpose JSON (alternative to the x-onemap-purpose header)' })),
};

/** One golden value with where it came from; `masked` when the viewer may not read it in plain. */
export const AttributeValue = Type.Object({
  value: Type.Union([Type.String(), Type.Number(), Type.Boolean(), Type.Null()]),
  masked: Type.Boolean(),
  source: Type.String(),
  rid: Type.String(),
});
export type AttributeValue = Static<typeof AttributeValue>;

export const EntitySummary = Type.Object({
  eid: Type.String(),
  kind: Type.String(),
  name: Type.Union([Type.String(), Type.Null()]),
  nameMasked: Type.Boolean(),
});
export type EntitySummary = Static<typeof EntitySummary>;

export const GeoPoint = Type.Object({ lon: Type.Number(), lat: Type.Number() });

export const PointFeature = Type.Object({
  type: Type.Literal('Feature'),
  geometry: Type.Object({ type: Type.Literal('Point'), coordinates: Type.Array(Type.Number(), { minItems: 2, maxItems: 2 }) }),
  properties: Type.Record(Type.String(), Type.Unknown()),
});
export const FeatureCollection = Type.Object({ type: Type.Literal('FeatureCollection'), features: Type.Array(Type.Any()) });
