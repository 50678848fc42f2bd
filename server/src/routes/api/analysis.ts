import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { CollisionAnswer, CollisionBody, CoLocationAnswer, CoLocationQuery } from '../../schemas/analysis.ts';
import { errorAnswers, PurposeHeaders, PurposeOnlyQuery } from '../../schemas/common.ts';
import { collision, coLocation } from '../../services/analysis.ts';

/** Analysis for analysts: co-location (同地出现) and spatio-temporal collision (时空碰撞). */
const analysisRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/co-location',
    {
      schema: {
        tags: ['analysis'],
        summary: 'Co-location (同地出现): which entities, of any kind, were near this entity (radius, ±minutes) and how often; not the derived CO_TRAVELED companions edge',
        security: [{ bearer: [] }],
        headers: PurposeHeaders,
        querystring: CoLocationQuery,
        response: { 200: CoLocationAnswer, ...errorAnswers({ purpose: true, also: [404] }) },
      },
      config: { access: { roles: ['analyst'], purpose: true, action: 'co-location' } },
    },
    async (request) => {
      const r = await coLocation(app.graph, request.viewer, request.query);
      request.resultCount = r.coLocated.length;
      return r;
    },
  );

  app.post(
    '/collision',
    {
      schema: {
        tags: ['analysis'],
        summary: 'Spatio-temporal collision (时空碰撞): who was at all of these place/time windows',
        security: [{ bearer: [] }],
        headers: PurposeHeaders,
        querystring: PurposeOnlyQuery,
        body: CollisionBody,
        response: { 200: CollisionAnswer, ...errorAnswers({ purpose: true, body: true }) },
      },
      config: { access: { roles: ['analyst'], purpose: true, action: 'collision' } },
    },
    async (request) => {
      const r = await collision(app.graph, request.viewer, request.body);
      request.resultCount = r.matches.length;
      return r;
    },
  );
};
export default analysisRoutes;
