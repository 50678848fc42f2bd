import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import { CollisionAnswer, CollisionBody, CoTravelAnswer, CoTravelQuery } from '../../schemas/analysis.ts';
import { errorResponses, PurposeQuery } from '../../schemas/common.ts';
import { collision, coTravel } from '../../services/analysis.ts';

/** Analysis for analysts: co-travel and spatio-temporal collision. */
export default async function analysisRoutes(app: FastifyInstance) {
  app.get(
    '/co-travel',
    {
      schema: {
        tags: ['analysis'],
        summary: 'Companions (同行): who was repeatedly near this entity in space and time',
        security: [{ bearer: [] }],
        querystring: CoTravelQuery,
        response: { 200: CoTravelAnswer, ...errorResponses },
      },
      config: { access: { roles: ['analyst'], purpose: true, action: 'co-travel' } },
    },
    async (request) => {
      const r = await coTravel(app.graph, request.viewer, request.query as CoTravelQuery);
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
        querystring: Type.Object({ ...PurposeQuery }),
        body: CollisionBody,
        response: { 200: CollisionAnswer, ...errorResponses },
      },
      config: { access: { roles: ['analyst'], purpose: true, action: 'collision' } },
    },
    async (request) => {
      const r = await collision(app.graph, request.viewer, request.body as CollisionBody);
      request.resultCount = r.matches.length;
      return r;
    },
  );
}
