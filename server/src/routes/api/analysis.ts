import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import { CollisionAnswer, CollisionBody, CoLocationAnswer, CoLocationQuery } from '../../schemas/analysis.ts';
import { errorResponses, PurposeQuery } from '../../schemas/common.ts';
import { collision, coLocation } from '../../services/analysis.ts';

/** Analysis for analysts: co-location (同地出现) and spatio-temporal collision (时空碰撞). */
export default async function analysisRoutes(app: FastifyInstance) {
  app.get(
    '/co-location',
    {
      schema: {
        tags: ['analysis'],
        summary: 'Co-location (同地出现): which entities, of any kind, were near this entity (radius, ±minutes) and how often; not the derived CO_TRAVELED companions edge',
        security: [{ bearer: [] }],
        querystring: CoLocationQuery,
        response: { 200: CoLocationAnswer, ...errorResponses },
      },
      config: { access: { roles: ['analyst'], purpose: true, action: 'co-location' } },
    },
    async (request) => {
      const r = await coLocation(app.graph, request.viewer, request.query as CoLocationQuery);
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
