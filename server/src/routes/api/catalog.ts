import { loadCatalog } from '@onemap/datasets';
import type { SourceCatalogEntry } from '@onemap/graph-schema';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ROLES } from '../../access/types.ts';
import { CatalogAnswer } from '../../schemas/catalog.ts';
import { errorAnswers } from '../../schemas/common.ts';

let cached: SourceCatalogEntry[] | null = null;
function catalog(): SourceCatalogEntry[] {
  if (!cached) {
    try {
      cached = loadCatalog();
    } catch {
      cached = [];
    }
  }
  return cached;
}

/** `GET /api/catalog`: the source catalog (数据资源目录) with what the caller may see of each source. */
const catalogRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/',
    {
      schema: {
        tags: ['catalog'],
        summary: 'Sources: owner, sharing class, grade, fields with sensitivity, and the caller’s access to each',
        security: [{ bearer: [] }],
        response: { 200: CatalogAnswer, ...errorAnswers() },
      },
      config: { access: { roles: ROLES, purpose: false, action: 'catalog' } },
    },
    async (request) => {
      const v = request.viewer;
      const snap = await app.access.snapshot();
      const entries = new Map(catalog().map((e) => [e.id, e]));
      const sources = [...snap.sources.values()]
        .sort((a, b) => a.id.localeCompare(b.id))
        .map((s) => {
          const e = entries.get(s.id);
          return {
            id: s.id,
            nameZh: s.nameZh,
            nameEn: s.nameEn,
            ownerUnit: s.ownerUnit,
            shareClass: s.shareClass,
            grade: s.grade,
            updateMode: e?.updateMode ?? null,
            frequency: e?.frequency ?? null,
            access: v.sourceAccess[s.id] ?? { visible: false, reason: 'no_grant' },
            fields: (e?.fields ?? []).map((f) => ({ column: f.column, target: f.target, meaning: f.meaning, sensitivity: f.sensitivity })),
          };
        });
      request.resultCount = sources.length;
      return { items: sources };
    },
  );
};
export default catalogRoutes;
