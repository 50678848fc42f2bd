import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { EidParams, errorAnswers, PurposeHeaders, NoQuery } from '../../schemas/common.ts';
import { GraphAnswer, Profile, RelationsQuery, Trajectory, TrajectoryQuery } from '../../schemas/entities.ts';
import { buildProfile } from '../../services/entity-view.ts';
import { neighbourhood } from '../../services/relations.ts';
import { trajectory } from '../../services/trajectory.ts';

/** Profile (一人一档/一企一档), relations and trajectory of one entity. */
const entityRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/:eid',
    {
      schema: {
        tags: ['query'],
        summary: 'Profile of one entity: golden values with provenance, identifiers, relations, recent traces, sources',
        security: [{ bearer: [] }],
        headers: PurposeHeaders,
        params: EidParams,
        querystring: NoQuery,
        response: { 200: Profile, ...errorAnswers({ purpose: true, also: [404] }) },
      },
      config: { access: { roles: ['officer', 'analyst'], purpose: true, action: 'profile' } },
    },
    async (request) => {
      const { eid } = request.params;
      const p = await buildProfile(app.graph, eid, request.viewer);
      request.resultCount = 1;
      return p;
    },
  );

  app.get(
    '/:eid/relations',
    {
      schema: {
        tags: ['query'],
        summary: 'n-hop neighbourhood with type filters and a cap on edges',
        security: [{ bearer: [] }],
        headers: PurposeHeaders,
        params: EidParams,
        querystring: RelationsQuery,
        response: { 200: GraphAnswer, ...errorAnswers({ purpose: true, also: [404] }) },
      },
      config: { access: { roles: ['analyst'], purpose: true, action: 'relations' } },
    },
    async (request) => {
      const { eid } = request.params;
      const q = request.query;
      const g = await neighbourhood(app.graph, eid, request.viewer, q.depth, q.types, q.limit);
      request.resultCount = g.edges.length;
      return g;
    },
  );

  app.get(
    '/:eid/trajectory',
    {
      schema: {
        tags: ['query'],
        summary: 'Trajectory in a time range: GeoJSON points, stay points, trace kinds on one timeline',
        security: [{ bearer: [] }],
        headers: PurposeHeaders,
        params: EidParams,
        querystring: TrajectoryQuery,
        response: { 200: Trajectory, ...errorAnswers({ purpose: true, also: [404] }) },
      },
      config: { access: { roles: ['officer', 'analyst'], purpose: true, action: 'trajectory' } },
    },
    async (request) => {
      const { eid } = request.params;
      const t = await trajectory(app.graph, eid, request.viewer, request.query);
      request.resultCount = t.points.features.length;
      return t;
    },
  );
};
export default entityRoutes;
