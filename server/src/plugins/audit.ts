import { createHmac } from 'node:crypto';
import { formatErrorMessage } from '@onemap/graph-schema';
import { GRAPH_ERRORS, type Graph, GraphErrorCode, openGraph } from '@onemap/graph-schema/server';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { type AuditInput, type AuditOutcome, auditDigestKey } from '../audit/chain.ts';
import { AuditGroupCommit } from '../audit/group-commit.ts';
import { isSpooledUpload } from '../services/spooled-upload.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /**
     * Appends one request's entry to the hash-chained audit trail. `delivered`: what one event of a
     * long-lived answer (the watch stream) disclosed, recorded with the request's parameters.
     */
    auditRequest(request: FastifyRequest, status: number, delivered?: Record<string, unknown>): Promise<void>;
    /**
     * Appends the entry of a request that is about to change something (outcome `intent`, status
     * 0), before its handler runs; rejects when it cannot be written, and the change is not made.
     */
    auditIntent(request: FastifyRequest): Promise<void>;
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

/** Items of one array recorded; the rest are counted (`…+N more`) and covered by the body's digest. */
const MAX_ARRAY_ITEMS = 50;

/** What a recorded body left out: set when any value was cut, so the entry carries the whole body's digest. */
interface Budget {
  left: number;
  cut: boolean;
}

/** A body as recorded: secrets redacted, binary as its size, long strings cut, at most MAX_BODY_NODES values; every cut is marked and sets `budget.cut`. */
function redact(v: unknown, budget: Budget = { left: MAX_BODY_NODES, cut: false }, depth = 0): unknown {
  if (budget.left-- <= 0) {
    budget.cut = true;
    return '…';
  }
  if (typeof v === 'string') {
    if (v.length <= MAX_STRING_CHARS) return v;
    budget.cut = true;
    return `${v.slice(0, MAX_STRING_CHARS)}…`;
  }
  if (v === null || typeof v !== 'object') return v;
  if (isBinary(v)) return { bytes: v.byteLength };
  if (depth > 6) {
    budget.cut = true;
    return '…';
  }
  if (Array.isArray(v)) {
    const head = v.slice(0, MAX_ARRAY_ITEMS).map((x) => redact(x, budget, depth + 1));
    if (v.length > MAX_ARRAY_ITEMS) {
      budget.cut = true;
      head.push(`…+${v.length - MAX_ARRAY_ITEMS} more`);
    }
    return head;
  }
  const out: Record<string, unknown> = {};
  for (const k in v) {
    if (budget.left <= 0) {
      budget.cut = true;
      out['…'] = 'more keys';
      break;
    }
    out[k] = REDACT.has(k) ? '[redacted]' : redact((v as Record<string, unknown>)[k], budget, depth + 1);
  }
  return out;
}

/** The whole body with only its secrets redacted (nothing cut): what `bodySha256` covers. */
function secretsRedacted(v: unknown, depth = 0): unknown {
  if (v === null || typeof v !== 'object' || depth > 64) return v;
  if (isBinary(v)) return { bytes: v.byteLength };
  if (Array.isArray(v)) return v.map((x) => secretsRedacted(x, depth + 1));
  const out: Record<string, unknown> = {};
  for (const k in v) out[k] = REDACT.has(k) ? '[redacted]' : secretsRedacted((v as Record<string, unknown>)[k], depth + 1);
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

/** The body as recorded, and whether anything of it was cut (then the entry carries the whole body's digest). */
function bodyForAudit(request: FastifyRequest): { body: unknown; cut: boolean } {
  const b = request.body;
  if (b === undefined) return { body: undefined, cut: false };
  if (isBinary(b)) return { body: { bytes: b.byteLength, contentType: request.headers['content-type'] ?? null }, cut: false };
  // an uploaded file, written to disk as it arrived: its size, as a body in memory
  if (isSpooledUpload(b)) return { body: { bytes: b.bytes, contentType: request.headers['content-type'] ?? null }, cut: false };
  if (b === null || typeof b !== 'object') return { body: '[non-JSON body]', cut: false };
  if (request.routeOptions.config?.auditBody === 'shape') return { body: shapeOf(b), cut: false };
  const budget: Budget = { left: MAX_BODY_NODES, cut: false };
  const body = redact(b, budget);
  return { body, cut: budget.cut };
}

/**
 * Keyed digest (HMAC-SHA256, `auditDigestKey`) of the whole body, secrets redacted: the server can
 * check a body against an entry that had to shorten it. Keyed, because the entry is read masked: a
 * plain hash of the unmasked body would let a reader try the values the mask hides.
 */
export function bodyDigest(request: FastifyRequest, key: Buffer): string {
  try {
    return createHmac('sha256', key).update(JSON.stringify(secretsRedacted(request.body))).digest('hex');
  } catch {
    return 'unavailable';
  }
}

/**
 * The parameters of a request as recorded: path params, query (minus token and purpose) and body,
 * redacted and capped. Nothing is left out silently: a cut value is marked (`…`, `…+N more`), and an
 * entry that had to shorten the body carries `bodyHmac` (`bodyDigest`: the whole body, secrets
 * redacted) and the number of items a long array had, so what a request wrote can still be proven
 * against it.
 */
export function auditParams(request: FastifyRequest, key: Buffer, delivered?: Record<string, unknown>): string {
  const query = { ...((request.query as Record<string, unknown>) ?? {}) };
  delete query.purpose;
  delete query.access_token;
  delete query.ticket;
  const { body, cut } = bodyForAudit(request);
  const digest = cut ? { bodyHmac: bodyDigest(request, key) } : {};
  const s = JSON.stringify({ params: request.params ?? {}, query, ...digest, body, ...(delivered ? { delivered: redact(delivered) } : {}) });
  if (s.length <= MAX_PARAMS_CHARS) return s;
  // The digest is named at the end, readable whatever the cut took.
  const hmac = cut ? digest.bodyHmac : request.body === undefined ? null : bodyDigest(request, key);
  return `${s.slice(0, MAX_PARAMS_CHARS)}…[truncated ${s.length} chars${hmac ? `; bodyHmac ${hmac}` : ''}]`;
}

/** Longest path recorded for a request no route matched (a refused URL may be kilobytes long). */
const MAX_ROUTE_CHARS = 500;

/** The route an entry records: the matched route's pattern, else the path as sent (cut, and marked when cut). */
function routeOf(request: FastifyRequest): string {
  const route = request.routeOptions.url ?? request.url.split('?')[0] ?? '';
  return route.length <= MAX_ROUTE_CHARS ? route : `${route.slice(0, MAX_ROUTE_CHARS)}…[${route.length} chars]`;
}

export function outcomeOf(status: number): AuditOutcome {
  if (status < 400) return 'allowed';
  if (status === 401 || status === 403 || status === 428) return 'denied';
  return 'error';
}

/** The audit trail writer; the `/api` hook calls it for every answer, allowed or denied. */
export default fp(
  async (app: FastifyInstance) => {
    // The trail writes through a driver of its own: a pool full of users' reads (each up to
    // QUERY_TIMEOUT_MS) made an answer's entry wait for a connection, fail, and the answer withheld.
    const auditGraph: Graph = app.graph.connection ? { ...openGraph(app.graph.connection), readTimeoutMs: app.graph.readTimeoutMs } : app.graph;
    const committer = new AuditGroupCommit(auditGraph, {
      signingKey: app.config.AUDIT_SIGNING_KEY,
      checkpointEvery: app.config.AUDIT_CHECKPOINT_EVERY,
      windowMs: app.config.AUDIT_GROUP_WINDOW_MS,
      maxGroup: app.config.AUDIT_GROUP_MAX,
    });
    const digestKey = auditDigestKey(app.config.AUDIT_SIGNING_KEY);
    // Entries still waiting when the server stops are written before the graph closes.
    app.addHook('onClose', async () => {
      await committer.flush();
      if (auditGraph !== app.graph) await auditGraph.driver.close();
    });
    const entryOf = (request: FastifyRequest, status: number, outcome: AuditOutcome, delivered?: Record<string, unknown>): AuditInput => {
      const v = request.viewer;
      const input: AuditInput = {
        at: new Date().toISOString(),
        requestId: String(request.id),
        user: v?.username ?? request.claimedUser ?? null,
        unit: v?.unitCode ?? request.identity?.unitCode ?? null,
        role: request.sourceKey ? 'source_system' : v ? v.roles.join(',') : request.identity ? request.identity.roles.join(',') : null,
        purposeJson: v?.purpose ? JSON.stringify(v.purpose) : request.rawPurpose ? `raw:${request.rawPurpose.slice(0, 500)}` : null,
        route: routeOf(request),
        method: request.method,
        paramsJson: auditParams(request, digestKey, delivered),
        resultCount: outcome === 'intent' ? null : delivered ? 1 : (request.resultCount ?? null),
        outcome,
        status,
      };
      return input;
    };
    // Both resolve only after the group holding the entry committed; reject (answer withheld, change not made) otherwise.
    app.decorate('auditRequest', async (request: FastifyRequest, status: number, delivered?: Record<string, unknown>) => {
      await committer.append(entryOf(request, status, outcomeOf(status), delivered));
    });
    app.decorate('auditIntent', async (request: FastifyRequest) => {
      await committer.append(entryOf(request, 0, 'intent'));
    });
  },
  { name: 'onemap-audit', dependencies: ['onemap-config', 'onemap-graph'] },
);

/**
 * An `/api` answer once its audit entry is written: `payload` as it is, or — when the entry cannot
 * be written — withheld (503; GRAPH_UNAVAILABLE when the graph itself is down). The `/api` onSend
 * hook and the refusals fastify makes before routing (`frameworkErrors`) both answer through it.
 */
export async function auditedAnswer<T>(app: FastifyInstance, request: FastifyRequest, reply: FastifyReply, payload: T): Promise<T | string> {
  // a flood's later refusals by the rate limit (its first one of the window is audited): no query ran
  if (request.quietRefusal && reply.statusCode === 429) return payload;
  try {
    await app.auditRequest(request, reply.statusCode);
  } catch (err) {
    request.log.error({ err }, 'audit append failed');
    return withheldAnswer(reply, String(request.id), err);
  }
  return payload;
}

/** The answer given when an audit entry cannot be written: 503, GRAPH_UNAVAILABLE when the graph itself is down, else AUDIT_UNAVAILABLE. */
export function withheldAnswer(reply: FastifyReply, requestId: string, err: unknown): string {
  if ((err as { code?: string }).code === GraphErrorCode.Unavailable) return graphUnavailable(reply, requestId);
  return auditFailed(reply, requestId);
}

/** The answer that replaces any other while Neo4j (graph and audit trail alike) cannot be reached. */
function graphUnavailable(reply: FastifyReply, requestId: string): string {
  reply.code(503).header('content-type', 'application/json; charset=utf-8');
  const message = formatErrorMessage(GRAPH_ERRORS[GraphErrorCode.Unavailable].message, { detail: `see the server log (request ${requestId})` });
  return JSON.stringify({ statusCode: 503, code: GraphErrorCode.Unavailable, message });
}

/** Replaces an answer whose audit entry could not be written: no audit, no data. */
export function auditFailed(reply: FastifyReply, requestId: string): string {
  reply.code(503).header('content-type', 'application/json; charset=utf-8');
  return JSON.stringify({ statusCode: 503, code: 'ONEMAP_ERR_AUDIT_UNAVAILABLE', message: `the audit trail could not be written, so the answer is withheld (request ${requestId})` });
}
