import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errorAnswers, PurposeHeaders } from '../../schemas/common.ts';
import { SearchQuery, SearchResponse } from '../../schemas/entities.ts';
import { search } from '../../services/search.ts';

/** `GET /api/search`: names (Hanzi, Pinyin), identifiers, phones, plates — visible entities only. */
const searchRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/',
    {
      schema: {
        tags: ['query'],
        summary: 'Search entities by name, Pinyin, identifier, phone or plate (purpose required)',
        security: [{ bearer: [] }],
        headers: PurposeHeaders,
        querystring: SearchQuery,
        response: { 200: SearchResponse, ...errorAnswers({ purpose: true }) },
      },
      config: { access: { roles: ['officer', 'analyst'], purpose: true, action: 'search' } },
    },
    async (request) => {
      const q = request.query;
      const res = await search(app.graph, request.viewer, q.q, q.kind ?? null, q.page, q.pageSize);
      request.resultCount = res.items.length;
      return res;
    },
  );
};
export default searchRoutes;
