import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import bcrypt from 'bcryptjs';
import { adminScope, checkUserChange, checkUserCreate, planUnitChanges, requireUnitInScope } from '../../access/admin-scope.ts';
import { httpError } from '../../errors.ts';
import { changeUser, createGrant, createUser, listUsers, revokeGrant, upsertSources, writeUnitChanges } from '../../repositories/governance.ts';
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

/**
 * Units, users, grants and sources, for admins, each scoped to the admin's unit subtree: every
 * write is inside it before and after (rules in `access/admin-scope.ts`), and whatever lies outside
 * answers exactly like something that does not exist.
 */
const adminRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const common = { tags: ['admin'], security: [{ bearer: [] }] };

  app.get(
    '/units',
    { schema: { ...common, summary: 'Units at and below the caller’s', response: { 200: UnitList, ...errorAnswers() } }, config: rule('admin-units') },
    async (request) => {
      const v = request.viewer;
      const scope = adminScope(v);
      const units = [...v.units.values()].filter((u) => scope.units.has(u.code)).sort((a, b) => a.code.localeCompare(b.code));
      request.resultCount = units.length;
      return { items: units };
    },
  );

  app.post(
    '/units',
    {
      schema: {
        ...common,
        summary: 'Create, rename or move units below the caller’s unit (never the caller’s own unit or one above it); the batch is checked whole and keeps one tree',
        body: UnitBody,
        response: { 200: UpsertedAnswer, ...errorAnswers({ body: true, also: [404, 409] }) },
      },
      config: rule('admin-units-upsert'),
    },
    async (request) => {
      const { units } = request.body;
      const v = request.viewer;
      // Decided on the tree as read in the writing transaction, not on the cached one.
      await writeUnitChanges(app.graph, (current) => planUnitChanges(adminScope({ username: v.username, unitCode: v.unitCode, units: current }), current, units));
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
      const users = await listUsers(app.graph, [...adminScope(v).units]);
      request.resultCount = users.length;
      return { items: users };
    },
  );

  app.post(
    '/users',
    {
      schema: {
        ...common,
        summary: 'Create a user in a unit below the caller’s (409 when the username exists anywhere: creating never replaces)',
        body: UserBody,
        response: { 201: UsernameAnswer, ...errorAnswers({ body: true, also: [404, 409] }) },
      },
      config: rule('admin-users-create'),
    },
    async (request, reply) => {
      const b = request.body;
      checkUserCreate(adminScope(request.viewer), b.unitCode);
      const created = await createUser(app.graph, { ...b, passwordHash: await bcrypt.hash(b.password, 10) });
      if (created === 'taken') throw httpError('USERNAME_TAKEN', { username: b.username });
      if (created === 'certificate_taken') throw httpError('CONFLICT', { detail: 'this certificate is registered to another user' });
      if (created === 'no_unit') throw httpError('NOT_FOUND', { what: `unit ${b.unitCode}` });
      app.access.invalidate();
      request.resultCount = 1;
      return reply.status(201).send({ username: b.username });
    },
  );

  app.patch(
    '/users/:username',
    {
      schema: {
        ...common,
        summary: 'Disable, re-role, move, reset the password or set the certificate of a user of the caller’s subtree (a password, role, unit or disable change revokes the user’s earlier tokens)',
        params: UserParams,
        body: UserPatch,
        response: { 200: UsernameAnswer, ...errorAnswers({ body: true, also: [404, 409] }) },
      },
      config: rule('admin-users-update'),
    },
    async (request) => {
      const { username } = request.params;
      const b = request.body;
      const scope = adminScope(request.viewer);
      const change = { disabled: b.disabled, roles: b.roles, password: b.password !== undefined, unitCode: b.unitCode, certFingerprint: b.certFingerprint };
      // Hashed whatever the answer will be, so timing does not tell a user outside the scope from a missing one.
      const passwordHash = b.password ? await bcrypt.hash(b.password, 10) : undefined;
      const out = await changeUser(app.graph, username, { disabled: b.disabled, roles: b.roles, passwordHash, unitCode: b.unitCode, certFingerprint: b.certFingerprint }, (current) =>
        checkUserChange(scope, username, current, change),
      );
      if (out === 'certificate_taken') throw httpError('CONFLICT', { detail: 'this certificate is registered to another user' });
      if (out === 'gone') throw httpError('NOT_FOUND', { what: b.unitCode ? `unit ${b.unitCode}` : `user ${username}` });
      // Revocation and role changes take effect at once here; other server processes within ACCESS_CACHE_MS.
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
      const scope = adminScope(v);
      const grants = snap.grants.filter((g) => scope.units.has(g.unitCode));
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
      const scope = adminScope(v);
      requireUnitInScope(scope, b.unitCode);
      const source = v.source(b.sourceId);
      // Only the owner of a source (or a unit above it) decides who else may use it; to anyone
      // else the source answers like one that does not exist.
      if (!source || !scope.units.has(source.ownerUnit)) throw httpError('NOT_FOUND', { what: `source ${b.sourceId}` });
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
      // Only grants to the admin's subtree; any other answers like a grant that does not exist.
      const revoked = await revokeGrant(app.graph, id, [...adminScope(request.viewer).units], request.viewer.username);
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
      const scope = adminScope(v);
      const s = v.source(id);
      if (!s || !scope.units.has(s.ownerUnit)) throw httpError('NOT_FOUND', { what: `source ${id}` });
      if (b.ownerUnit) requireUnitInScope(scope, b.ownerUnit);
      await upsertSources(app.graph, [{ id, nameZh: s.nameZh, nameEn: s.nameEn, ownerUnit: b.ownerUnit ?? s.ownerUnit, shareClass: b.shareClass ?? s.shareClass, grade: b.grade ?? s.grade, fieldSensitivity: JSON.stringify(s.fieldSensitivity) }]);
      app.access.invalidate();
      request.resultCount = 1;
      return { id };
    },
  );
};
export default adminRoutes;
