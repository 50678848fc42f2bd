import { formatErrorMessage } from '@onemap/graph-schema';
import { toGraphError } from '@onemap/graph-schema/server';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import querystring from 'node:querystring';
import { HttpError, registeredError, SERVER_ERRORS } from '../errors.ts';
import { nameProbeCaller } from './access.ts';
import { auditedAnswer } from './audit.ts';
import { crossSiteRefusal } from './cross-site.ts';

/** A neo4j-driver error that escaped a repository helper (they translate their own). */
function isDriverError(err: unknown): boolean {
  return (err as Error | undefined)?.name === 'Neo4jError';
}

/** Fastify's default `maxParamLength`: a longer path parameter is refused before routing. */
export const MAX_PARAM_LENGTH = 100;

/** The answer to one of fastify's own refusals before routing. */
function frameworkRefusal(error: FastifyError, request: FastifyRequest): { statusCode: number; code: string; message: string } {
  if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    return { statusCode: 414, code: 'ONEMAP_ERR_URI_TOO_LONG', message: formatErrorMessage(SERVER_ERRORS.ONEMAP_ERR_URI_TOO_LONG.message, { max: MAX_PARAM_LENGTH }) };
  }
  if (error.code === 'FST_ERR_BAD_URL') {
    return { statusCode: 400, code: 'ONEMAP_ERR_BAD_REQUEST', message: 'bad request: the URL is not valid (a malformed percent-encoding in a path parameter)' };
  }
  request.log.error({ err: error }, 'framework error');
  return { statusCode: 500, code: 'ONEMAP_ERR_INTERNAL', message: `internal error (request ${request.id})` };
}

const isApiUrl = (url: string) => url === '/api' || url.startsWith('/api/') || url.startsWith('/api?');

/**
 * Fastify's own refusals before a route is found (a path parameter too long, a malformed
 * percent-encoding), in the shape of every other error — never echoing the path, which may hold
 * an identifier. Passed to `Fastify({ frameworkErrors })`. No hook runs for them, so an `/api` URL
 * refused here is audited here like any other refusal, naming the caller when its credentials
 * are valid (the request is bare: no route, no decorations; `nameProbeCaller` needs none).
 */
export function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  // another site's request is refused as such, naming nobody (refuseCrossSite)
  const crossSite = isApiUrl(request.url) ? crossSiteRefusal(request) : null;
  const answer = crossSite ? crossSite.body() : frameworkRefusal(error, request);
  reply.status(answer.statusCode);
  if (!isApiUrl(request.url)) {
    void reply.send(answer);
    return;
  }
  void (async () => {
    const app = request.server;
    const q = request.url.indexOf('?');
    // A bare request has no parsed query; the entry records it like any other's.
    request.query = q < 0 ? {} : { ...querystring.parse(request.url.slice(q + 1)) };
    if (!crossSite) await nameProbeCaller(app, request);
    const payload = await auditedAnswer(app, request, reply, JSON.stringify(answer));
    reply.header('content-type', 'application/json; charset=utf-8');
    return reply.send(payload);
  })().catch((err) => {
    request.log.error({ err }, 'framework refusal could not be answered');
    if (!reply.sent) void reply.status(500).send({ statusCode: 500, code: 'ONEMAP_ERR_INTERNAL', message: `internal error (request ${request.id})` });
  });
}

/**
 * One handler turns anything thrown into `{statusCode, code, message}`: server `HttpError`s, any
 * code registered by any package (graph-schema, resolver, server — `ALL_ERRORS`), driver errors
 * (a Neo4j that is down or unreachable is a 503 `ONEMAP_ERR_GRAPH_UNAVAILABLE`), fastify's own
 * 4xx. 5xx answers never carry internals, and are logged with the request id.
 */
export default fp(
  async (app: FastifyInstance) => {
    app.setErrorHandler((thrown: FastifyError | HttpError | Error, request, reply) => {
      if (thrown instanceof HttpError) {
        return reply.status(thrown.statusCode).send(thrown.body());
      }
      const err = isDriverError(thrown) ? toGraphError(thrown) : thrown;
      const fe = err as FastifyError;
      const def = fe.validation ? undefined : registeredError(fe.code);
      if (def) {
        if (def.status < 500) return reply.status(def.status).send({ statusCode: def.status, code: fe.code, message: err.message });
        request.log.error({ err }, `answered ${def.status} ${fe.code}`);
        // A template's own parameters (a timeout's limit) are kept; `detail` (driver text) never is.
        const own = (err as { params?: Record<string, string | number> }).params ?? {};
        const message = formatErrorMessage(def.message, { ...own, detail: `see the server log (request ${request.id})`, requestId: request.id });
        return reply.status(def.status).send({ statusCode: def.status, code: fe.code, message });
      }
      if (fe.validation) {
        return reply.status(400).send({ statusCode: 400, code: 'ONEMAP_ERR_VALIDATION', message: `invalid request: ${fe.message}` });
      }
      const status = fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500 ? fe.statusCode : 500;
      if (status < 500) {
        const code = fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE' ? 'ONEMAP_ERR_PAYLOAD_TOO_LARGE' : fe.code === 'FST_ERR_RATE_LIMITED' || status === 429 ? 'ONEMAP_ERR_RATE_LIMITED' : 'ONEMAP_ERR_BAD_REQUEST';
        return reply.status(status).send({ statusCode: status, code, message: fe.message });
      }
      request.log.error({ err }, 'unhandled error');
      return reply.status(500).send({ statusCode: 500, code: 'ONEMAP_ERR_INTERNAL', message: `internal error (request ${request.id})` });
    });
    app.setNotFoundHandler((request, reply) =>
      reply.status(404).send({ statusCode: 404, code: 'ONEMAP_ERR_NOT_FOUND', message: `route ${request.method} ${request.url} not found` }),
    );
  },
  { name: 'onemap-error-handler' },
);
