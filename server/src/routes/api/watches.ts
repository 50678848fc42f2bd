import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { GraphEvent } from '../../plugins/events.ts';
import { httpError } from '../../errors.ts';
import { createWatch, endWatch, listWatches } from '../../repositories/watches.ts';
import { errorAnswers, EventStreamText, PurposeHeaders, PurposeOnlyQuery } from '../../schemas/common.ts';
import { Watch, WatchBody, WatchEnded, WatchList, WatchParams, WatchStreamQuery } from '../../schemas/watches.ts';
import { requireVisibleEntity } from '../../services/entity-view.ts';

const individual = (action: string) => ({ access: { roles: ['officer', 'analyst'] as const, purpose: true, action } });

/**
 * Watches (精准推送): a unit subscribes to an entity; `GET /api/watches/stream` pushes server-sent
 * events when a new trace or relation of a watched entity arrives from a source the unit may see.
 */
const watchRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const common = { tags: ['watches'], security: [{ bearer: [] }] };

  app.post(
    '/',
    { schema: { ...common, summary: 'Watch an entity for the caller’s unit', headers: PurposeHeaders, querystring: PurposeOnlyQuery, body: WatchBody, response: { 201: Watch, ...errorAnswers({ purpose: true, body: true, also: [404] }) } }, config: individual('watch-create') },
    async (request, reply) => {
      const { eid } = request.body;
      const v = request.viewer;
      const { row } = await requireVisibleEntity(app.graph, eid, v);
      const w = await createWatch(app.graph, { eid: row.eid, unitCode: v.unitCode, createdBy: v.username, purposeJson: JSON.stringify(v.purpose) });
      request.resultCount = 1;
      return reply.status(201).send(w);
    },
  );

  app.get(
    '/',
    { schema: { ...common, summary: 'Active watches of the caller’s unit', response: { 200: WatchList, ...errorAnswers() } }, config: { access: { roles: ['officer', 'analyst'] as const, purpose: false, action: 'watch-list' } } },
    async (request) => {
      const watches = await listWatches(app.graph, request.viewer.unitCode);
      request.resultCount = watches.length;
      return { items: watches };
    },
  );

  app.delete(
    '/:id',
    { schema: { ...common, summary: 'Stop a watch of the caller’s unit', params: WatchParams, response: { 200: WatchEnded, ...errorAnswers({ also: [404] }) } }, config: { access: { roles: ['officer', 'analyst'] as const, purpose: false, action: 'watch-end' } } },
    async (request) => {
      const { id } = request.params;
      if (!(await endWatch(app.graph, id, request.viewer.unitCode, request.viewer.username))) throw httpError('NOT_FOUND', { what: `watch ${id}` });
      request.resultCount = 1;
      return { id, active: false };
    },
  );

  app.get(
    '/stream',
    {
      schema: {
        ...common,
        summary: 'Server-sent events for the unit’s watched entities (token and purpose may be query parameters)',
        headers: PurposeHeaders,
        querystring: WatchStreamQuery,
        response: {
          200: {
            description: 'server-sent events: `ready` {watching}, then `trace` / `relation` {type, eid, at, source, rid}',
            content: { 'text/event-stream': { schema: EventStreamText } },
          },
          ...errorAnswers({ purpose: true }),
        },
      },
      config: { ...individual('watch-stream'), tokenInQuery: true },
    },
    async (request, reply) => {
      const v = request.viewer;
      let watched = new Set((await listWatches(app.graph, v.unitCode)).map((w) => w.eid));
      request.resultCount = watched.size;
      // The stream is hijacked, so onSend never runs: audit its opening here, and refuse if that fails.
      await app.auditRequest(request, 200);
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' });
      res.write(`event: ready\ndata: ${JSON.stringify({ watching: watched.size })}\n\n`);
      const onEvent = (e: GraphEvent) => {
        if (!watched.has(e.eid) || !v.visibleSources.includes(e.source)) return;
        res.write(`event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`);
      };
      app.events.on('event', onEvent);
      const refresh = setInterval(async () => {
        try {
          watched = new Set((await listWatches(app.graph, v.unitCode)).map((w) => w.eid));
          res.write(': keep-alive\n\n');
        } catch {
          /* keep the last known set */
        }
      }, 5000);
      const close = () => {
        clearInterval(refresh);
        app.events.off('event', onEvent);
      };
      request.raw.on('close', close);
      res.on('close', close);
    },
  );
};
export default watchRoutes;
