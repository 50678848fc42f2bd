import type { FastifyError, FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { HttpError } from '../errors.ts';

/**
 * One handler turns anything thrown into `{statusCode, code, error, message}`; 5xx answers never
 * carry internals, and are logged with the request id.
 */
export default fp(
  async (app: FastifyInstance) => {
    app.setErrorHandler((err: FastifyError | HttpError | Error, request, reply) => {
      if (err instanceof HttpError) {
        return reply.status(err.statusCode).send({ statusCode: err.statusCode, code: err.code, message: err.message, ...err.extra });
      }
      const fe = err as FastifyError;
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
