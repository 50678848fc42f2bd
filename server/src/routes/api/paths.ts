import type { FastifyInstance } from 'fastify';
import { errorResponses } from '../../schemas/common.ts';
import { PathsAnswer, PathsQuery } from '../../schemas/entities.ts';
import { paths } from '../../services/relations.ts';

/** `GET /api/paths`: shortest paths between two entities. */
export default async function pathRoutes(app: FastifyInstance) {
  app.get(
    '/',
    {
      schema: {
        tags: ['query'],
        summary: 'Shortest paths between two entities over edges the viewer may see',
        security: [{ bearer: [] }],
        querystring: PathsQuery,
        response: { 200: PathsAnswer, ...errorResponses },
      },
      config: { access: { roles: ['analyst'], purpose: true, action: 'paths' } },
    },
    async (request) => {
      const q = request.query as PathsQuery;
      const r = await paths(app.graph, q.from, q.to, request.viewer, q.maxHops, q.types, q.limit);
      request.resultCount = r.paths.length;
      return r;
    },
  );
}
