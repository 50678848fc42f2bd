import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { AuditInput, AuditOutcome } from '../audit/chain.ts';
import { AuditGroupCommit } from '../audit/group-commit.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** Appends one request's entry to the hash-chained audit trail. */
    auditRequest(request: FastifyRequest, status: number): Promise<void>;
  }
}

const REDACT = new Set(['password', 'passwordHash', 'access_token', 'token', 'ticket']);
const MAX_PARAMS_CHARS = 4000;

function redact(v: unknown, depth = 0): unknown {
  if (depth > 6 || v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.slice(0, 50).map((x) => redact(x, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) out[k] = REDACT.has(k) ? '[redacted]' : redact(x, depth + 1);
  return out;
}

/** The parameters of a request as recorded: path params, query (minus token and purpose) and body, redacted and capped. */
export function auditParams(request: FastifyRequest): string {
  const query = { ...((request.query as Record<string, unknown>) ?? {}) };
  delete query.purpose;
  delete query.access_token;
  delete query.ticket;
  const body = request.body === undefined || typeof request.body !== 'object' ? (request.body === undefined ? undefined : '[non-JSON body]') : redact(request.body);
  const s = JSON.stringify({ params: request.params ?? {}, query, body });
  return s.length > MAX_PARAMS_CHARS ? `${s.slice(0, MAX_PARAMS_CHARS)}…[truncated ${s.length} chars]` : s;
}

export function outcomeOf(status: number): AuditOutcome {
  if (status < 400) return 'allowed';
  if (status === 401 || status === 403 || status === 428) return 'denied';
  return 'error';
}

/** The audit trail writer; the `/api` hook calls it for every answer, allowed or denied. */
export default fp(
  async (app: FastifyInstance) => {
    const committer = new AuditGroupCommit(app.graph, {
      signingKey: app.config.AUDIT_SIGNING_KEY,
      checkpointEvery: app.config.AUDIT_CHECKPOINT_EVERY,
      windowMs: app.config.AUDIT_GROUP_WINDOW_MS,
      maxGroup: app.config.AUDIT_GROUP_MAX,
    });
    // Entries still waiting when the server stops are written before the graph closes.
    app.addHook('onClose', async () => committer.flush());
    app.decorate('auditRequest', async (request: FastifyRequest, status: number) => {
      const v = request.viewer;
      const input: AuditInput = {
        at: new Date().toISOString(),
        requestId: String(request.id),
        user: v?.username ?? request.claimedUser ?? null,
        unit: v?.unitCode ?? request.identity?.unitCode ?? null,
        role: request.sourceKey ? 'source_system' : v ? v.roles.join(',') : request.identity ? request.identity.roles.join(',') : null,
        purposeJson: v?.purpose ? JSON.stringify(v.purpose) : request.rawPurpose ? `raw:${request.rawPurpose.slice(0, 500)}` : null,
        route: request.routeOptions.url ?? request.url.split('?')[0] ?? '',
        method: request.method,
        paramsJson: auditParams(request),
        resultCount: request.resultCount ?? null,
        outcome: outcomeOf(status),
        status,
      };
      // Resolves only after the group holding this entry committed; rejects (answer withheld) otherwise.
      await committer.append(input);
    });
  },
  { name: 'onemap-audit', dependencies: ['onemap-config', 'onemap-graph'] },
);

/** Replaces an answer whose audit entry could not be written: no audit, no data. */
export function auditFailed(reply: FastifyReply, requestId: string): string {
  reply.code(503).header('content-type', 'application/json; charset=utf-8');
  return JSON.stringify({ statusCode: 503, code: 'ONEMAP_ERR_AUDIT_UNAVAILABLE', message: `the audit trail could not be written, so the answer is withheld (request ${requestId})` });
}
