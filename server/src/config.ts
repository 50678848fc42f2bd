import { type Static, Type } from '@sinclair/typebox';
import envSchema from 'env-schema';

/**
 * Server configuration, validated at boot. Every variable is documented in `.env.example`;
 * defaults are safe for one local machine. Behaviour never branches on NODE_ENV.
 */
export const ConfigSchema = Type.Object({
  HOST: Type.String({ default: '127.0.0.1' }),
  PORT: Type.Integer({ default: 8080, minimum: 0, maximum: 65535 }),
  LOG_LEVEL: Type.Union(
    ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)),
    { default: 'info' },
  ),
  NEO4J_URI: Type.String({ default: 'bolt://127.0.0.1:7687' }),
  NEO4J_USER: Type.String({ default: 'neo4j' }),
  NEO4J_PASSWORD: Type.String({ default: 'onemap-local' }),
  NEO4J_DATABASE: Type.String({ default: 'neo4j' }),
  REDIS_URL: Type.String({ default: 'redis://127.0.0.1:6379' }),
  /** Secret that signs JWTs; the default is for local use only. */
  JWT_SECRET: Type.String({ default: 'onemap-local-dev-secret-change-me', minLength: 16 }),
  CORS_ORIGINS: Type.String({ default: 'http://127.0.0.1:5173,http://localhost:5173' }),
  RATE_LIMIT_PER_MINUTE: Type.Integer({ default: 600, minimum: 1 }),
  BODY_LIMIT_BYTES: Type.Integer({ default: 5_242_880, minimum: 1024 }),
  /** Folder of the built web app to serve at `/`, if it exists. */
  WEB_DIST: Type.String({ default: 'web/dist' }),
});
export type Config = Static<typeof ConfigSchema>;

/** Loads and validates configuration from the environment (and overrides, for tests). */
export function loadConfig(overrides: Partial<Record<keyof Config, string | number>> = {}): Config {
  const env = { ...process.env } as Record<string, unknown>;
  if (!env.NEO4J_URI && env.NEO4J_BOLT_PORT) env.NEO4J_URI = `bolt://127.0.0.1:${env.NEO4J_BOLT_PORT}`;
  if (!env.REDIS_URL && env.REDIS_PORT) env.REDIS_URL = `redis://127.0.0.1:${env.REDIS_PORT}`;
  return envSchema<Config>({ schema: ConfigSchema, data: { ...env, ...overrides }, dotenv: false });
}
