import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { CollisionAnswer, CollisionBody, CoTravelAnswer, CoTravelQuery } from '../../schemas/analysis.ts';
import { errorAnswers, PurposeHeaders, PurposeOnlyQuery } from '../../schemas/common.ts';
import { collision, coTravel } from '../../services/analysis.ts';

/** Analysis for analysts: co-travel and spatio-temporal collision. */
const analysisRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/co-travel',
    {
      schema: {
        tags: ['analysis'],
        summary: 'Companions (同行): who was repeatedly near this entity in space and time',
        security: [{ bearer: [] }],
        headers: PurposeHeaders,
        querystring: CoTravelQuery,
        response: { 200: CoTravelAnswer, ...errorAnswers({ purpose: true, also: [404] }) },
      },
      config: { access: { roles: ['analyst'], purpose: true, action: 'co-travel' } },
    },
    async (request) => {
      const r = await coTravel(app.graph, request.viewer, request.query);
      request.resultCount = r.companions.length;
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
