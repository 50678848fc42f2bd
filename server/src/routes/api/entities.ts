import type { FastifyInstance } from 'fastify';
import { EidParams, errorResponses, PurposeQuery } from '../../schemas/common.ts';
import { GraphAnswer, Profile, RelationsQuery, Trajectory, TrajectoryQuery } from '../../schemas/entities.ts';
import { Type } from '@sinclair/typebox';
import { buildProfile } from '../../services/entity-view.ts';
import { neighbourhood } from '../../services/relations.ts';
import { trajectory } from '../../services/trajectory.ts';

/** Profile (一人一档/一企一档), relations and trajectory of one entity. */
export default async function entityRoutes(app: FastifyInstance) {
  app.get(
    '/:eid',
    {
      schema: {
        tags: ['query'],
        summary: 'Profile of one entity: golden values with provenance, identifiers, relations, recent traces, sources',
        security: [{ bearer: [] }],
        params: EidParams,
        querystring: Type.Object({ ...PurposeQuery }),
        response: { 200: Profile, ...errorResponses },
      },
      config: { access: { roles: ['officer', 'analyst'], purpose: true, action: 'profile' } },
    },
    async (request) => {
      const { eid } = request.params as { eid: string };
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
        params: EidParams,
        querystring: RelationsQuery,
        response: { 200: GraphAnswer, ...errorResponses },
      },
      config: { access: { roles: ['analyst'], purpose: true, action: 'relations' } },
    },
    async (request) => {
      const { eid } = request.params as { eid: string };
      const q = request.query as RelationsQuery;
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
        params: EidParams,
        querystring: TrajectoryQuery,
        response: { 200: Trajectory, ...errorResponses },
      },
      config: { access: { roles: ['officer', 'analyst'], purpose: true, action: 'trajectory' } },
    },
    async (request) => {
      const { eid } = request.params as { eid: string };
      const t = await trajectory(app.graph, eid, request.viewer, request.query as TrajectoryQuery);
      request.resultCount = t.points.features.length;
      return t;
    },
  );
}
