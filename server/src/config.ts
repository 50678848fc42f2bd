import { BackgroundJobSettings, loadConfigFrom, Neo4jSettings, PipelineSettings, RedisSettings } from '@onemap/resolver/config';
import { type Static, Type } from '@sinclair/typebox';
import { resolveSecrets, type SecretName, secretsDirOf } from '@onemap/resolver/secrets';

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
  /** Secret that signs JWTs (≥ 32 characters, never a published value); unset: generated under ONEMAP_SECRETS_DIR. */
  JWT_SECRET: Type.Optional(Type.String()),
  CORS_ORIGINS: Type.String({ default: 'http://127.0.0.1:5173,http://localhost:5173' }),
  RATE_LIMIT_PER_MINUTE: Type.Integer({ default: 600, minimum: 1 }),
  /** Requests one user may have running at once in a server process; more wait their turn (pushes and event streams are not counted). */
  USER_MAX_IN_FLIGHT: Type.Integer({ default: 16, minimum: 1 }),
  /** Requests of one user that may wait for a slot in a server process; more: 429 at once. */
  USER_MAX_WAITING: Type.Integer({ default: 1000, minimum: 0 }),
  /**
   * The load balancers' addresses (comma-separated IPs or CIDRs) whose `X-Forwarded-For` names the
   * client; empty: none is trusted, and the rate limits count the peer's address (behind a load
   * balancer: every user as one).
   */
  TRUST_PROXY: Type.String({ default: '' }),
  /** Failed logins per account (from any address) before it must wait LOGIN_LOCK_SECONDS from the first failure. */
  LOGIN_FAILURES_PER_ACCOUNT: Type.Integer({ default: 10, minimum: 1 }),
  LOGIN_LOCK_SECONDS: Type.Integer({ default: 900, minimum: 1 }),
  BODY_LIMIT_BYTES: Type.Integer({ default: 5_242_880, minimum: 1024 }),
  /**
   * Largest push of records (`POST /api/ingest/:source`), in bytes: room for its 10,000 records of
   * a few kilobytes each (a hotel record is ~600 bytes; 10,000 of them passed 5 MiB and the whole
   * push was refused with 413, its good records with it).
   */
  PUSH_LIMIT_BYTES: Type.Integer({ default: 41_943_040, minimum: 1024 }),
  /** Folder of the built web app to serve at `/`, if it exists. */
  WEB_DIST: Type.String({ default: 'web/dist' }),
  /** `embedded`: the server also runs the background jobs of `onemap worker` (one machine); `none`: separate worker processes run them. */
  INGEST_WORKER: Type.Union([Type.Literal('embedded'), Type.Literal('none')], { default: 'embedded' }),
  /** Largest file accepted by the upload endpoint, in bytes. */
  UPLOAD_LIMIT_BYTES: Type.Integer({ default: 268_435_456, minimum: 1024 }),
  /** Lifetime of a login token (@fastify/jwt `expiresIn`). */
  JWT_EXPIRES_IN: Type.String({ default: '8h' }),
  /** HMAC key that signs audit checkpoints (≥ 32 characters, never a published value); unset: generated. */
  AUDIT_SIGNING_KEY: Type.Optional(Type.String()),
  /**
   * The last audit entry an earlier version chained with the unkeyed hash (before 2026-12-02); only
   * entries up to it may carry that hash. 0 (default): none may — a trail begun by this version.
   */
  AUDIT_UNKEYED_UNTIL: Type.Integer({ default: 0, minimum: 0 }),
  /** A signed checkpoint is written automatically every N audit entries. */
  AUDIT_CHECKPOINT_EVERY: Type.Integer({ default: 1000, minimum: 1 }),
  /** Audit group commit: the first waiting entry waits this long (ms) for others before one write chains them all; 0 = write at once. */
  AUDIT_GROUP_WINDOW_MS: Type.Integer({ default: 0, minimum: 0, maximum: 1000 }),
  /** Most audit entries chained in one write. */
  AUDIT_GROUP_MAX: Type.Integer({ default: 256, minimum: 1, maximum: 10_000 }),
  /** Aggregate cells with fewer distinct persons than this are suppressed (k-anonymity). */
  K_ANONYMITY: Type.Integer({ default: 5, minimum: 1 }),
  /** Client-certificate mode: PEM files; when TLS_CERT_FILE is set the server listens on HTTPS. */
  TLS_CERT_FILE: Type.String({ default: '' }),
  TLS_KEY_FILE: Type.String({ default: '' }),
  /** CA that issues officer certificates; with it the server asks for a client certificate. */
  TLS_CA_FILE: Type.String({ default: '' }),
  /** Longest a request's read (all its statements) may run in Neo4j before it is stopped (503 QUERY_TIMEOUT); 0 = no limit. */
  QUERY_TIMEOUT_MS: Type.Integer({ default: 30_000, minimum: 0 }),
  /** Layer answers are fresh per (visible sources, k, layer, query) for this long, in ms; 0 turns the cache off (each request computes under QUERY_TIMEOUT_MS). */
  LAYER_CACHE_MS: Type.Integer({ default: 30_000, minimum: 0 }),
  /** An expired layer answer is still served (while one refresh runs) until it is this old, in ms. */
  LAYER_MAX_STALE_MS: Type.Integer({ default: 600_000, minimum: 0 }),
  /** Longest a layer computation's read may run (it is not bound by the request that started it); 0 = no limit. */
  LAYER_QUERY_TIMEOUT_MS: Type.Integer({ default: 600_000, minimum: 0 }),
  /** How long a request waits for a layer being computed before it answers 503 LAYER_COMPUTING with Retry-After, in ms. */
  LAYER_WAIT_MS: Type.Integer({ default: 20_000, minimum: 0 }),
  /** Most layer computations at once per process (others queue), so cold layers leave Neo4j connections to other reads. */
  LAYER_MAX_COMPUTING: Type.Integer({ default: 2, minimum: 1 }),
  /** How long users, units, sources and grants are cached per process, in ms. */
  ACCESS_CACHE_MS: Type.Integer({ default: 5000, minimum: 0 }),
  /** Run the busiest reads a few times before the first users arrive so they do not wait for Neo4j to compile them (services/warm-up.ts). */
  ONEMAP_WARM_UP: Type.Boolean({ default: true }),
  /**
   * How long the server process (`server/src/main.ts`) waits for the plans to be warmed before it listens, in ms: a
   * request that can reach it is not met by a cold plan (the first search after `npm start` took 1.6 s, the first
   * profile 3.3 s, while the warm-up ran beside them). Past it, it listens and the warm-up goes on in the background; 0 = listen at once.
   */
  ONEMAP_WARM_UP_WAIT_MS: Type.Integer({ default: 60_000, minimum: 0 }),
  /**
   * After the plans are warmed, keep running the busiest reads with varied inputs while no request is in flight, for this
   * many seconds, so the JVM compiles Neo4j's code under the warm-up's traffic rather than the first users' (services/warm-up.ts); 0 = not at all.
   */
  ONEMAP_WARM_UP_SECONDS: Type.Integer({ default: 180, minimum: 0 }),
  /** How many of those reads run at once while idle (a user who arrives waits at most for these). */
  ONEMAP_WARM_UP_LANES: Type.Integer({ default: 2, minimum: 1, maximum: 8 }),
  // Shared with the resolver's config (resolver/src/config.ts): one definition of each setting.
  ...Neo4jSettings,
  ...RedisSettings,
  ...PipelineSettings,
  ...BackgroundJobSettings,
});
export type Config = Omit<Static<typeof ConfigSchema>, SecretName> & Record<SecretName, string>;

/**
 * Loads and validates configuration from the environment (and overrides, for tests). A bad
 * setting is a boot error `ONEMAP_ERR_INVALID_CONFIG` naming every bad variable and its value.
 * Then resolves the signing secrets: a configured one that is published or short throws (one line
 * naming the variable, never the value); an unset one is read from, or generated into, the secrets folder.
 */
export function loadConfig(overrides: Partial<Record<keyof Config, string | number | boolean>> = {}): Config {
  const raw = loadConfigFrom(ConfigSchema, { ...process.env, ...overrides });
  const secretsDir = secretsDirOf(raw);
  return { ...raw, ONEMAP_SECRETS_DIR: secretsDir, ...resolveSecrets(raw, secretsDir) };
}

/** A comma-separated setting (`CORS_ORIGINS`, `TRUST_PROXY`) as its entries, trimmed, empty ones dropped. */
export function listSetting(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}
