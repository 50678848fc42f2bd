import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { maskIdentifiersInText } from '../../access/mask-text.ts';
import { isTopUnit, unitsWithin } from '../../access/units.ts';
import type { Viewer } from '../../access/viewer.ts';
import { createCheckpoint, listCheckpoints, listEntries, verifyAudit } from '../../audit/chain.ts';
import { httpError } from '../../errors.ts';
import { readUnitsBySeq } from '../../repositories/audit.ts';
import { errorResponses } from '../../schemas/common.ts';

const Entry = Type.Object({
  seq: Type.Integer(),
  at: Type.String(),
  requestId: Type.String(),
  user: Type.Union([Type.String(), Type.Null()]),
  unit: Type.Union([Type.String(), Type.Null()]),
  role: Type.Union([Type.String(), Type.Null()]),
  purposeJson: Type.Union([Type.String(), Type.Null()]),
  route: Type.String(),
  method: Type.String(),
  paramsJson: Type.String(),
  resultCount: Type.Union([Type.Integer(), Type.Null()]),
  outcome: Type.String(),
  status: Type.Integer(),
  prevHash: Type.String(),
  hash: Type.String(),
});
const Checkpoint = Type.Object({ seq: Type.Integer(), hash: Type.String(), at: Type.String(), signature: Type.String(), by: Type.String() });
const VerifyAnswer = Type.Object({
  ok: Type.Boolean(),
  entries: Type.Integer(),
  headSeq: Type.Integer(),
  checkpointsChecked: Type.Integer(),
  problems: Type.Array(Type.Object({ seq: Type.Integer(), kind: Type.String(), message: Type.String() })),
  problemsOutOfScope: Type.Integer({ description: 'problems at entries of units outside the auditor’s scope: counted, not described' }),
});
const rule = (action: string) => ({ access: { roles: ['auditor'] as const, purpose: false, action } });

/**
 * The units whose entries an auditor reads: its unit and those below it. An auditor at the top
 * unit reads the whole trail, entries without a caller included (null).
 */
export function auditScope(v: Viewer): string[] | null {
  return isTopUnit(v.unitCode, v.units) ? null : unitsWithin(v.unitCode, v.units);
}

/**
 * The audit trail for auditors, scoped to the auditor's unit and below: entries (identifiers in
 * recorded parameters and purposes masked), verification (global, problems described only for
 * entries in scope), signed checkpoints (of entries in scope; signing one is for the top unit).
 */
export default async function auditRoutes(app: FastifyInstance) {
  const common = { tags: ['audit'], security: [{ bearer: [] }] };
  app.get(
    '/entries',
    {
      schema: {
        ...common,
        summary: 'Audit entries, newest first',
        querystring: Type.Object({
          afterSeq: Type.Integer({ minimum: 0, default: 0 }),
          limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
          user: Type.Optional(Type.String({ maxLength: 64 })),
          outcome: Type.Optional(Type.Union([Type.Literal('allowed'), Type.Literal('denied'), Type.Literal('error')])),
        }),
        response: { 200: Type.Object({ entries: Type.Array(Entry) }), ...errorResponses },
      },
      config: rule('audit-entries'),
    },
    async (request) => {
      const q = request.query as { afterSeq: number; limit: number; user?: string; outcome?: 'allowed' | 'denied' | 'error' };
      const units = auditScope(request.viewer);
      // The stored entry keeps its values (the hash covers them); the answer masks identifiers, as for any other viewer.
      const entries = (await listEntries(app.graph, { ...q, units })).map((e) => ({ ...e, paramsJson: maskIdentifiersInText(e.paramsJson), purposeJson: e.purposeJson ? maskIdentifiersInText(e.purposeJson) : null, resultCount: e.resultCount ?? null, user: e.user ?? null, unit: e.unit ?? null, role: e.role ?? null }));
      request.resultCount = entries.length;
      return { entries };
    },
  );
  app.get(
    '/verify',
    { schema: { ...common, summary: 'Recompute the hash chain and check checkpoints; names any edited, deleted or reordered entry', response: { 200: VerifyAnswer, ...errorResponses } }, config: rule('audit-verify') },
    async (request) => {
      const units = auditScope(request.viewer);
      const r = await verifyAudit(app.graph, app.config.AUDIT_SIGNING_KEY, undefined, units ? (u) => u !== null && units.includes(u) : undefined);
      request.resultCount = r.problems.length;
      return r;
    },
  );
  app.get(
    '/checkpoints',
    { schema: { ...common, summary: 'Signed checkpoints, to export and keep elsewhere', response: { 200: Type.Object({ checkpoints: Type.Array(Checkpoint) }), ...errorResponses } }, config: rule('audit-checkpoints') },
    async (request) => {
      const units = auditScope(request.viewer);
      let checkpoints = await listCheckpoints(app.graph);
      if (units) {
        const bySeq = await readUnitsBySeq(app.graph, checkpoints.map((c) => c.seq));
        checkpoints = checkpoints.filter((c) => units.includes(bySeq.get(c.seq) ?? ''));
      }
      request.resultCount = checkpoints.length;
      return { checkpoints };
    },
  );
  app.post(
    '/checkpoints',
    { schema: { ...common, summary: 'Sign the current head as a checkpoint now', response: { 201: Checkpoint, ...errorResponses } }, config: rule('audit-checkpoint-create') },
    async (request, reply) => {
      // A checkpoint signs the head of the whole trail, so only the trail's keeper at the top unit signs one.
      if (auditScope(request.viewer)) throw httpError('FORBIDDEN', { detail: 'a checkpoint signs the whole audit trail: only an auditor of the top unit signs one' });
      const c = await createCheckpoint(app.graph, app.config.AUDIT_SIGNING_KEY, request.viewer.username);
      if (!c) return reply.status(409).send({ statusCode: 409, code: 'ONEMAP_ERR_CONFLICT', message: 'conflict: the audit trail is empty' });
      request.resultCount = 1;
      return reply.status(201).send(c);
    },
  );
}
