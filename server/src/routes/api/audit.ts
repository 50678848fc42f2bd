import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { createCheckpoint, listCheckpoints, listEntries, verifyAudit } from '../../audit/chain.ts';
import { httpError } from '../../errors.ts';
import { AuditEntriesQuery, AuditEntryList, AuditVerifyAnswer, Checkpoint, CheckpointList } from '../../schemas/audit.ts';
import { errorAnswers } from '../../schemas/common.ts';

const rule = (action: string) => ({ access: { roles: ['auditor'] as const, purpose: false, action } });

/** The audit trail for auditors: entries, verification, signed checkpoints. */
const auditRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const common = { tags: ['audit'], security: [{ bearer: [] }] };
  app.get(
    '/entries',
    {
      schema: {
        ...common,
        summary: 'Audit entries, newest first',
        querystring: AuditEntriesQuery,
        response: { 200: AuditEntryList, ...errorAnswers() },
      },
      config: rule('audit-entries'),
    },
    async (request) => {
      const q = request.query;
      const entries = (await listEntries(app.graph, q)).map((e) => ({ ...e, resultCount: e.resultCount ?? null, user: e.user ?? null, unit: e.unit ?? null, role: e.role ?? null, purposeJson: e.purposeJson ?? null }));
      request.resultCount = entries.length;
      return { items: entries };
    },
  );
  app.get(
    '/verify',
    { schema: { ...common, summary: 'Recompute the hash chain and check checkpoints; names any edited, deleted or reordered entry', response: { 200: AuditVerifyAnswer, ...errorAnswers() } }, config: rule('audit-verify') },
    async (request) => {
      const r = await verifyAudit(app.graph, app.config.AUDIT_SIGNING_KEY);
      request.resultCount = r.problems.length;
      return r;
    },
  );
  app.get(
    '/checkpoints',
    { schema: { ...common, summary: 'Signed checkpoints, to export and keep elsewhere', response: { 200: CheckpointList, ...errorAnswers() } }, config: rule('audit-checkpoints') },
    async (request) => {
      const checkpoints = await listCheckpoints(app.graph);
      request.resultCount = checkpoints.length;
      return { items: checkpoints };
    },
  );
  app.post(
    '/checkpoints',
    { schema: { ...common, summary: 'Sign the current head as a checkpoint now', response: { 201: Checkpoint, ...errorAnswers({ also: [409] }) } }, config: rule('audit-checkpoint-create') },
    async (request, reply) => {
      const c = await createCheckpoint(app.graph, app.config.AUDIT_SIGNING_KEY, request.viewer.username);
      if (!c) throw httpError('CONFLICT', { detail: 'the audit trail is empty' });
      request.resultCount = 1;
      return reply.status(201).send(c);
    },
  );
};
export default auditRoutes;
