import path from 'node:path';
import { type Static, Type } from '@sinclair/typebox';
import envSchema from 'env-schema';
import { resolveSecrets, type SecretName } from './secrets.ts';

/**
 * Server configuration, validated at boot. Every variable is documented in `.env.example`;
 * defaults are safe for one local machine. Behaviour never branches on NODE_ENV. The signing
 * secrets have no default: unset, they are generated per installation (see `secrets.ts`).
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
  /** Secret that signs JWTs (≥ 32 characters, never a published value); unset: generated under ONEMAP_SECRETS_DIR. */
  JWT_SECRET: Type.Optional(Type.String()),
  CORS_ORIGINS: Type.String({ default: 'http://127.0.0.1:5173,http://localhost:5173' }),
  RATE_LIMIT_PER_MINUTE: Type.Integer({ default: 600, minimum: 1 }),
  BODY_LIMIT_BYTES: Type.Integer({ default: 5_242_880, minimum: 1024 }),
  /** Folder of the built web app to serve at `/`, if it exists. */
  WEB_DIST: Type.String({ default: 'web/dist' }),
  /** `embedded`: the server also runs an ingest worker (one machine); `none`: separate `onemap worker` processes. */
  INGEST_WORKER: Type.Union([Type.Literal('embedded'), Type.Literal('none')], { default: 'embedded' }),
  /** Largest file accepted by the upload endpoint, in bytes. */
  UPLOAD_LIMIT_BYTES: Type.Integer({ default: 268_435_456, minimum: 1024 }),
  /** Lifetime of a login token (@fastify/jwt `expiresIn`). */
  JWT_EXPIRES_IN: Type.String({ default: '8h' }),
  /** HMAC key that signs audit checkpoints (≥ 32 characters, never a published value); unset: generated. */
  AUDIT_SIGNING_KEY: Type.Optional(Type.String()),
  /** Data directory of this installation (staging, rejects, generated secrets). */
  ONEMAP_DATA_DIR: Type.String({ default: '.data' }),
  /** Where generated secrets are kept (mode 0600; default `<ONEMAP_DATA_DIR>/secrets`). */
  ONEMAP_SECRETS_DIR: Type.String({ default: '' }),
  /** A signed checkpoint is written automatically every N audit entries. */
  AUDIT_CHECKPOINT_EVERY: Type.Integer({ default: 1000, minimum: 1 }),
  /** Aggregate cells with fewer distinct persons than this are suppressed (k-anonymity). */
  K_ANONYMITY: Type.Integer({ default: 5, minimum: 1 }),
  /** Redis pub/sub channel the pipeline publishes new traces and relations on (watches). */
  EVENTS_CHANNEL: Type.String({ default: 'onemap:events' }),
  /** Client-certificate mode: PEM files; when TLS_CERT_FILE is set the server listens on HTTPS. */
  TLS_CERT_FILE: Type.String({ default: '' }),
  TLS_KEY_FILE: Type.String({ default: '' }),
  /** CA that issues officer certificates; with it the server asks for a client certificate. */
  TLS_CA_FILE: Type.String({ default: '' }),
  /** Layer answers are cached per (visible sources, query) for this long, in ms; 0 turns the cache off. */
  LAYER_CACHE_MS: Type.Integer({ default: 30_000, minimum: 0 }),
  /** How long users, units, sources and grants are cached per process, in ms. */
  ACCESS_CACHE_MS: Type.Integer({ default: 5000, minimum: 0 }),
});
export type Config = Omit<Static<typeof ConfigSchema>, SecretName> & Record<SecretName, string>;

/**
 * Loads and validates configuration from the environment (and overrides, for tests), then
 * resolves the signing secrets: a configured one that is published or short throws (one line
 * naming the variable); an unset one is read from, or generated into, the secrets folder.
 */
export function loadConfig(overrides: Partial<Record<keyof Config, string | number>> = {}): Config {
  const env = { ...process.env } as Record<string, unknown>;
  if (!env.NEO4J_URI && env.NEO4J_BOLT_PORT) env.NEO4J_URI = `bolt://127.0.0.1:${env.NEO4J_BOLT_PORT}`;
  if (!env.REDIS_URL && env.REDIS_PORT) env.REDIS_URL = `redis://127.0.0.1:${env.REDIS_PORT}`;
  const raw = envSchema<Static<typeof ConfigSchema>>({ schema: ConfigSchema, data: { ...env, ...overrides }, dotenv: false });
  const secretsDir = path.resolve(raw.ONEMAP_SECRETS_DIR || path.join(raw.ONEMAP_DATA_DIR, 'secrets'));
  return { ...raw, ONEMAP_SECRETS_DIR: secretsDir, ...resolveSecrets(raw, secretsDir) };
}
