import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { isWithin, unitsWithin } from '../../access/units.ts';
import { httpError } from '../../errors.ts';
import { issueSourceKey, listSourceKeys, revokeSourceKey } from '../../repositories/source-keys.ts';
import { errorResponses, ListOf } from '../../schemas/common.ts';
import { IssuedSourceKey, SourceKey, SourceKeyBody, SourceKeyParams } from '../../schemas/source-keys.ts';

const rule = (action: string) => ({ access: { roles: ['admin'] as const, purpose: false, action } });

/**
 * Source systems' keys (`/api/admin/source-keys`): the only credential that pushes records or
 * uploads files into a source. An admin issues a key for sources its unit owns (or owns from
 * above), sees and revokes the keys of its unit and the units below it.
 */
export default async function sourceKeyRoutes(app: FastifyInstance) {
  const common = { tags: ['admin'], security: [{ bearer: [] }] };

  app.post(
    '/',
    {
      schema: {
        ...common,
        summary: 'Issue a key for a source system, bound to the sources it delivers (the key is shown once)',
        body: SourceKeyBody,
        response: { 201: IssuedSourceKey, ...errorResponses },
      },
      config: rule('admin-source-key-issue'),
    },
    async (request, reply) => {
      const b = request.body as { name: string; sources: string[] };
      const v = request.viewer;
      for (const id of b.sources) {
        const s = v.source(id);
        if (!s) throw httpError('NOT_FOUND', { what: `source ${id}` });
        if (!isWithin(s.ownerUnit, v.unitCode, v.units))
          throw httpError('FORBIDDEN', {
            detail: `source ${id} belongs to unit ${s.ownerUnit}; only its admins (or those above) issue keys for it`,
          });
      }
      const k = await issueSourceKey(app.graph, {
        name: b.name,
        sources: b.sources,
        unitCode: v.unitCode,
        createdBy: v.username,
      });
      request.resultCount = 1;
      return reply.status(201).send(k);
    },
  );

  app.get(
    '/',
    {
      schema: {
        ...common,
        summary: 'Keys issued by the caller’s unit and the units below it',
        response: { 200: ListOf(SourceKey), ...errorResponses },
      },
      config: rule('admin-source-keys'),
    },
    async (request) => {
      const keys = await listSourceKeys(app.graph, unitsWithin(request.viewer.unitCode, request.viewer.units));
      request.resultCount = keys.length;
      return { items: keys };
    },
  );

  app.delete(
    '/:id',
    {
      schema: {
        ...common,
        summary: 'Revoke a key (effective on its next request)',
        params: SourceKeyParams,
        response: { 200: SourceKey, ...errorResponses },
      },
      config: rule('admin-source-key-revoke'),
    },
    async (request) => {
      const { id } = request.params as { id: string };
      const k = await revokeSourceKey(
        app.graph,
        id,
        unitsWithin(request.viewer.unitCode, request.viewer.units),
        request.viewer.username,
      );
      if (!k) throw httpError('NOT_FOUND', { what: `source key ${id}` });
      request.resultCount = 1;
      return k;
    },
  );
}
