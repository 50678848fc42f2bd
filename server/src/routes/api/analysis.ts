import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { CollisionAnswer, CollisionBody, CoLocationAnswer, CoLocationQuery } from '../../schemas/analysis.ts';
import { errorAnswers, PurposeHeaders, NoQuery } from '../../schemas/common.ts';
import { CaseSeriesAnswer, CaseSeriesQuery, SceneCollisionAnswer, SceneCollisionBody } from '../../schemas/series.ts';
import { collision, coLocation } from '../../services/analysis.ts';
import { caseSeries, sceneCollision } from '../../services/series.ts';

/** Analysis for analysts: co-location (同地出现), spatio-temporal collision (时空碰撞), series linking (类案串并) and multi-scene collision (多点碰撞). */
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
        querystring: NoQuery,
        body: CollisionBody,
        response: { 200: CollisionAnswer, ...errorAnswers({ purpose: true, body: true }) },
      },
      config: { access: { roles: ['analyst'], purpose: true, action: 'collision', readOnly: true } },
    },
    async (request) => {
      const r = await collision(app.graph, request.viewer, request.body);
      request.resultCount = r.matches.length;
      return r;
    },
  );

  app.get(
    '/series',
    {
      schema: {
        tags: ['analysis'],
        summary: 'Series linking (类案串并): from a case, its likely series — visible cases of the same type nearby in space and time, scored pairwise (MO text, space-time, hour, shared persons/phones/vehicles, someone near both scenes) with each feature’s contribution',
        security: [{ bearer: [] }],
        headers: PurposeHeaders,
        querystring: CaseSeriesQuery,
        response: { 200: CaseSeriesAnswer, ...errorAnswers({ purpose: true, also: [404] }) },
      },
      config: { access: { roles: ['analyst'], purpose: true, action: 'case-series' } },
    },
    async (request) => {
      const r = await caseSeries(app.graph, request.viewer, request.query);
      request.resultCount = r.cases.length;
      return r;
    },
  );

  app.post(
    '/scene-collision',
    {
      schema: {
        tags: ['analysis'],
        summary: 'Multi-scene collision (多点碰撞): who was near the scenes of these cases at those times, ranked by the number of scenes',
        security: [{ bearer: [] }],
        headers: PurposeHeaders,
        querystring: NoQuery,
        body: SceneCollisionBody,
        response: { 200: SceneCollisionAnswer, ...errorAnswers({ purpose: true, body: true, also: [404] }) },
      },
      config: { access: { roles: ['analyst'], purpose: true, action: 'scene-collision', readOnly: true } },
    },
    async (request) => {
      const r = await sceneCollision(app.graph, request.viewer, request.body);
      request.resultCount = r.matches.length;
      return r;
    },
  );
};
export default analysisRoutes;
