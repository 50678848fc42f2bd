import { Ajv } from 'ajv';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { SOURCE_SYSTEM } from '../../access/types.ts';
import { authenticate, authenticateSource, authenticateTicket, authorize, nameProbeCaller } from '../../plugins/access.ts';
import { SOURCE_KEY_HEADER } from '../../repositories/source-keys.ts';
import { auditedAnswer, withheldAnswer } from '../../plugins/audit.ts';
import { addRequestKeywords } from '../../schemas/keywords.ts';
import adminRoutes from './admin.ts';
import analysisRoutes from './analysis.ts';
import auditRoutes from './audit.ts';
import authRoutes from './auth.ts';
import catalogRoutes from './catalog.ts';
import entityRoutes from './entities.ts';
import ingestRoutes from './ingest.ts';
import layerRoutes from './layers.ts';
import pathRoutes from './paths.ts';
import qualityRoutes from './quality.ts';
import resolutionRoutes from './resolution.ts';
import searchRoutes from './search.ts';
import { refuseCrossSite } from '../../plugins/cross-site.ts';
import { UserInFlight } from '../../plugins/user-in-flight.ts';
import sourceKeyRoutes from './source-keys.ts';
import warningRoutes from './warnings.ts';
import watchRoutes from './watches.ts';

/** Refuses to register an /api route that declares neither an access rule nor `public`. */
export function requireAccessRule(route: { method: string | string[]; url: string; config?: unknown }): void {
  const cfg = (route.config ?? {}) as { access?: { roles?: unknown[]; action?: string }; public?: boolean };
  if (cfg.public) return;
  if (!cfg.access || !Array.isArray(cfg.access.roles) || cfg.access.roles.length === 0 || !cfg.access.action) {
    throw new Error(`route ${String(route.method)} ${route.url} declares no access rule: every /api route must go through the access layer`);
  }
}

/** Whether a request is a user's that may change something: any method but GET, HEAD and OPTIONS, unless its route is marked `readOnly`. */
function changesSomething(request: FastifyRequest): boolean {
  if (request.method === 'GET' || request.method === 'HEAD' || request.method === 'OPTIONS') return false;
  if (request.is404 || !request.viewer || request.sourceKey) return false;
  return request.routeOptions.config.access?.readOnly !== true;
}

/**
 * The `/api` subtree. Four hooks make the access layer impossible to skip:
 * - `onRoute` refuses to register a route that declares neither `config.access` nor `config.public`;
 * - `onRequest` authenticates, checks role and purpose, and builds `request.viewer` (with the
 *   viewer's visible sources) before the body is even parsed;
 * - `preHandler` writes a change's `intent` entry before the change is made, and refuses the
 *   request (503) if it cannot;
 * - `onSend` appends an audit entry for every answer, allowed or denied, and withholds the
 *   answer (503) if the entry cannot be written.
 */
export default async function apiRoutes(app: FastifyInstance) {
  // JSON bodies are validated without type coercion: `42` is not an eid and `"x"` is not a list.
  // Query strings and path params keep fastify's coercion (everything there arrives as text).
  // Both know the cross-field keywords of server/src/schemas/keywords.ts (time ranges, bounding boxes …).
  const strict = addRequestKeywords(new Ajv({ coerceTypes: false, useDefaults: true, removeAdditional: false, allErrors: false, strict: false }));
  const lenient = addRequestKeywords(new Ajv({ coerceTypes: 'array', useDefaults: true, removeAdditional: false, allErrors: false, strict: false }));
  app.setValidatorCompiler(({ schema, httpPart }) => (httpPart === 'body' ? strict : lenient).compile(schema));

  app.addHook('onRoute', requireAccessRule);

  // Unknown /api paths answer 404 from this scope, so they are audited like everything else.
  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send({ statusCode: 404, code: 'ONEMAP_ERR_NOT_FOUND', message: `route ${request.method} ${request.url.split('?')[0]} not found` }),
  );

  const inFlight = new UserInFlight(app.config.USER_MAX_IN_FLIGHT, app.config.USER_MAX_WAITING);
  app.addHook('onRequest', async (request, reply) => {
    refuseCrossSite(request);
    if (request.is404) {
      // An unknown route still answers 404 to everyone, but its caller is named in the audit entry.
      await nameProbeCaller(app, request);
      return;
    }
    const cfg = request.routeOptions.config;
    if (cfg.public) return;
    const rule = cfg.access;
    if (!rule) throw new Error('unreachable: route without access rule');
    // A source system presents its key; users (whatever their roles) present tokens.
    if (rule.roles.includes(SOURCE_SYSTEM) && request.headers[SOURCE_KEY_HEADER] !== undefined) {
      request.viewer = await authenticateSource(app, request);
      return;
    }
    if (cfg.streamTicket) {
      const { user, method, purpose } = await authenticateTicket(app, request);
      request.viewer = await authorize(app, request, rule, user, method, purpose);
      return;
    }
    const { user, method } = await authenticate(app, request);
    if (!(await inFlight.take(user.username, reply))) {
      // its client went away while it waited its turn: nothing reads an answer (as `dropGoneClient`)
      reply.hijack();
      request.raw.socket?.destroy();
      return;
    }
    request.viewer = await authorize(app, request, rule, user, method);
  });

  // Write-ahead: a user's request that changes something (a merge, a grant, a password, a watch …)
  // has its `intent` entry written before its handler runs; when that fails the change is not made
  // (503, as an answer whose entry fails). So no change is ever made without an entry, even when the
  // answer's own entry then fails. Reads (GET, and POSTs marked `readOnly`) need none: their answer
  // is withheld. Source systems' pushes are not delayed by it: a push whose answer's entry fails is
  // answered 503 and delivered again by its source, the same content recognised as one delivery.
  app.addHook('preHandler', async (request, reply) => {
    if (!changesSomething(request)) return;
    try {
      await app.auditIntent(request);
    } catch (err) {
      request.log.error({ err }, 'audit intent append failed: the change is not made');
      return reply.send(withheldAnswer(reply, String(request.id), err));
    }
  });

  app.addHook('onSend', async (request, reply, payload) => auditedAnswer(app, request, reply, payload));

  await app.register(authRoutes, { prefix: '/auth' });
  await app.register(searchRoutes, { prefix: '/search' });
  await app.register(entityRoutes, { prefix: '/entities' });
  await app.register(pathRoutes, { prefix: '/paths' });
  await app.register(analysisRoutes, { prefix: '/analysis' });
  await app.register(layerRoutes, { prefix: '/layers' });
  await app.register(catalogRoutes, { prefix: '/catalog' });
  await app.register(watchRoutes, { prefix: '/watches' });
  await app.register(warningRoutes, { prefix: '/warnings' });
  await app.register(resolutionRoutes, { prefix: '/resolution' });
  await app.register(adminRoutes, { prefix: '/admin' });
  await app.register(sourceKeyRoutes, { prefix: '/admin/source-keys' });
  await app.register(auditRoutes, { prefix: '/audit' });
  await app.register(ingestRoutes, { prefix: '/ingest' });
  await app.register(qualityRoutes, { prefix: '/quality' });
}
