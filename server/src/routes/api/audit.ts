import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { isTopUnit, unitsWithin } from '../../access/units.ts';
import type { Viewer } from '../../access/viewer.ts';
import { createCheckpoint, listCheckpoints, listEntries, verifyAudit } from '../../audit/chain.ts';
import { shownEntry, userFilterHidden } from '../../audit/shown-entry.ts';
import { httpError } from '../../errors.ts';
import { readUnitsBySeq } from '../../repositories/audit.ts';
import { AuditEntriesQuery, AuditEntryList, AuditVerifyAnswer, Checkpoint, CheckpointList } from '../../schemas/audit.ts';
import { errorAnswers } from '../../schemas/common.ts';

const rule = (action: string) => ({ access: { roles: ['auditor'] as const, purpose: false, action } });

/**
 * The units whose entries an auditor reads: its unit and those below it. An auditor at the top
 * unit reads the whole trail, entries without a caller included (null).
 */
export function auditScope(v: Viewer): string[] | null {
  return isTopUnit(v.unitCode, v.units) ? null : unitsWithin(v.unitCode, v.units);
}

/**
 * The audit trail for auditors, scoped to the auditor's unit and below: entries (every text a
 * caller wrote masked: `shownEntry`), verification (global, problems described only for
 * entries in scope), signed checkpoints (of entries in scope; signing one is for the top unit).
 */
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
      const units = auditScope(request.viewer);
      const entries = userFilterHidden(q.user) ? [] : (await listEntries(app.graph, { ...q, units })).map(shownEntry);
      request.resultCount = entries.length;
      return { items: entries };
    },
  );
  app.get(
    '/verify',
    { schema: { ...common, summary: 'Recompute the hash chain and check checkpoints; names any edited, deleted or reordered entry', response: { 200: AuditVerifyAnswer, ...errorAnswers() } }, config: rule('audit-verify') },
    async (request) => {
      const units = auditScope(request.viewer);
      const r = await verifyAudit(app.graph, {
        signingKey: app.config.AUDIT_SIGNING_KEY,
        unkeyedUntil: app.config.AUDIT_UNKEYED_UNTIL,
        ...(units ? { inScope: (u: string | null) => u !== null && units.includes(u) } : {}),
      });
      request.resultCount = r.problems.length;
      return r;
    },
  );
  app.get(
    '/checkpoints',
    { schema: { ...common, summary: 'Signed checkpoints, to export and keep elsewhere', response: { 200: CheckpointList, ...errorAnswers() } }, config: rule('audit-checkpoints') },
    async (request) => {
      const units = auditScope(request.viewer);
      let checkpoints = await listCheckpoints(app.graph);
      if (units) {
        const bySeq = await readUnitsBySeq(app.graph, checkpoints.map((c) => c.seq));
        checkpoints = checkpoints.filter((c) => units.includes(bySeq.get(c.seq) ?? ''));
      }
      request.resultCount = checkpoints.length;
      return { items: checkpoints };
    },
  );
  app.post(
    '/checkpoints',
    { schema: { ...common, summary: 'Sign the current head as a checkpoint now', response: { 201: Checkpoint, ...errorAnswers({ also: [409] }) } }, config: rule('audit-checkpoint-create') },
    async (request, reply) => {
      // A checkpoint signs the head of the whole trail, so only the trail's keeper at the top unit signs one.
      if (auditScope(request.viewer)) throw httpError('FORBIDDEN', { detail: 'a checkpoint signs the whole audit trail: only an auditor of the top unit signs one' });
      const c = await createCheckpoint(app.graph, app.config.AUDIT_SIGNING_KEY, request.viewer.username);
      if (!c) throw httpError('CONFLICT', { detail: 'the audit trail is empty' });
      request.resultCount = 1;
      return reply.status(201).send(c);
    },
  );
};
export default auditRoutes;
