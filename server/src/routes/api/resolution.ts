import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { httpError } from '../../errors.ts';
import { confirmPair, decisionVisible, listDecisions, mergeEntities, readDecision, splitEntity, undoDecision } from '../../repositories/resolution.ts';
import { Eid, errorResponses, PurposeQuery } from '../../schemas/common.ts';
import { requireVisibleEntity } from '../../services/entity-view.ts';

export const Decision = Type.Object({
  id: Type.String(),
  kind: Type.String(),
  eids: Type.Array(Type.String()),
  by: Type.String(),
  unit: Type.String(),
  purpose: Type.String(),
  reason: Type.String(),
  at: Type.String(),
  undone: Type.Boolean(),
  undoneBy: Type.Union([Type.String(), Type.Null()]),
  undoneAt: Type.Union([Type.String(), Type.Null()]),
});
const Reason = Type.String({ minLength: 2, maxLength: 500 });
const MergeBody = Type.Object({ survivor: Eid, merged: Type.Array(Eid, { minItems: 1, maxItems: 20, uniqueItems: true }), reason: Reason }, { additionalProperties: false });
const SplitBody = Type.Object({ eid: Eid, rids: Type.Array(Type.String({ pattern: '^[A-Za-z0-9_]+:[A-Za-z0-9:_.-]{1,80}$' }), { minItems: 1, maxItems: 500, uniqueItems: true }), reason: Reason }, { additionalProperties: false });
const ConfirmBody = Type.Object({ eids: Type.Array(Eid, { minItems: 2, maxItems: 2, uniqueItems: true }), match: Type.Boolean(), reason: Reason }, { additionalProperties: false });
const rule = (action: string) => ({ access: { roles: ['analyst'] as const, purpose: true, action } });
const pq = Type.Object({ ...PurposeQuery });

/**
 * Manual merge, split and confirm (analyst + purpose); each is a ResolutionDecision, audited and
 * reversible. Listing and undoing a decision need every record it touches to be visible.
 */
export default async function resolutionRoutes(app: FastifyInstance) {
  const common = { tags: ['resolution'], security: [{ bearer: [] }] };
  const actor = (request: { viewer: { username: string; unitCode: string; purpose: unknown } }, reason: string) => ({
    by: request.viewer.username,
    unit: request.viewer.unitCode,
    purpose: JSON.stringify(request.viewer.purpose),
    reason,
  });

  app.post(
    '/merge',
    { schema: { ...common, summary: 'Merge entities into a survivor (leaves EidRedirects)', querystring: pq, body: MergeBody, response: { 201: Decision, ...errorResponses } }, config: rule('merge') },
    async (request, reply) => {
      const b = request.body as { survivor: string; merged: string[]; reason: string };
      if (b.merged.includes(b.survivor)) throw httpError('VALIDATION', { detail: 'the survivor cannot also be merged away' });
      const s = await requireVisibleEntity(app.graph, b.survivor, request.viewer);
      for (const m of b.merged) {
        const r = await requireVisibleEntity(app.graph, m, request.viewer);
        if (r.redirectedFrom) throw httpError('CONFLICT', { detail: `${m} was already merged into ${r.row.eid}` });
        if (r.row.kind !== s.row.kind) throw httpError('CONFLICT', { detail: `${m} is a ${r.row.kind}, ${b.survivor} a ${s.row.kind}` });
      }
      const id = await mergeEntities(app.graph, s.row.eid, b.merged, actor(request, b.reason));
      request.resultCount = b.merged.length;
      return reply.status(201).send(await readDecision(app.graph, id));
    },
  );

  app.post(
    '/split',
    { schema: { ...common, summary: 'Split records off an entity into a new entity', querystring: pq, body: SplitBody, response: { 201: Type.Object({ decision: Decision, newEid: Type.String() }), ...errorResponses } }, config: rule('split') },
    async (request, reply) => {
      const b = request.body as { eid: string; rids: string[]; reason: string };
      const { row } = await requireVisibleEntity(app.graph, b.eid, request.viewer);
      const mine = new Set(row.records.map((r) => r.rid));
      const unknown = b.rids.filter((r) => !mine.has(r));
      if (unknown.length) throw httpError('VALIDATION', { detail: `records ${unknown.slice(0, 5).join(', ')} are not records of ${b.eid} you may see` });
      if (b.rids.length >= mine.size) throw httpError('VALIDATION', { detail: 'a split must leave at least one record on the entity' });
      const { id, newEid } = await splitEntity(app.graph, row.eid, b.rids, actor(request, b.reason));
      request.resultCount = b.rids.length;
      return reply.status(201).send({ decision: await readDecision(app.graph, id), newEid });
    },
  );

  app.post(
    '/confirm',
    { schema: { ...common, summary: 'Confirm two entities are the same (match) or different (non-match)', querystring: pq, body: ConfirmBody, response: { 201: Decision, ...errorResponses } }, config: rule('confirm') },
    async (request, reply) => {
      const b = request.body as { eids: [string, string]; match: boolean; reason: string };
      for (const e of b.eids) await requireVisibleEntity(app.graph, e, request.viewer);
      const id = await confirmPair(app.graph, b.match ? 'confirm_match' : 'confirm_non_match', b.eids, actor(request, b.reason));
      request.resultCount = 1;
      return reply.status(201).send(await readDecision(app.graph, id));
    },
  );

  app.post(
    '/decisions/:id/undo',
    { schema: { ...common, summary: 'Reverse a merge, split or confirmation', querystring: pq, params: Type.Object({ id: Type.String({ pattern: '^D-[0-9a-f-]{36}$' }) }), response: { 200: Decision, ...errorResponses } }, config: rule('undo') },
    async (request) => {
      const { id } = request.params as { id: string };
      const d = await readDecision(app.graph, id);
      // A decision touching any record the viewer may not see answers like a missing one.
      if (!d || !(await decisionVisible(app.graph, id, request.viewer.visibleSources))) throw httpError('NOT_FOUND', { what: `decision ${id}` });
      if (d.undone) throw httpError('CONFLICT', { detail: `decision ${id} was already undone` });
      await undoDecision(app.graph, d, request.viewer.username);
      request.resultCount = 1;
      return readDecision(app.graph, id);
    },
  );

  app.get(
    '/decisions',
    { schema: { ...common, summary: 'Manual decisions, newest first (the pipeline reads them as must-link / cannot-link)', querystring: Type.Object({ ...PurposeQuery, eid: Type.Optional(Eid), limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }) }), response: { 200: Type.Object({ decisions: Type.Array(Decision) }), ...errorResponses } }, config: rule('decisions') },
    async (request) => {
      const q = request.query as { eid?: string; limit: number };
      const decisions = await listDecisions(app.graph, q.eid ?? null, q.limit, request.viewer.visibleSources);
      request.resultCount = decisions.length;
      return { decisions };
    },
  );
}
