import { upsertUnits } from '@onemap/graph-schema/server';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import bcrypt from 'bcryptjs';
import { isWithin } from '../../access/units.ts';
import type { Viewer } from '../../access/viewer.ts';
import { httpError } from '../../errors.ts';
import { createGrant, listUsers, revokeGrant, updateUser, upsertSources, upsertUser } from '../../repositories/governance.ts';
import {
  Grant,
  GrantBody,
  GrantList,
  GrantParams,
  IdAnswer,
  SourceIdParams,
  SourcePatch,
  UnitBody,
  UnitList,
  UpsertedAnswer,
  UserBody,
  UserList,
  UsernameAnswer,
  UserParams,
  UserPatch,
} from '../../schemas/admin.ts';
import { errorAnswers } from '../../schemas/common.ts';

const rule = (action: string) => ({ access: { roles: ['admin'] as const, purpose: false, action } });

/** An admin manages only units at or below their own. */
function requireScope(v: Viewer, unitCode: string): void {
  if (!isWithin(unitCode, v.unitCode, v.units)) throw httpError('FORBIDDEN', { detail: `unit ${unitCode} is outside your unit ${v.unitCode}` });
}

/** Units, users, grants and sources, for admins, each scoped to the admin's unit subtree. */
const adminRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const common = { tags: ['admin'], security: [{ bearer: [] }] };

  app.get(
    '/units',
    { schema: { ...common, summary: 'Units at and below the caller’s', response: { 200: UnitList, ...errorAnswers() } }, config: rule('admin-units') },
    async (request) => {
      const v = request.viewer;
      const units = [...v.units.values()].filter((u) => isWithin(u.code, v.unitCode, v.units)).sort((a, b) => a.code.localeCompare(b.code));
      request.resultCount = units.length;
      return { items: units };
    },
  );

  app.post(
    '/units',
    { schema: { ...common, summary: 'Create or update units (within the caller’s unit)', body: UnitBody, response: { 200: UpsertedAnswer, ...errorAnswers({ body: true }) } }, config: rule('admin-units-upsert') },
    async (request) => {
      const { units } = request.body;
      for (const u of units) requireScope(request.viewer, u.parent ?? u.code);
      await upsertUnits(app.graph, units);
      app.access.invalidate();
      request.resultCount = units.length;
      return { upserted: units.length };
    },
  );

  app.get(
    '/users',
    { schema: { ...common, summary: 'Users of units at and below the caller’s', response: { 200: UserList, ...errorAnswers() } }, config: rule('admin-users') },
    async (request) => {
      const v = request.viewer;
      const scope = [...v.units.keys()].filter((c) => isWithin(c, v.unitCode, v.units));
      const users = await listUsers(app.graph, scope.length ? scope : [v.unitCode]);
      request.resultCount = users.length;
      return { items: users };
    },
  );

  app.post(
    '/users',
    { schema: { ...common, summary: 'Create or replace a user', body: UserBody, response: { 201: UsernameAnswer, ...errorAnswers({ body: true }) } }, config: rule('admin-users-create') },
    async (request, reply) => {
      const b = request.body;
      requireScope(request.viewer, b.unitCode);
      await upsertUser(app.graph, { ...b, passwordHash: await bcrypt.hash(b.password, 10) });
      app.access.invalidate();
      request.resultCount = 1;
      return reply.status(201).send({ username: b.username });
    },
  );

  app.patch(
    '/users/:username',
    { schema: { ...common, summary: 'Disable, re-role, reset password or set the certificate of a user', params: UserParams, body: UserPatch, response: { 200: UsernameAnswer, ...errorAnswers({ body: true, also: [404] }) } }, config: rule('admin-users-update') },
    async (request) => {
      const { username } = request.params;
      const b = request.body;
      const target = await app.access.user(username);
      if (!target) throw httpError('NOT_FOUND', { what: `user ${username}` });
      requireScope(request.viewer, target.unitCode);
      await updateUser(app.graph, username, { disabled: b.disabled, roles: b.roles, passwordHash: b.password ? await bcrypt.hash(b.password, 10) : undefined, certFingerprint: b.certFingerprint });
      app.access.invalidate();
      request.resultCount = 1;
      return { username };
    },
  );

  app.get(
    '/grants',
    { schema: { ...common, summary: 'Active grants to units at and below the caller’s', response: { 200: GrantList, ...errorAnswers() } }, config: rule('admin-grants') },
    async (request) => {
      const v = request.viewer;
      const snap = await app.access.snapshot();
      const grants = snap.grants.filter((g) => isWithin(g.unitCode, v.unitCode, v.units));
      request.resultCount = grants.length;
      return { items: grants };
    },
  );

  app.post(
    '/grants',
    {
      schema: { ...common, summary: 'Grant a unit (and the units below it) a conditional source for some purposes until a date', body: GrantBody, response: { 201: Grant, ...errorAnswers({ body: true, also: [404] }) } },
      config: rule('admin-grants-create'),
    },
    async (request, reply) => {
      const b = request.body;
      const v = request.viewer;
      requireScope(v, b.unitCode);
      const source = v.source(b.sourceId);
      if (!source) throw httpError('NOT_FOUND', { what: `source ${b.sourceId}` });
      // Only the owner of a source (or a unit above it) decides who else may use it.
      if (!isWithin(source.ownerUnit, v.unitCode, v.units)) throw httpError('FORBIDDEN', { detail: `source ${b.sourceId} belongs to unit ${source.ownerUnit}; only its admins (or those above) grant it` });
      const g = await createGrant(app.graph, { ...b, expiresAt: new Date(b.expiresAt).toISOString(), purposes: b.purposes, createdBy: v.username });
      app.access.invalidate();
      request.resultCount = 1;
      return reply.status(201).send(g);
    },
  );

  app.delete(
    '/grants/:id',
    { schema: { ...common, summary: 'Revoke a grant', params: GrantParams, response: { 200: Grant, ...errorAnswers({ also: [404] }) } }, config: rule('admin-grants-revoke') },
    async (request) => {
      const { id } = request.params;
      const snap = await app.access.snapshot();
      const g = snap.grants.find((x) => x.id === id);
      if (!g) throw httpError('NOT_FOUND', { what: `grant ${id}` });
      requireScope(request.viewer, g.unitCode);
      const revoked = await revokeGrant(app.graph, id, request.viewer.username);
      if (!revoked) throw httpError('NOT_FOUND', { what: `grant ${id}` });
      app.access.invalidate();
      request.resultCount = 1;
      return revoked;
    },
  );

  app.patch(
    '/sources/:id',
    { schema: { ...common, summary: 'Change a source’s sharing class, grade or owner (owner’s admins only)', params: SourceIdParams, body: SourcePatch, response: { 200: IdAnswer, ...errorAnswers({ body: true, also: [404] }) } }, config: rule('admin-sources-update') },
    async (request) => {
      const { id } = request.params;
      const b = request.body;
      const v = request.viewer;
      const s = v.source(id);
      if (!s) throw httpError('NOT_FOUND', { what: `source ${id}` });
      if (!isWithin(s.ownerUnit, v.unitCode, v.units)) throw httpError('FORBIDDEN', { detail: `source ${id} belongs to unit ${s.ownerUnit}` });
      if (b.ownerUnit) requireScope(v, b.ownerUnit);
      await upsertSources(app.graph, [{ id, nameZh: s.nameZh, nameEn: s.nameEn, ownerUnit: b.ownerUnit ?? s.ownerUnit, shareClass: b.shareClass ?? s.shareClass, grade: b.grade ?? s.grade, fieldSensitivity: JSON.stringify(s.fieldSensitivity) }]);
      app.access.invalidate();
      request.resultCount = 1;
      return { id };
    },
  );
};
export default adminRoutes;
