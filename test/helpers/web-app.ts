/**
 * The web tests' app: builds web/dist when missing or older than web/src, starts the real
 * server (buildApp with the test profile's Neo4j and Redis) on a free port serving web/dist,
 * and seeds the users the tests log in as.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { buildApp, loadConfig } from '@onemap/server';
import type { FastifyInstance } from 'fastify';
import { testEnv } from './env.ts';

export const ROOT = path.resolve(import.meta.dirname, '../..');
/**
 * The tests' own build of the app (git-ignored), not web/dist: others may rebuild web/dist in the
 * same tree while a browser test runs, swapping chunk names under the page.
 */
export const WEB_DIST = path.join(ROOT, 'test-artifacts/web-dist');

function newestMtime(dir: string): number {
  let max = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    max = Math.max(max, e.isDirectory() ? newestMtime(p) : fs.statSync(p).mtimeMs);
  }
  return max;
}

/** Runs `vite build` for web/ into WEB_DIST when it is missing or older than any source file. */
export function ensureWebBuilt(): void {
  const index = path.join(WEB_DIST, 'index.html');
  const srcNewest = Math.max(newestMtime(path.join(ROOT, 'web/src')), fs.statSync(path.join(ROOT, 'web/vite.config.ts')).mtimeMs, fs.statSync(path.join(ROOT, 'web/index.html')).mtimeMs);
  if (fs.existsSync(index) && fs.statSync(index).mtimeMs >= srcNewest) return;
  execFileSync(process.execPath, [path.join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--outDir', WEB_DIST, '--emptyOutDir'], { cwd: path.join(ROOT, 'web'), stdio: 'inherit' });
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
  '.geojson': 'application/geo+json',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

/**
 * If the server does not (yet) serve WEB_DIST itself, serves it with a minimal read-only
 * handler so the tests still drive the real API. Returns whether the fallback was needed.
 */
function serveDistIfMissing(app: FastifyInstance, dist: string): boolean {
  if (app.hasRoute({ method: 'GET', url: '/' }) || app.hasRoute({ method: 'GET', url: '/*' })) return false;
  app.get('/*', { config: { public: true } }, async (req, reply) => {
    const rel = decodeURIComponent((req.params as { '*': string })['*'] || 'index.html');
    const file = path.resolve(dist, rel);
    if (!file.startsWith(dist) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) {
      if (rel.startsWith('api/')) return reply.code(404).send({ statusCode: 404, code: 'NOT_FOUND', message: 'not found' });
      return reply.type(MIME['.html'] as string).send(fs.readFileSync(path.join(dist, 'index.html')));
    }
    return reply.type(MIME[path.extname(file)] ?? 'application/octet-stream').send(fs.readFileSync(file));
  });
  return true;
}

export interface WebServer {
  app: FastifyInstance;
  url: string;
  /** true when the helper had to serve web/dist because the server did not. */
  servedByHelper: boolean;
  close: () => Promise<void>;
}

/** Starts the real server on 127.0.0.1 and a free port, serving the built web app. */
export async function startWebServer(extraEnv: Record<string, string> = {}): Promise<WebServer> {
  ensureWebBuilt();
  const config = loadConfig({ ...testEnv, WEB_DIST, RATE_LIMIT_PER_MINUTE: '100000', ...extraEnv });
  const app = await buildApp({ config, logger: false });
  const servedByHelper = serveDistIfMissing(app, WEB_DIST);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return { app, url: `http://127.0.0.1:${port}/`, servedByHelper, close: () => app.close() };
}

/** Everything a web test needs: seeded graph, running server, a browser. */
export interface WebFixture {
  server: WebServer;
  browser: import('playwright-core').Browser;
  graph: import('@onemap/graph-schema/server').Graph;
  close: () => Promise<void>;
}

export async function startWebFixture(log: (s: string) => void = () => {}): Promise<WebFixture> {
  const { openTestGraph } = await import('./graph.ts');
  const { ensureSampleLoaded, seedWebUsers } = await import('./web-seed.ts');
  const { launchBrowser } = await import('./web-browser.ts');
  const graph = openTestGraph();
  await seedWebUsers(graph);
  await ensureSampleLoaded(graph, log);
  const server = await startWebServer();
  const browser = await launchBrowser();
  return {
    server,
    browser,
    graph,
    close: async () => {
      await browser.close();
      await server.close();
      await graph.driver.close();
    },
  };
}
