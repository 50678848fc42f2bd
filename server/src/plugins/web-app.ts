import fs from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { nameProbeCaller } from './access.ts';

/**
 * Serves the built web app (`WEB_DIST`, default web/dist) at `/`, with the SPA fallback to
 * index.html for client routes. Nothing is served from outside: the app works offline.
 * When the folder does not exist (web not built), `/` says how to build it.
 */
export default fp(
  async (app: FastifyInstance) => {
    const dist = path.resolve(app.config.WEB_DIST);
    const index = path.join(dist, 'index.html');
    if (!fs.existsSync(index)) {
      app.get('/', { config: { public: true }, schema: { hide: true } }, async (_req, reply) =>
        reply.status(503).type('text/plain; charset=utf-8').send(`the web app is not built: run "npm run build -w web" (looked in ${dist})`),
      );
      return;
    }
    await app.register(fastifyStatic, { root: dist, prefix: '/', wildcard: false, index: ['index.html'], maxAge: '1h', immutable: false });
    app.get('/*', { config: { public: true }, schema: { hide: true } }, async (request, reply) => {
      const url = request.url.split('?')[0] ?? '/';
      if (url.startsWith('/api/') || url.startsWith('/docs') || path.extname(url)) {
        // A probe of an unknown /api path is audited like any other /api request: with its caller.
        if (url.startsWith('/api/')) {
          await nameProbeCaller(app, request);
          await app.auditRequest(request, 404).catch((err) => request.log.error({ err }, 'audit append failed'));
        }
        return reply.status(404).send({ statusCode: 404, code: 'ONEMAP_ERR_NOT_FOUND', message: `route GET ${url} not found` });
      }
      return reply.type('text/html; charset=utf-8').sendFile('index.html');
    });
  },
  { name: 'onemap-web-app', dependencies: ['onemap-config'] },
);
