import { buildApp, loadConfig } from '@onemap/server';
import type { Graph } from '@onemap/graph-schema/server';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { afterAll, beforeAll } from 'vitest';
import { testEnv } from './env.ts';
import { clearGraph, openTestGraph } from './graph.ts';
import type { Viewer } from '../../server/src/access/viewer.ts';
import { viewerOf } from '../../server/src/plugins/access.ts';
import { type LevelName, seedServerFixture, username } from './server-fixtures.ts';

/**
 * A test file's server: before its tests, an empty graph seeded with the server fixture (and the
 * file's own `seed`) and the app built with `overrides`, handed to `set`; after them, both closed.
 */
export function useServerApp(
  overrides: Record<string, string | number>,
  set: (s: { app: FastifyInstance; graph: Graph }) => void,
  /** more data the file needs, written after the fixture and before the app is built */
  seed?: (graph: Graph) => Promise<void>,
): void {
  let graph: Graph | undefined;
  let app: FastifyInstance | undefined;
  beforeAll(async () => {
    graph = openTestGraph();
    await clearGraph(graph);
    await seedServerFixture(graph);
    await seed?.(graph);
    app = await buildTestApp(overrides);
    set({ app, graph });
  });
  afterAll(async () => {
    await app?.close();
    await graph?.driver.close();
  });
}

/** The server app on the test services, silent. Close it in afterAll. */
export async function buildTestApp(overrides: Record<string, string | number> = {}): Promise<FastifyInstance> {
  const app = await buildApp({ config: loadConfig({ ...testEnv, ACCESS_CACHE_MS: 0, ...overrides }), logger: process.env.ONEMAP_TEST_LOG ? { level: process.env.ONEMAP_TEST_LOG } : false });
  await app.ready();
  return app;
}

/**
 * A token for a fixture user, signed like login signs it (the user is still looked up on every
 * request). Fixture users start at token version 0; after a password, role, unit or disable
 * change their earlier tokens — these included — are refused: log in again.
 */
export function tokenFor(app: FastifyInstance, level: LevelName, role: string): string {
  return app.jwt.sign({ sub: username(level, role), unit: '', roles: [], tv: 0 });
}

export const PURPOSE = { kind: 'criminal_case', caseNumber: 'A6201022026110001', text: '盗窃案关系排查' } as const;
export const ADMIN_PURPOSE = { kind: 'administrative_case', caseNumber: 'X6201042026110009', text: '行政案件核查' } as const;

export function purposeHeader(p: object = PURPOSE): Record<string, string> {
  return { 'x-onemap-purpose': encodeURIComponent(JSON.stringify(p)) };
}

/** `app.inject` as a fixture user, with or without a purpose. */
export function as(app: FastifyInstance, level: LevelName, role: string, purpose: object | null = PURPOSE) {
  const token = tokenFor(app, level, role);
  return (opts: InjectOptions) =>
    app.inject({
      ...opts,
      headers: { authorization: `Bearer ${token}`, ...(purpose ? purposeHeader(purpose) : {}), ...(opts.headers ?? {}) },
    });
}

/**
 * Issues a source system's key through the API, as the admin of `level` (who must own the
 * sources or sit above their owner), and returns the key text.
 */
export async function sourceKeyFor(app: FastifyInstance, sources: string[], level: LevelName = 'province'): Promise<string> {
  const res = await as(app, level, 'admin', null)({ method: 'POST', url: '/api/admin/source-keys', payload: { name: `test system for ${sources.join(', ')}`, sources } });
  if (res.statusCode !== 201) throw new Error(`could not issue a source key: ${res.statusCode} ${res.body}`);
  return res.json().key as string;
}

/** `app.inject` as a source system presenting its key. */
export function asSource(app: FastifyInstance, key: string) {
  return (opts: InjectOptions) => app.inject({ ...opts, headers: { 'x-onemap-source-key': key, ...(opts.headers ?? {}) } });
}

/** The viewer the access hook builds for a fixture user under `purpose`, for calling services and repositories directly. */
export async function viewerFor(app: FastifyInstance, level: LevelName, role: string, purpose: object = PURPOSE): Promise<Viewer> {
  const user = await app.access.user(username(level, role));
  if (!user) throw new Error(`no fixture user ${username(level, role)}`);
  return viewerOf(app, user, user.roles, 'jwt', purpose as Parameters<typeof viewerOf>[4]);
}
