import fs from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { nameProbeCaller } from './access.ts';
import { auditedAnswer } from './audit.ts';
import { crossSiteRefusal } from './cross-site.ts';

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
      // where it looked goes to the log, not to whoever asks (the server's own paths)
      app.log.warn({ dist }, 'the web app is not built: / answers 503 (npm run build -w web)');
      app.get('/', { config: { public: true }, schema: { hide: true } }, async (_req, reply) =>
        reply.status(503).type('text/plain; charset=utf-8').send('the web app is not built: run "npm run build -w web" (the server log says where it looked)'),
      );
      return;
    }
    await app.register(fastifyStatic, { root: dist, prefix: '/', wildcard: false, index: ['index.html'], maxAge: '1h', immutable: false });
    app.get('/*', { config: { public: true }, schema: { hide: true } }, async (request, reply) => {
      const url = request.url.split('?')[0] ?? '/';
      if (url.startsWith('/api/') || url.startsWith('/docs') || path.extname(url)) {
        const answer = { statusCode: 404, code: 'ONEMAP_ERR_NOT_FOUND', message: `route GET ${url} not found` };
        if (!url.startsWith('/api/')) return reply.status(404).send(answer);
        // A probe of an unknown /api path is audited like any other /api request: with its caller, the answer after its entry;
        // another site's is refused first, naming nobody (refuseCrossSite).
        const crossSite = crossSiteRefusal(request);
        if (!crossSite) await nameProbeCaller(app, request);
        reply.status(crossSite ? crossSite.statusCode : 404);
        const payload = await auditedAnswer(app, request, reply, JSON.stringify(crossSite ? crossSite.body() : answer));
        return reply.type('application/json; charset=utf-8').send(payload);
      }
      return reply.type('text/html; charset=utf-8').sendFile('index.html');
    });
  },
  { name: 'onemap-web-app', dependencies: ['onemap-config'] },
);
