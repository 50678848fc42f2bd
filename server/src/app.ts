import cors from '@fastify/cors';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance } from 'fastify';
import { type Config, listSetting, loadConfig } from './config.ts';
import { dropGoneClient } from './plugins/client-gone.ts';
import configPlugin from './plugins/config.ts';
import errorHandler, { frameworkErrors, MAX_PARAM_LENGTH } from './plugins/error-handler.ts';
import graphPlugin from './plugins/graph.ts';
import pipelinePlugin from './plugins/pipeline.ts';
import { countEveryRequest } from './plugins/request-rate.ts';
import securityHeaders from './plugins/security-headers.ts';
import webAppPlugin from './plugins/web-app.ts';
import warmUpPlugin from './plugins/warm-up.ts';
import redisPlugin from './plugins/redis.ts';
import accessPlugin from './plugins/access.ts';
import auditPlugin from './plugins/audit.ts';
import eventsPlugin from './plugins/events.ts';
import apiRoutes from './routes/api/index.ts';
import healthRoutes from './routes/health.ts';
import { type ServerLoggerOptions, serverLoggerOptions } from './plugins/log-serializers.ts';
import { httpsOptions } from './tls.ts';

export interface BuildOptions {
  config?: Config;
  /** pino logger options (the log serializers are always added); `false` silences (tests). */
  logger?: boolean | ServerLoggerOptions;
}

/**
 * Builds the OneMap fastify app: external plugins (helmet's headers, CORS, rate limit, OpenAPI), then ours
 * (config, error handler, Neo4j, Redis), then routes. Does not listen.
 */
export async function buildApp(opts: BuildOptions = {}): Promise<FastifyInstance> {
  const config = opts.config ?? loadConfig();
  const https = httpsOptions(config);
  const app = Fastify({
    ...(https ? { https } : {}),
    // Searched identifiers never reach the log: URLs by path and parameter names, errors masked.
    logger: serverLoggerOptions(opts.logger, config.LOG_LEVEL),
    bodyLimit: config.BODY_LIMIT_BYTES,
    // only the load balancers named may say who the client is (the rate limits key on it)
    trustProxy: config.TRUST_PROXY ? listSetting(config.TRUST_PROXY) : false,
    genReqId: () => crypto.randomUUID(),
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    frameworkErrors,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', allErrors: false } },
  });

  await app.register(configPlugin, { config });
  await app.register(errorHandler);
  // CSP on: the API answers JSON and /docs is swagger-ui's own static page.
  await app.register(securityHeaders, {
    contentSecurityPolicy: { directives: { defaultSrc: ["'self'"], imgSrc: ["'self'", 'data:', 'validator.swagger.io'], scriptSrc: ["'self'"], styleSrc: ["'self'", "'unsafe-inline'"] } },
  });
  await app.register(cors, {
    origin: listSetting(config.CORS_ORIGINS),
    allowedHeaders: ['authorization', 'content-type', 'x-onemap-purpose'],
    methods: ['GET', 'POST', 'PATCH', 'DELETE'],
    maxAge: 600,
  });
  // before the rate limiter's hook, which keys on the client's address
  app.addHook('onRequest', dropGoneClient);
  // not per route (`global: false`): every request is counted first, in one root hook; routes
  // with a limit of their own (login) keep it
  await app.register(rateLimit, { global: false, max: config.RATE_LIMIT_PER_MINUTE, timeWindow: '1 minute' });
  app.addHook('onRequest', countEveryRequest(app));
  await app.register(swagger, {
    openapi: {
      info: { title: 'OneMap API', version: '0.1.0', description: 'Spatio-temporal analytics and entity resolution' },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
          sourceKey: { type: 'apiKey', in: 'header', name: 'x-onemap-source-key', description: 'a source system’s key (POST /api/admin/source-keys): delivers into the sources it is bound to' },
        },
      },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  await app.register(graphPlugin);
  await app.register(redisPlugin);

  await app.register(accessPlugin);
  await app.register(auditPlugin);
  await app.register(eventsPlugin);
  await app.register(pipelinePlugin);

  await app.register(healthRoutes);
  await app.register(apiRoutes, { prefix: '/api' });
  await app.register(webAppPlugin);
  await app.register(warmUpPlugin);
  return app;
}
