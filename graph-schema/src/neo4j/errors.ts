/**
 * Typed errors of the graph layer. Driver errors are translated at the repository edge so
 * callers branch on stable codes, never on Neo4j's message text.
 */
export const GraphErrorCode = {
  UniqueViolation: 'ONEMAP_ERR_UNIQUE_VIOLATION',
  Unavailable: 'ONEMAP_ERR_GRAPH_UNAVAILABLE',
  AuthFailed: 'ONEMAP_ERR_GRAPH_AUTH',
  Transient: 'ONEMAP_ERR_GRAPH_TRANSIENT',
  MigrationChanged: 'ONEMAP_ERR_MIGRATION_CHANGED',
  MigrationFailed: 'ONEMAP_ERR_MIGRATION_FAILED',
  Query: 'ONEMAP_ERR_GRAPH_QUERY',
} as const;
export type GraphErrorCode = (typeof GraphErrorCode)[keyof typeof GraphErrorCode];

export class GraphError extends Error {
  constructor(
    readonly code: GraphErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'GraphError';
  }
}

interface DriverErrorLike {
  code?: string;
  message?: string;
  retriable?: boolean;
}

/** Translates a neo4j-driver error (or anything) into a GraphError with a stable code. */
export function toGraphError(e: unknown): GraphError {
  if (e instanceof GraphError) return e;
  const err = (e ?? {}) as DriverErrorLike;
  const code = err.code ?? '';
  const msg = err.message ?? String(e);
  if (code === 'Neo.ClientError.Schema.ConstraintValidationFailed') {
    const m = /Node\((\d+)\) already exists with label `(\w+)` and propert(?:y|ies) (.*)$/m.exec(msg);
    return new GraphError(
      GraphErrorCode.UniqueViolation,
      m ? `a ${m[2]} with ${m[3]} already exists` : 'a uniqueness constraint was violated',
      { label: m?.[2], properties: m?.[3] },
      { cause: e },
    );
  }
  if (code === 'ServiceUnavailable' || code === 'SessionExpired' || /ECONNREFUSED|connect ECONN/.test(msg)) {
    return new GraphError(GraphErrorCode.Unavailable, `Neo4j is unavailable: ${msg}`, {}, { cause: e });
  }
  if (code === 'Neo.ClientError.Security.Unauthorized') {
    return new GraphError(GraphErrorCode.AuthFailed, 'Neo4j rejected the credentials (check NEO4J_USER / NEO4J_PASSWORD)', {}, { cause: e });
  }
  if (code.startsWith('Neo.TransientError') || err.retriable) {
    return new GraphError(GraphErrorCode.Transient, `transient Neo4j error: ${msg}`, { neo4jCode: code }, { cause: e });
  }
  return new GraphError(GraphErrorCode.Query, `Neo4j query failed: ${msg}`, { neo4jCode: code }, { cause: e });
}
