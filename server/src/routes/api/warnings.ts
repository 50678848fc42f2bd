import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { httpError } from '../../errors.ts';
import { endWarningRule } from '../../repositories/warnings.ts';
import { errorAnswers, PurposeHeaders, NoQuery } from '../../schemas/common.ts';
import {
  WarningHitList,
  WarningHitQuery,
  WarningRule,
  WarningRuleBody,
  WarningRuleEnded,
  WarningRuleList,
  WarningRuleParams,
} from '../../schemas/warnings.ts';
import { createRule, listHits, listRules } from '../../services/warnings.ts';

const ROLES = ['officer', 'analyst'] as const;

/**
 * Early warning (预警): rules a unit sets on watched persons and vehicles — enters/leaves an area
 * (a drawn polygon or a jurisdiction), passes a checkpoint, two meet, N gather, a new companion.
 * The pipeline evaluates them after each write commits; each hit is pushed to the unit's users on
 * the watch stream (`event: warning`, `GET /api/watches/stream`), only to those who may see every
 * record that fired it. Rules carry a purpose and an expiry; listing shows their visible hits.
 */
const warningRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const common = { tags: ['warnings'], security: [{ bearer: [] }] };

  app.post(
    '/rules',
    {
      schema: {
        ...common,
        summary: 'Create an early-warning rule for the caller’s unit (with a purpose, until expiresAt)',
        headers: PurposeHeaders,
        querystring: NoQuery,
        body: WarningRuleBody,
        response: { 201: WarningRule, ...errorAnswers({ purpose: true, body: true, also: [404] }) },
      },
      config: { access: { roles: ROLES, purpose: true, action: 'warning-rule-create' } },
    },
    async (request, reply) => {
      const rule = await createRule(app.graph, request.viewer, request.body);
      request.resultCount = 1;
      return reply.status(201).send(rule);
    },
  );

  app.get(
    '/rules',
    {
      schema: {
        ...common,
        summary: 'The caller’s unit’s early-warning rules, with the hits the caller may see under the purpose given',
        headers: PurposeHeaders,
        querystring: NoQuery,
        response: { 200: WarningRuleList, ...errorAnswers({ purpose: true }) },
      },
      config: { access: { roles: ROLES, purpose: true, action: 'warning-rule-list' } },
    },
    async (request) => {
      const items = await listRules(app.graph, request.viewer);
      request.resultCount = items.length;
      return { items };
    },
  );

  app.get(
    '/rules/:id/hits',
    {
      schema: {
        ...common,
        summary: 'Hits of one of the unit’s rules, newest first (only those whose every record the caller may see)',
        headers: PurposeHeaders,
        params: WarningRuleParams,
        querystring: WarningHitQuery,
        response: { 200: WarningHitList, ...errorAnswers({ purpose: true, also: [404] }) },
      },
      config: { access: { roles: ROLES, purpose: true, action: 'warning-hits' } },
    },
    async (request) => {
      const r = await listHits(app.graph, request.viewer, request.params.id, request.query.limit);
      request.resultCount = r.items.length;
      return r;
    },
  );

  app.delete(
    '/rules/:id',
    {
      schema: {
        ...common,
        summary: 'End (expire) one of the unit’s rules now',
        headers: PurposeHeaders,
        querystring: NoQuery,
        params: WarningRuleParams,
        response: { 200: WarningRuleEnded, ...errorAnswers({ purpose: true, also: [404] }) },
      },
      config: { access: { roles: ROLES, purpose: true, action: 'warning-rule-end' } },
    },
    async (request) => {
      const { id } = request.params;
      // Its creator, or whoever sees its entities (under the purpose stated, like every individual-level route).
      if (!(await endWarningRule(app.graph, id, request.viewer.unitCode, request.viewer.username, request.viewer.recordSources)))
        throw httpError('NOT_FOUND', { what: `warning rule ${id}` });
      request.resultCount = 1;
      return { id, active: false };
    },
  );
};
export default warningRoutes;
