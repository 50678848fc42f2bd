import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { storedPurposeFor } from '../../access/purpose.ts';
import { issueStreamTicket, STREAM_TICKET_TTL_SECONDS, streamCredentialsLapsed } from '../../access/stream-tickets.ts';
import { ROLES, type Role } from '../../access/types.ts';
import type { Viewer } from '../../access/viewer.ts';
import { clientCertificate, viewerOf } from '../../plugins/access.ts';
import type { BusEvent } from '../../plugins/events.ts';
import { httpError } from '../../errors.ts';
import { createWatch, endWatch, listWatches } from '../../repositories/watches.ts';
import { errorAnswers, EventStreamText, PurposeHeaders, NoQuery } from '../../schemas/common.ts';
import { Watch, WatchBody, WatchEnded, WatchList, WatchParams, WatchStreamQuery } from '../../schemas/watches.ts';
import { requireVisibleEntity } from '../../services/entity-view.ts';
import { hitVisibleTo } from '../../services/warnings.ts';

const STREAM_ROLES: readonly Role[] = ['officer', 'analyst'];
const individual = (action: string) => ({ access: { roles: STREAM_ROLES, purpose: true, action } });

/**
 * Watches (精准推送): a unit subscribes to an entity; `GET /api/watches/stream?ticket=` pushes
 * server-sent events when a new trace or relation of a watched entity arrives from a source the
 * viewer may see — checked again for every event, so a revoked grant, a disabled account or a
 * lost role stops the events. The stream opens with a single-use ticket, never a token in the URL.
 */
const watchRoutes: FastifyPluginAsyncTypebox = async (app) => {
  // a login token's lifetime as the server signs them (JWT_EXPIRES_IN, in @fastify/jwt's own
  // reading): a token signed for no user (no roles, a version no account has) and never sent
  const probe = app.jwt.decode<{ iat: number; exp: number }>(app.jwt.sign({ sub: '', unit: '', roles: [], tv: -1 }));
  const tokenLifetimeMs = probe ? (probe.exp - probe.iat) * 1000 : 8 * 3_600_000;
  const common = { tags: ['watches'], security: [{ bearer: [] }] };

  app.post(
    '/',
    { schema: { ...common, summary: 'Watch an entity for the caller’s unit', headers: PurposeHeaders, querystring: NoQuery, body: WatchBody, response: { 201: Watch, ...errorAnswers({ purpose: true, body: true, also: [404] }) } }, config: individual('watch-create') },
    async (request, reply) => {
      const { eid } = request.body;
      const v = request.viewer;
      const { row } = await requireVisibleEntity(app.graph, eid, v, { records: 0 });
      const w = await createWatch(app.graph, { eid: row.eid, unitCode: v.unitCode, createdBy: v.username, purposeJson: JSON.stringify(v.purpose) });
      request.resultCount = 1;
      return reply.status(201).send(w);
    },
  );

  app.get(
    '/',
    {
      schema: {
        ...common,
        summary: 'Active watches of the caller’s unit on entities the caller may see under the purpose stated',
        headers: PurposeHeaders,
        querystring: NoQuery,
        response: { 200: WatchList, ...errorAnswers({ purpose: true }) },
      },
      config: individual('watch-list'),
    },
    async (request) => {
      const v = request.viewer;
      const watches = (await listWatches(app.graph, v.unitCode, v.recordSources)).map((w) => ({ ...w, purposeJson: storedPurposeFor(w.purposeJson, w.createdBy, v) }));
      request.resultCount = watches.length;
      return { items: watches };
    },
  );

  app.delete(
    '/:id',
    {
      schema: { ...common, summary: 'Stop a watch of the caller’s unit', headers: PurposeHeaders, querystring: NoQuery, params: WatchParams, response: { 200: WatchEnded, ...errorAnswers({ purpose: true, also: [404] }) } },
      config: individual('watch-end'),
    },
    async (request) => {
      const { id } = request.params;
      if (!(await endWatch(app.graph, id, request.viewer.unitCode, request.viewer.username, request.viewer.recordSources))) throw httpError('NOT_FOUND', { what: `watch ${id}` });
      request.resultCount = 1;
      return { id, active: false };
    },
  );

  app.post(
    '/stream-ticket',
    {
      schema: {
        ...common,
        summary: 'A single-use ticket (30 s) to open the watch stream with; the purpose sent here is the stream’s purpose',
        headers: PurposeHeaders,
        querystring: NoQuery,
        response: { 201: Type.Object({ ticket: Type.String(), expiresInSeconds: Type.Integer() }), ...errorAnswers({ purpose: true }) },
      },
      config: individual('watch-stream-ticket'),
    },
    async (request, reply) => {
      const v = request.viewer;
      const user = await app.access.user(v.username);
      if (!user) throw httpError('UNAUTHENTICATED', { detail: 'this account no longer exists' });
      // a stream lives no longer than the login that asked for it: the token's expiry, or a token's lifetime for a certificate
      const certificate = v.authMethod === 'certificate' ? clientCertificate(request) : null;
      const until = request.session?.exp && !certificate ? request.session.exp * 1000 : Date.now() + tokenLifetimeMs;
      const ticket = await issueStreamTicket(app.redis, { username: v.username, purpose: v.purpose as NonNullable<Viewer['purpose']>, tokenVersion: user.tokenVersion, sid: request.session?.sid ?? null, until, certificate });
      request.resultCount = 1;
      return reply.status(201).send({ ticket, expiresInSeconds: STREAM_TICKET_TTL_SECONDS });
    },
  );

  app.get(
    '/stream',
    {
      schema: {
        ...common,
        summary: 'Server-sent events for the unit’s watched entities ; open with ?ticket= from POST /api/watches/stream-ticket (no token in the URL)',
        querystring: WatchStreamQuery,
        response: {
          200: {
            description: 'server-sent events: `ready` {watching}, then `trace` / `relation` {type, eid, at, source, rid}, `warning` {hitId, ruleId, kind, eids, placeEid, at, sources} for the unit’s early-warning rules; `closed` {reason} when access ends',
            content: { 'text/event-stream': { schema: EventStreamText } },
          },
          ...errorAnswers({ purpose: true }),
        },
      },
      // no HEAD twin: it would redeem the ticket and audit events as delivered while sending none
      exposeHeadRoute: false,
      config: { ...individual('watch-stream'), streamTicket: true },
    },
    async (request, reply) => {
      const opened = request.viewer;
      // the token version the ticket was issued under (authenticateTicket checked it): a later change ends the stream
      const openedVersion = (await app.access.user(opened.username))?.tokenVersion;
      // the session the ticket was issued to: logging out of it ends the stream; so does its expiry,
      // or the certificate that asked for the ticket being unregistered (`authenticateTicket` set them)
      const openedSession = request.session?.sid ?? null;
      const credentials = { until: (request.session?.exp ?? 0) * 1000, certificate: request.session?.certificate ?? null };
      // Events are routed by every watch of the unit (each is checked against the viewer when it
      // comes), by the eid each was made on (an event names those that follow its entity now,
      // through merges); the count the stream opens with is of the watches the caller may list.
      let watched = new Set((await listWatches(app.graph, opened.unitCode)).map((w) => w.eid));
      const listed = (await listWatches(app.graph, opened.unitCode, opened.recordSources)).length;
      request.resultCount = listed;
      // The stream is hijacked, so onSend never runs: audit its opening here, and refuse if that fails.
      await app.auditRequest(request, 200);
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' });
      res.write(`event: ready\ndata: ${JSON.stringify({ watching: listed })}\n\n`);
      let ended = false;
      /** The viewer as the governance data says now, or why the stream must end. */
      const current = async (): Promise<Viewer | string> => {
        const user = await app.access.user(opened.username);
        if (!user || user.disabled) return 'account disabled';
        if (user.unitCode !== opened.unitCode) return 'unit changed';
        const roles = user.roles.filter((r): r is Role => (ROLES as readonly string[]).includes(r));
        if (!roles.some((r) => STREAM_ROLES.includes(r))) return 'role withdrawn';
        // any other change that revokes tokens (a password reset) ends the stream too
        if (user.tokenVersion !== openedVersion) return 'signed out';
        if (openedSession && (await app.endedSessions.isEnded(openedSession))) return 'signed out';
        if (streamCredentialsLapsed(credentials, user)) return 'signed out';
        return viewerOf(app, user, roles, opened.authMethod, opened.purpose);
      };
      const end = (reason: string) => {
        if (ended) return;
        ended = true;
        res.write(`event: closed\ndata: ${JSON.stringify({ reason })}\n\n`);
        res.end();
      };
      // Events are checked one after another, in the order they came, each against the viewer as it is now.
      let queue = Promise.resolve();
      const onEvent = (e: BusEvent) => {
        // Early-warning alerts go to the rule's unit; entity events to the unit's watches — by the
        // eids they were made on, which the publisher names after following merges (`watchEids`).
        if (e.type === 'warning' ? e.unitCode !== opened.unitCode : !(e.watchEids ?? [e.eid]).some((w) => watched.has(w))) return;
        queue = queue.then(async () => {
          if (ended) return;
          try {
            const v = await current();
            if (typeof v === 'string') return end(v);
            // An alert: the viewer must see every source that fired it and may know of its rule
            // (`hitVisibleTo`, as the hits list); an entity event: its record's source.
            if (e.type === 'warning' ? !(await hitVisibleTo(app.graph, v, e)) : !v.visibleSources.includes(e.source)) return;
            // Every event disclosed is audited before it is sent: no audit entry, no event (the stream ends).
            const delivered = e.type === 'warning' ? { event: 'warning', hitId: e.hitId, ruleId: e.ruleId, eids: e.eids } : { event: e.type, eid: e.eid, rid: e.rid, source: e.source };
            try {
              await app.auditRequest(request, 200, delivered);
            } catch {
              return end('audit unavailable');
            }
            if (ended) return;
            // the routing (`watchEids`: other watches' eids) stays here
            const shown = e.type === 'warning' ? e : { type: e.type, eid: e.eid, at: e.at, source: e.source, rid: e.rid };
            res.write(`event: ${e.type}\ndata: ${JSON.stringify(shown)}\n\n`);
          } catch (err) {
            // Cannot tell what the viewer may see: drop the event rather than guess.
            request.log.warn({ err }, 'watch stream: could not re-check the viewer; event dropped');
          }
        });
      };
      app.events.on('event', onEvent);
      const refresh = setInterval(async () => {
        try {
          const v = await current();
          if (typeof v === 'string') return end(v);
          watched = new Set((await listWatches(app.graph, opened.unitCode)).map((w) => w.eid));
          res.write(': keep-alive\n\n');
        } catch {
          /* keep the last known set */
        }
      }, 5000);
      const close = () => {
        ended = true;
        clearInterval(refresh);
        app.events.off('event', onEvent);
      };
      request.raw.on('close', close);
      res.on('close', close);
    },
  );
};
export default watchRoutes;
