import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errorAnswers, PurposeHeaders } from '../../schemas/common.ts';
import { PathsAnswer, PathsQuery } from '../../schemas/entities.ts';
import { paths } from '../../services/relations.ts';

/** `GET /api/paths`: shortest paths between two entities. */
const pathRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/',
    {
      schema: {
        tags: ['query'],
        summary: 'Shortest paths between two entities over edges the viewer may see',
        security: [{ bearer: [] }],
        headers: PurposeHeaders,
        querystring: PathsQuery,
        response: { 200: PathsAnswer, ...errorAnswers({ purpose: true, also: [404] }) },
      },
      config: { access: { roles: ['analyst'], purpose: true, action: 'paths' } },
    },
    async (request) => {
      const q = request.query;
      const r = await paths(app.graph, q.from, q.to, request.viewer, q.maxHops, q.types, q.limit);
      request.resultCount = r.paths.length;
      return r;
    },
  );
};
export default pathRoutes;
