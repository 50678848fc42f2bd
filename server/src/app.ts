import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance } from 'fastify';
import { type Config, loadConfig } from './config.ts';
import configPlugin from './plugins/config.ts';
import errorHandler from './plugins/error-handler.ts';
import graphPlugin from './plugins/graph.ts';
import redisPlugin from './plugins/redis.ts';
import healthRoutes from './routes/health.ts';

export interface BuildOptions {
  config?: Config;
  /** pino logger options; `false` silences (tests). */
  logger?: boolean | object;
}

/**
 * Builds the OneMap fastify app: external plugins (helmet, CORS, rate limit, OpenAPI), then ours
 * (config, error handler, Neo4j, Redis), then routes. Does not listen.
 */
export async function buildApp(opts: BuildOptions = {}): Promise<FastifyInstance> {
  const config = opts.config ?? loadConfig();
  const app = Fastify({
    logger: opts.logger ?? { level: config.LOG_LEVEL },
    bodyLimit: config.BODY_LIMIT_BYTES,
    genReqId: () => crypto.randomUUID(),
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', allErrors: false } },
  });

  await app.register(configPlugin, { config });
  await app.register(errorHandler);
  await app.register(helmet, { contentSecurityPolicy: false });
  await app.register(cors, { origin: config.CORS_ORIGINS.split(',').map((s) => s.trim()).filter(Boolean) });
  await app.register(rateLimit, { max: config.RATE_LIMIT_PER_MINUTE, timeWindow: '1 minute' });
  await app.register(swagger, {
    openapi: {
      info: { title: 'OneMap API', version: '0.1.0', description: 'Spatio-temporal analytics and entity resolution' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  await app.register(graphPlugin);
  await app.register(redisPlugin);

  await app.register(healthRoutes);
  return app;
}
