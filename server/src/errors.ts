/**
 * The server's error registry: stable codes, a message template and an HTTP status each.
 * Throw with `httpError('PURPOSE_REQUIRED', {...})`; the error handler renders them.
 */
export const ERRORS = {
  BAD_REQUEST: { status: 400, message: 'bad request: {detail}' },
  VALIDATION: { status: 400, message: 'invalid request: {detail}' },
  UNAUTHENTICATED: { status: 401, message: 'authentication required: {detail}' },
  FORBIDDEN: { status: 403, message: 'not allowed: {detail}' },
  PURPOSE_REQUIRED: { status: 428, message: 'a purpose (事由) is required for individual-level queries: {detail}' },
  NOT_FOUND: { status: 404, message: '{what} not found' },
  CONFLICT: { status: 409, message: 'conflict: {detail}' },
  // Administration (issue 12): scope, self-administration and the unit tree.
  USERNAME_TAKEN: { status: 409, message: 'username {username} is taken: creating never replaces a user; change an existing one with PATCH /api/admin/users/{username}' },
  UNIT_CODE_TAKEN: { status: 409, message: 'unit code {code} is taken by a unit outside the units you administer' },
  OWN_UNIT: { status: 403, message: 'not allowed: unit {code} is your own unit or one above it; only an admin of a unit above it changes it' },
  UNIT_TREE: { status: 400, message: 'the units would no longer form one tree: {detail}' },
  SELF_ADMINISTRATION: { status: 403, message: 'not allowed: nobody changes their own {what}; ask an admin of a unit above yours' },
  NEEDS_HIGHER_UNIT: { status: 403, message: 'not allowed: {what} of users of your own unit is decided by an admin of a unit above it' },
  PAYLOAD_TOO_LARGE: { status: 413, message: 'request body too large: {detail}' },
  RATE_LIMITED: { status: 429, message: 'too many requests: {detail}' },
  SERVICE_UNAVAILABLE: { status: 503, message: 'service unavailable: {detail}' },
  INTERNAL: { status: 500, message: 'internal error (request {requestId})' },
} as const;
export type ErrorName = keyof typeof ERRORS;

export class HttpError extends Error {
  readonly code: string;
  readonly statusCode: number;
  constructor(
    readonly errorName: ErrorName,
    readonly params: Record<string, string | number> = {},
    readonly extra: Record<string, unknown> = {},
  ) {
    const def = ERRORS[errorName];
    super(def.message.replace(/\{(\w+)\}/g, (_, k: string) => String(params[k] ?? '')));
    this.code = `ONEMAP_ERR_${errorName}`;
    this.statusCode = def.status;
  }
}

export function httpError(name: ErrorName, params: Record<string, string | number> = {}, extra: Record<string, unknown> = {}) {
  return new HttpError(name, params, extra);
}
