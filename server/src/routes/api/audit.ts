import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { createCheckpoint, listCheckpoints, listEntries, verifyAudit } from '../../audit/chain.ts';
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
});
const rule = (action: string) => ({ access: { roles: ['auditor'] as const, purpose: false, action } });

/** The audit trail for auditors: entries, verification, signed checkpoints. */
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
      const entries = (await listEntries(app.graph, q)).map((e) => ({ ...e, resultCount: e.resultCount ?? null, user: e.user ?? null, unit: e.unit ?? null, role: e.role ?? null, purposeJson: e.purposeJson ?? null }));
      request.resultCount = entries.length;
      return { entries };
    },
  );
  app.get(
    '/verify',
    { schema: { ...common, summary: 'Recompute the hash chain and check checkpoints; names any edited, deleted or reordered entry', response: { 200: VerifyAnswer, ...errorResponses } }, config: rule('audit-verify') },
    async (request) => {
      const r = await verifyAudit(app.graph, app.config.AUDIT_SIGNING_KEY);
      request.resultCount = r.problems.length;
      return r;
    },
  );
  app.get(
    '/checkpoints',
    { schema: { ...common, summary: 'Signed checkpoints, to export and keep elsewhere', response: { 200: Type.Object({ checkpoints: Type.Array(Checkpoint) }), ...errorResponses } }, config: rule('audit-checkpoints') },
    async (request) => {
      const checkpoints = await listCheckpoints(app.graph);
      request.resultCount = checkpoints.length;
      return { checkpoints };
    },
  );
  app.post(
    '/checkpoints',
    { schema: { ...common, summary: 'Sign the current head as a checkpoint now', response: { 201: Checkpoint, ...errorResponses } }, config: rule('audit-checkpoint-create') },
    async (request, reply) => {
      const c = await createCheckpoint(app.graph, app.config.AUDIT_SIGNING_KEY, request.viewer.username);
      if (!c) return reply.status(409).send({ statusCode: 409, code: 'ONEMAP_ERR_CONFLICT', message: 'conflict: the audit trail is empty' });
      request.resultCount = 1;
      return reply.status(201).send(c);
    },
  );
}
