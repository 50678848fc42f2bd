import { defineErrors, type ErrorParams, formatErrorMessage } from '../universal/errors.ts';

/**
 * Typed errors of the graph layer. Driver errors are translated at the repository edge so
 * callers branch on stable codes, never on Neo4j's message text.
 */
/** The graph layer's error registry. 503s are "try again later": the database is down, refuses us, or is busy. */
export const GRAPH_ERRORS = defineErrors({
  ONEMAP_ERR_UNIQUE_VIOLATION: { status: 409, message: 'already exists: {detail}' },
  ONEMAP_ERR_GRAPH_UNAVAILABLE: { status: 503, message: 'the graph database is unavailable: {detail}' },
  ONEMAP_ERR_GRAPH_AUTH: { status: 503, message: 'the graph database rejected our credentials (check NEO4J_USER / NEO4J_PASSWORD): {detail}' },
  ONEMAP_ERR_GRAPH_TRANSIENT: { status: 503, message: 'transient graph database error, try again: {detail}' },
  ONEMAP_ERR_QUERY_TIMEOUT: { status: 503, message: 'the query ran longer than {limitMs} ms and was stopped: narrow it (a shorter time range, fewer hops or relation types, a smaller area) and try again' },
  ONEMAP_ERR_MIGRATION_CHANGED: { status: 500, message: 'migration {file} was changed after it was applied (checksum differs); add a new version instead of editing it' },
  ONEMAP_ERR_MIGRATION_FAILED: { status: 500, message: 'migration failed: {detail}' },
  ONEMAP_ERR_GRAPH_QUERY: { status: 500, message: 'graph query failed: {detail}' },
});

/** Codes of `GRAPH_ERRORS` by short name, for `new GraphError(GraphErrorCode.X, ...)`. */
export const GraphErrorCode = {
  UniqueViolation: 'ONEMAP_ERR_UNIQUE_VIOLATION',
  Unavailable: 'ONEMAP_ERR_GRAPH_UNAVAILABLE',
  AuthFailed: 'ONEMAP_ERR_GRAPH_AUTH',
  Transient: 'ONEMAP_ERR_GRAPH_TRANSIENT',
  QueryTimeout: 'ONEMAP_ERR_QUERY_TIMEOUT',
  MigrationChanged: 'ONEMAP_ERR_MIGRATION_CHANGED',
  MigrationFailed: 'ONEMAP_ERR_MIGRATION_FAILED',
  Query: 'ONEMAP_ERR_GRAPH_QUERY',
} as const satisfies Record<string, keyof typeof GRAPH_ERRORS>;
export type GraphErrorCode = keyof typeof GRAPH_ERRORS;

/** A graph-layer error: a registered code, its status, and the template filled from `params`. */
export class GraphError extends Error {
  readonly statusCode: number;
  constructor(
    readonly code: GraphErrorCode,
    readonly params: ErrorParams = {},
    options?: { cause?: unknown },
  ) {
    super(formatErrorMessage(GRAPH_ERRORS[code].message, params), options);
    this.name = 'GraphError';
    this.statusCode = GRAPH_ERRORS[code].status;
  }

  /** Structured details (the template's parameters). */
  get details(): ErrorParams {
    return this.params;
  }
}

interface DriverErrorLike {
  code?: string;
  message?: string;
  retriable?: boolean;
}

/** Translates a neo4j-driver error (or anything) into a GraphError with a stable code. */
export function toGraphError(e: unknown, opts: { timeoutMs?: number } = {}): GraphError {
  if (e instanceof GraphError) return e;
  const err = (e ?? {}) as DriverErrorLike;
  const code = err.code ?? '';
  const msg = err.message ?? String(e);
  if (code.startsWith('Neo.ClientError.Transaction.TransactionTimedOut')) {
    return new GraphError(GraphErrorCode.QueryTimeout, { limitMs: opts.timeoutMs ?? 'the allowed' }, { cause: e });
  }
  if (code === 'Neo.ClientError.Schema.ConstraintValidationFailed') {
    const m = /Node\((\d+)\) already exists with label `(\w+)` and propert(?:y|ies) (.*)$/m.exec(msg);
    return new GraphError(
      GraphErrorCode.UniqueViolation,
      { detail: m ? `a ${m[2]} with ${m[3]}` : 'a uniqueness constraint was violated', label: m?.[2], properties: m?.[3] },
      { cause: e },
    );
  }
  if (code === 'ServiceUnavailable' || code === 'SessionExpired' || /ECONNREFUSED|connect ECONN/.test(msg)) {
    return new GraphError(GraphErrorCode.Unavailable, { detail: msg }, { cause: e });
  }
  if (code === 'Neo.ClientError.Security.Unauthorized') {
    return new GraphError(GraphErrorCode.AuthFailed, { detail: msg }, { cause: e });
  }
  if (code.startsWith('Neo.TransientError') || err.retriable) {
    return new GraphError(GraphErrorCode.Transient, { detail: msg, neo4jCode: code }, { cause: e });
  }
  return new GraphError(GraphErrorCode.Query, { detail: msg, neo4jCode: code }, { cause: e });
}
