import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { AuditInput, AuditOutcome } from '../audit/chain.ts';
import { AuditGroupCommit } from '../audit/group-commit.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /**
     * Appends one request's entry to the hash-chained audit trail. `delivered`: what one event of a
     * long-lived answer (the watch stream) disclosed, recorded with the request's parameters.
     */
    auditRequest(request: FastifyRequest, status: number, delivered?: Record<string, unknown>): Promise<void>;
  }
}

const REDACT = new Set(['password', 'passwordHash', 'access_token', 'token', 'ticket']);
const MAX_PARAMS_CHARS = 4000;
/** At most this many values of a body are visited: the entry is capped anyway, the work must be too. */
const MAX_BODY_NODES = 400;
const MAX_STRING_CHARS = 500;

function isBinary(v: unknown): v is ArrayBufferView | ArrayBuffer {
  return ArrayBuffer.isView(v) || v instanceof ArrayBuffer;
}

/** A body as recorded: secrets redacted, binary as its size, long strings cut, at most MAX_BODY_NODES values. */
function redact(v: unknown, budget = { left: MAX_BODY_NODES }, depth = 0): unknown {
  if (budget.left-- <= 0) return '…';
  if (typeof v === 'string') return v.length > MAX_STRING_CHARS ? `${v.slice(0, MAX_STRING_CHARS)}…` : v;
  if (v === null || typeof v !== 'object') return v;
  if (isBinary(v)) return { bytes: v.byteLength };
  if (depth > 6) return '…';
  if (Array.isArray(v)) return v.slice(0, 50).map((x) => redact(x, budget, depth + 1));
  const out: Record<string, unknown> = {};
  for (const k in v) {
    if (budget.left <= 0) break;
    out[k] = REDACT.has(k) ? '[redacted]' : redact((v as Record<string, unknown>)[k], budget, depth + 1);
  }
  return out;
}

/**
 * A delivery's body as recorded: its shape (keys, how many items, the size of a file), never the
 * records it carries — source data are not copied into the audit trail, where auditors read them.
 */
function shapeOf(v: unknown, depth = 0): unknown {
  if (isBinary(v)) return { bytes: v.byteLength };
  if (Array.isArray(v)) return { items: v.length };
  if (v === null || typeof v !== 'object') return typeof v;
  if (depth > 0) return 'object';
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v).slice(0, 20)) out[k] = shapeOf((v as Record<string, unknown>)[k], depth + 1);
  return out;
}

function bodyForAudit(request: FastifyRequest): unknown {
  const b = request.body;
  if (b === undefined) return undefined;
  if (isBinary(b)) return { bytes: b.byteLength, contentType: request.headers['content-type'] ?? null };
  if (b === null || typeof b !== 'object') return '[non-JSON body]';
  return request.routeOptions.config?.auditBody === 'shape' ? shapeOf(b) : redact(b);
}

/** The parameters of a request as recorded: path params, query (minus token and purpose) and body, redacted and capped. */
export function auditParams(request: FastifyRequest, delivered?: Record<string, unknown>): string {
  const query = { ...((request.query as Record<string, unknown>) ?? {}) };
  delete query.purpose;
  delete query.access_token;
  delete query.ticket;
  const s = JSON.stringify({ params: request.params ?? {}, query, body: bodyForAudit(request), ...(delivered ? { delivered: redact(delivered) } : {}) });
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
    app.decorate('auditRequest', async (request: FastifyRequest, status: number, delivered?: Record<string, unknown>) => {
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
        paramsJson: auditParams(request, delivered),
        resultCount: delivered ? 1 : (request.resultCount ?? null),
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
