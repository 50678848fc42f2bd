/**
 * Resolver configuration (the `onemap` CLI and workers), validated at start against a TypeBox
 * schema. The schema pieces are exported so the server's config (server/src/config.ts) is built
 * from the same pieces, not a copy. Every variable is documented in `.env.example`. Only
 * `loadResolverConfig` reads the environment; everything below it gets settings passed down.
 */
import path from 'node:path';
import { type Static, type TObject, type TProperties, Type } from '@sinclair/typebox';
import envSchema from 'env-schema';
import { AFTER_COMMIT_WINDOW_MS } from './derive/after-commit-queue.ts';
import { ResolverError } from './errors.ts';

/** Where the graph is. */
export const Neo4jSettings = {
  NEO4J_URI: Type.String({ default: 'bolt://127.0.0.1:7687' }),
  NEO4J_USER: Type.String({ default: 'neo4j' }),
  NEO4J_PASSWORD: Type.String({ default: 'onemap-local' }),
  NEO4J_DATABASE: Type.String({ default: 'neo4j' }),
  /** How long a read keeps retrying a transient failure (Neo4j busy, restarting, a lost connection), in ms from its first; then 503 (0 = no retry). */
  READ_RETRY_MS: Type.Integer({ default: 30_000, minimum: 0 }),
};

/** Where the queues, locks and events are. */
export const RedisSettings = {
  REDIS_URL: Type.String({ default: 'redis://127.0.0.1:6379' }),
};

/** What the ingest pipeline needs, in the server and in workers alike. */
export const PipelineSettings = {
  /** Folder of the source catalog (`*.json`); empty = datasets/catalog. */
  ONEMAP_CATALOG_DIR: Type.String({ default: '' }),
  /** Root of local data; staging and rejects go under it unless set on their own. */
  ONEMAP_DATA_DIR: Type.String({ default: '.data' }),
  /** Staged raw files and batches; empty = `<ONEMAP_DATA_DIR>/staging`. */
  ONEMAP_STAGING_DIR: Type.String({ default: '' }),
  /** Rejects reports; empty = `<ONEMAP_DATA_DIR>/rejects`. */
  ONEMAP_REJECTS_DIR: Type.String({ default: '' }),
  /** Where generated secrets are kept (mode 0600; default `<ONEMAP_DATA_DIR>/secrets`). */
  ONEMAP_SECRETS_DIR: Type.String({ default: '' }),
  /**
   * Key of the entity ids every writer makes (≥ 32 characters, never a published value); unset:
   * generated under ONEMAP_SECRETS_DIR. Every process writing one graph needs the same one.
   */
  ENTITY_ID_KEY: Type.Optional(Type.String()),
  /** Records resolved and written per transaction. */
  ONEMAP_CHUNK_SIZE: Type.Integer({ default: 2000, minimum: 1 }),
  /** CO_TRAVELED: two sightings at one place count together when this many minutes apart at most. */
  ONEMAP_COTRAVEL_TOLERANCE_MINUTES: Type.Integer({ default: 30, minimum: 0 }),
  /** CO_TRAVELED: distinct (place, day) occasions a pair needs. */
  ONEMAP_COTRAVEL_MIN_COUNT: Type.Integer({ default: 2, minimum: 1 }),
  /** Redis pub/sub channel the pipeline publishes new traces and relations on (watches). */
  EVENTS_CHANNEL: Type.String({ default: 'onemap:events', minLength: 1 }),
  /** Print the time of every write statement to stderr (tuning). */
  ONEMAP_TRACE_WRITES: Type.Boolean({ default: false }),
  /** Run every write statement under PROFILE and print its db hits (tuning; slower; implies ONEMAP_TRACE_WRITES). */
  ONEMAP_PROFILE_WRITES: Type.Boolean({ default: false }),
  /** Keep each real-time group commit's stage timings in Redis (list `onemap:group-timings`; the realtime bench reads it). */
  ONEMAP_GROUP_TIMINGS: Type.Boolean({ default: false }),
  /**
   * The after-commit work of pushes (quality rules, co-travel marks, early warnings, watch events):
   * a derive job waits this many ms after the first group queued for it, then takes every committed
   * group waiting, so a stream of groups costs one job per window, not one per group; 0 = at once.
   */
  ONEMAP_AFTER_COMMIT_WINDOW_MS: Type.Integer({ default: AFTER_COMMIT_WINDOW_MS, minimum: 0 }),
};

/** Background jobs a worker process runs (the server runs them only with `INGEST_WORKER=embedded`). */
export const BackgroundJobSettings = {
  /** Concurrent ingest jobs per `onemap worker` process (`--concurrency` overrides it). */
  ONEMAP_WORKER_CONCURRENCY: Type.Integer({ default: 2, minimum: 1 }),
  /** Period quality reports every N ms (BullMQ job scheduler); 0 = this process does not schedule them. */
  ONEMAP_QUALITY_REPORTS_EVERY_MS: Type.Integer({ default: 0, minimum: 0 }),
  /**
   * A worker that does not lead brings its resolution index up to the graph every N ms (a hot
   * standby: taking over from a leader that died then reads seconds of records, not the graph);
   * 0 = it reads the graph whole when it takes the lease, and holds no index meanwhile.
   */
  ONEMAP_STANDBY_SYNC_MS: Type.Integer({ default: 5_000, minimum: 0 }),
  /**
   * How long a stopping `onemap worker` (or server: requests in flight, an embedded worker's jobs)
   * may finish what it has in hand before it exits anyway (jobs cut short are handed back and done
   * again by another worker). Keep it under the orchestrator's grace period (Kubernetes: 30 s by default).
   */
  ONEMAP_WORKER_STOP_MS: Type.Integer({ default: 25_000, minimum: 100 }),
};

export const ResolverConfigSchema = Type.Object({
  ...Neo4jSettings,
  ...RedisSettings,
  ...PipelineSettings,
  ...BackgroundJobSettings,
});
export type ResolverConfig = Static<typeof ResolverConfigSchema>;
/** The settings the pipeline and the background jobs read (a server config has them too). */
export type PipelineConfig = Pick<
  ResolverConfig,
  | keyof typeof Neo4jSettings
  | keyof typeof RedisSettings
  | keyof typeof PipelineSettings
  | keyof typeof BackgroundJobSettings
>;

/**
 * Validates `data` against a config schema, collecting every problem and reporting once, each
 * naming its variable and the value it had: `ONEMAP_ERR_INVALID_CONFIG`. Applies the local
 * shortcuts NEO4J_BOLT_PORT and REDIS_PORT when NEO4J_URI / REDIS_URL are not set.
 * @example loadConfigFrom(ResolverConfigSchema, process.env)
 */
export function loadConfigFrom<T extends TProperties>(
  schema: TObject<T>,
  data: Record<string, unknown>,
): Static<TObject<T>> {
  const env = { ...data };
  if (!env.NEO4J_URI && env.NEO4J_BOLT_PORT) env.NEO4J_URI = `bolt://127.0.0.1:${env.NEO4J_BOLT_PORT}`;
  if (!env.REDIS_URL && env.REDIS_PORT) env.REDIS_URL = `redis://127.0.0.1:${env.REDIS_PORT}`;
  try {
    const config = envSchema<Static<TObject<T>>>({ schema, data: env, dotenv: false });
    refusePublishedGraphPassword(config as { NEO4J_URI?: string; NEO4J_PASSWORD?: string });
    return config;
  } catch (e) {
    if (e instanceof ResolverError) throw e;
    const errors = (
      e as {
        errors?: { instancePath: string; message?: string; keyword?: string; params?: { allowedValue?: unknown } }[];
      }
    ).errors;
    if (!errors) throw e;
    const byVar = new Map<string, string[]>();
    for (const x of errors) {
      const name = x.instancePath.replace(/^\//, '') || '(config)';
      const list = byVar.get(name) ?? [];
      if (x.keyword === 'const') list.push(`"${String(x.params?.allowedValue)}"`);
      else if (x.keyword !== 'anyOf') list.push(x.message ?? 'is invalid');
      byVar.set(name, list);
    }
    const detail = [...byVar.entries()]
      .map(([name, msgs]) => {
        const allowed = msgs.filter((m) => m.startsWith('"'));
        const what = allowed.length ? `must be one of ${allowed.join(', ')}` : msgs.join(' and ');
        return `${name} ${what} (got ${JSON.stringify(env[name] ?? null)})`;
      })
      .join('; ');
    throw new ResolverError('ONEMAP_ERR_INVALID_CONFIG', { detail });
  }
}

/** The local launcher's password, printed in `.env.example` and the docs: fine on loopback only. */
const LOCAL_GRAPH_PASSWORD = 'onemap-local';
const LOOPBACK = /^(127\.\d+\.\d+\.\d+|localhost|\[::1\]|::1)$/i;

/**
 * A Neo4j reached over the network must not be protected by the password everyone with the
 * repository knows: refused at start, naming the variable (never echoing the value).
 */
function refusePublishedGraphPassword(c: { NEO4J_URI?: string; NEO4J_PASSWORD?: string }): void {
  if (c.NEO4J_URI === undefined || c.NEO4J_PASSWORD !== LOCAL_GRAPH_PASSWORD) return;
  let host = '';
  try {
    host = new URL(c.NEO4J_URI).hostname;
  } catch {
    return; // the driver names a malformed URI itself
  }
  if (LOOPBACK.test(host)) return;
  throw new ResolverError('ONEMAP_ERR_INVALID_CONFIG', {
    detail: `NEO4J_PASSWORD is the published local default, and NEO4J_URI points at ${host}: give that Neo4j its own password`,
  });
}

/** Loads and validates the resolver's configuration from the environment (and overrides, for tests). */
export function loadResolverConfig(
  env: Record<string, string | undefined> = process.env,
  overrides: Partial<Record<keyof ResolverConfig, string | number | boolean>> = {},
): ResolverConfig {
  return loadConfigFrom(ResolverConfigSchema, { ...env, ...overrides });
}

/** Staging folder: ONEMAP_STAGING_DIR, else `<ONEMAP_DATA_DIR>/staging`, absolute. */
export function stagingDirOf(c: Pick<PipelineConfig, 'ONEMAP_STAGING_DIR' | 'ONEMAP_DATA_DIR'>): string {
  return path.resolve(c.ONEMAP_STAGING_DIR || path.join(c.ONEMAP_DATA_DIR, 'staging'));
}

/** Rejects folder: ONEMAP_REJECTS_DIR, else `<ONEMAP_DATA_DIR>/rejects`, absolute. */
export function rejectsDirOf(c: Pick<PipelineConfig, 'ONEMAP_REJECTS_DIR' | 'ONEMAP_DATA_DIR'>): string {
  return path.resolve(c.ONEMAP_REJECTS_DIR || path.join(c.ONEMAP_DATA_DIR, 'rejects'));
}
