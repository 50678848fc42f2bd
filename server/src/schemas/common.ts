/**
 * TypeBox schemas shared by the API routes. The web app imports the static types from
 * `@onemap/server/schemas` (no runtime dependency on the server).
 */
import { type Static, type TProperties, type TSchema, Type } from '@sinclair/typebox';

/**
 * The one error shape of the API: `{statusCode, code, message}` with a stable `ONEMAP_ERR_*` code;
 * some errors add fields (e.g. `detail`), so more properties are allowed.
 */
export const ErrorResponse = Type.Object(
  { statusCode: Type.Integer(), code: Type.String({ pattern: '^ONEMAP_ERR_[A-Z_]+$' }), message: Type.String() },
  { additionalProperties: true, description: 'an error with a stable ONEMAP_ERR_* code' },
);
export type ErrorResponse = Static<typeof ErrorResponse>;

/** 431 is answered by Node's HTTP parser before the app sees the request: no body at all. */
const HeadersTooLarge = Type.Null({ description: 'request headers too large (answered by the HTTP server, no body)' });

const ERROR_WHY: Record<number, string> = {
  400: 'invalid request (ONEMAP_ERR_VALIDATION / ONEMAP_ERR_BAD_REQUEST)',
  401: 'no valid token or client certificate (ONEMAP_ERR_UNAUTHENTICATED)',
  403: 'role, unit or source not allowed (ONEMAP_ERR_FORBIDDEN)',
  404: 'not found, or not visible to the caller (ONEMAP_ERR_NOT_FOUND)',
  409: 'conflicts with the current state (ONEMAP_ERR_CONFLICT)',
  413: 'request body too large (ONEMAP_ERR_PAYLOAD_TOO_LARGE)',
  415: 'unsupported Content-Type',
  428: 'a purpose (事由) is required (ONEMAP_ERR_PURPOSE_REQUIRED)',
  429: 'rate limited (ONEMAP_ERR_RATE_LIMITED)',
  503: 'audit trail or a backing service unavailable: the answer is withheld',
};

export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 415 | 428 | 429 | 503;

/** The error answers of the given statuses (plus 431), each the shared `ErrorResponse`. */
export function errorsOf(statuses: readonly ErrorStatus[]) {
  const out: Record<number, typeof ErrorResponse | typeof HeadersTooLarge> = { 431: HeadersTooLarge };
  for (const s of statuses) out[s] = Type.Object(ErrorResponse.properties, { additionalProperties: true, description: ERROR_WHY[s] });
  return out as Record<ErrorStatus, typeof ErrorResponse> & { 431: typeof HeadersTooLarge };
}

/**
 * What a route can answer besides its successes: every `/api` route may answer 400, 429, 431 and
 * 503; a protected one 401 and 403; a purpose route 428; a route with a body 413 and 415; plus the
 * statuses its handler throws (`also`, e.g. 404, 409).
 */
export function errorAnswers(opts: { public?: boolean; purpose?: boolean; body?: boolean; also?: readonly ErrorStatus[] } = {}) {
  const s: ErrorStatus[] = [400, 429, 503];
  if (!opts.public) s.push(401, 403);
  if (opts.purpose) s.push(428);
  if (opts.body) s.push(413, 415);
  s.push(...(opts.also ?? []));
  return errorsOf(s);
}

/** @deprecated kept for routes not yet precise about their errors; prefer `errorAnswers`. */
export const errorResponses = errorsOf([400, 401, 403, 404, 428, 429, 503]);

/**
 * The one list shape of the API: `{items, total?, truncated?}` (`total` when the server counted
 * more than it returns, `truncated` when a cap cut the list).
 */
export function ListOf<T extends TSchema, X extends TProperties = {}>(item: T, extra?: X, description?: string) {
  return Type.Object(
    {
      items: Type.Array(item),
      total: Type.Optional(Type.Integer({ minimum: 0, description: 'how many exist, when more than `items` holds' })),
      truncated: Type.Optional(Type.Boolean({ description: 'a cap cut the list' })),
      ...((extra ?? {}) as X),
    },
    description ? { description } : {},
  );
}

export const EntityKindSchema = Type.Union(
  (['Person', 'Organization', 'Place', 'Vehicle', 'Phone', 'Case'] as const).map((k) => Type.Literal(k)),
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
  'x-calendar-date': true,
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
  { description: 'Purpose (事由), sent URI-encoded as JSON in header x-onemap-purpose' },
);
export type PurposeBody = Static<typeof PurposeSchema>;

/** Optional query keys every protected route accepts (EventSource cannot send headers). */

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

/** The purpose header every purpose route reads (never a query parameter); malformed → 400, missing → 428. */
export const PurposeHeaders = Type.Object({
  'x-onemap-purpose': Type.Optional(
    Type.String({ maxLength: 2000, description: 'URI-encoded purpose JSON {kind, caseNumber, text} (事由)' }),
  ),
});

/** The query of a route that takes none (a purpose is a header, never a query parameter). */
export const NoQuery = Type.Object({});

/** Request parts of a purpose route: the header and the query alternative. */
export const purposeParts = { headers: PurposeHeaders } as const;

/** A CSV answer (UTF-8, header row first). */
export const CsvText = Type.String({ description: 'CSV, UTF-8, header row first' });
/** A server-sent events stream (`event:` / `data:` lines). */
export const EventStreamText = Type.String({ description: 'text/event-stream' });
