import { defineErrors, type ErrorDef, type ErrorRegistry, formatErrorMessage, mergeErrorRegistries } from '@onemap/graph-schema';
import { GRAPH_ERRORS } from '@onemap/graph-schema/server';
import { ERRORS as RESOLVER_ERRORS } from '@onemap/resolver';

/**
 * The server's error registry (the one registry shape, `defineErrors` from graph-schema): stable
 * codes, an HTTP status and a message template each. Throw with `httpError('PURPOSE_REQUIRED', {...})`;
 * the error handler renders them, and every other package's registered codes too (`ALL_ERRORS`).
 */
export const SERVER_ERRORS = defineErrors({
  ONEMAP_ERR_BAD_REQUEST: { status: 400, message: 'bad request: {detail}' },
  ONEMAP_ERR_VALIDATION: { status: 400, message: 'invalid request: {detail}' },
  ONEMAP_ERR_UNAUTHENTICATED: { status: 401, message: 'authentication required: {detail}' },
  ONEMAP_ERR_FORBIDDEN: { status: 403, message: 'not allowed: {detail}' },
  ONEMAP_ERR_CROSS_SITE: { status: 403, message: 'cross-site request refused: {detail}; call the API from the OneMap page itself or an origin in CORS_ORIGINS' },
  ONEMAP_ERR_PURPOSE_REQUIRED: { status: 428, message: 'a purpose (事由) is required for individual-level queries: {detail}' },
  ONEMAP_ERR_NOT_FOUND: { status: 404, message: '{what} not found' },
  ONEMAP_ERR_CONFLICT: { status: 409, message: 'conflict: {detail}' },
  // Administration (issue 12): scope, self-administration and the unit tree.
  ONEMAP_ERR_USERNAME_TAKEN: { status: 409, message: 'username {username} is taken: creating never replaces a user; change an existing one with PATCH /api/admin/users/{username}' },
  ONEMAP_ERR_UNIT_CODE_TAKEN: { status: 409, message: 'unit code {code} is taken by a unit outside the units you administer' },
  ONEMAP_ERR_OWN_UNIT: { status: 403, message: 'not allowed: unit {code} is your own unit or one above it; only an admin of a unit above it changes it' },
  ONEMAP_ERR_UNIT_TREE: { status: 400, message: 'the units would no longer form one tree: {detail}' },
  ONEMAP_ERR_SELF_ADMINISTRATION: { status: 403, message: 'not allowed: nobody changes their own {what}; ask an admin of a unit above yours' },
  ONEMAP_ERR_NEEDS_HIGHER_UNIT: { status: 403, message: 'not allowed: {what} of users of your own unit is decided by an admin of a unit above it' },
  // Series linking and scene collision (issue 17) take cases.
  ONEMAP_ERR_NOT_A_CASE: { status: 400, message: '{eid} is a {kind}, not a case: series linking and scene collision take cases (案事件)' },
  ONEMAP_ERR_CASE_NOT_PLACED: { status: 400, message: 'case {eid} has no scene and time you may see, so no window can be drawn around it' },
  // Areas (issue 17): a jurisdiction is named only when it is the caller's or below it.
  ONEMAP_ERR_UNKNOWN_JURISDICTION: { status: 400, message: 'no jurisdiction {code} you may use: name your unit’s territory or one below it (province, city or county code)' },
  ONEMAP_ERR_BAD_WARNING_RULE: { status: 400, message: 'this early-warning rule cannot be made: {detail}' },
  ONEMAP_ERR_PAYLOAD_TOO_LARGE: { status: 413, message: 'request body too large: {detail}' },
  ONEMAP_ERR_URI_TOO_LONG: { status: 414, message: 'a path parameter is longer than {max} characters' },
  ONEMAP_ERR_RATE_LIMITED: { status: 429, message: 'too many requests: {detail}' },
  ONEMAP_ERR_SERVICE_UNAVAILABLE: { status: 503, message: 'service unavailable: {detail}' },
  // Layers (issue 15): a layer computation outlives the request that waited for it.
  ONEMAP_ERR_LAYER_COMPUTING: { status: 503, message: 'this layer is still being computed (it takes longer than a request waits); ask again in {retryAfter} s — the answer is kept for every caller with your view' },
  ONEMAP_ERR_AUDIT_UNAVAILABLE: { status: 503, message: 'the audit trail could not be written, so the answer is withheld (request {requestId})' },
  ONEMAP_ERR_INTERNAL: { status: 500, message: 'internal error (request {requestId})' },
});

/** Every registered code of every package, as the error handler maps them (server templates win on a shared code). */
export const ALL_ERRORS: ErrorRegistry = mergeErrorRegistries(SERVER_ERRORS, GRAPH_ERRORS, RESOLVER_ERRORS);

type ServerCode = keyof typeof SERVER_ERRORS;
/** A server code without its `ONEMAP_ERR_` prefix, as `httpError` takes it. */
export type ErrorName = ServerCode extends `ONEMAP_ERR_${infer N}` ? N : never;

/** The server's registry by short name (`ERRORS.NOT_FOUND.status`). */
export const ERRORS = Object.fromEntries(Object.entries(SERVER_ERRORS).map(([code, def]) => [code.slice('ONEMAP_ERR_'.length), def])) as Record<ErrorName, ErrorDef>;

/** The registered definition of `code`, from any package; undefined when no registry declares it. */
export function registeredError(code: unknown): ErrorDef | undefined {
  return typeof code === 'string' && Object.hasOwn(ALL_ERRORS, code) ? ALL_ERRORS[code] : undefined;
}

export class HttpError extends Error {
  readonly code: string;
  readonly statusCode: number;
  constructor(
    readonly errorName: ErrorName,
    readonly params: Record<string, string | number> = {},
    readonly extra: Record<string, unknown> = {},
  ) {
    const def = ERRORS[errorName];
    super(formatErrorMessage(def.message, params));
    this.code = `ONEMAP_ERR_${errorName}`;
    this.statusCode = def.status;
  }

  /** The answer's body, as every error is answered (`{statusCode, code, message}` and its extras). */
  body(): Record<string, unknown> & { statusCode: number; code: string; message: string } {
    return { statusCode: this.statusCode, code: this.code, message: this.message, ...this.extra };
  }
}

export function httpError(name: ErrorName, params: Record<string, string | number> = {}, extra: Record<string, unknown> = {}) {
  return new HttpError(name, params, extra);
}
