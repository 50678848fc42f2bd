import { Type } from '@sinclair/typebox';
import bcrypt from 'bcryptjs';
import type { FastifyInstance } from 'fastify';
import { adminScope, checkUserChange, checkUserCreate, planUnitChanges, requireUnitInScope } from '../../access/admin-scope.ts';
import { PURPOSE_KINDS, ROLES, type UnitInfo } from '../../access/types.ts';
import { httpError } from '../../errors.ts';
import { changeUser, createGrant, createUser, listUsers, revokeGrant, upsertSources, writeUnitChanges } from '../../repositories/governance.ts';
import { errorResponses, IsoTime } from '../../schemas/common.ts';

const UnitCode = Type.String({ pattern: '^\\d{6}$|^\\d{9}$' });
const SourceId = Type.String({ pattern: '^[a-z][a-z0-9_]{1,40}$' });
const RoleName = Type.Union(ROLES.map((r) => Type.Literal(r)));
const PurposeKindName = Type.Union(PURPOSE_KINDS.map((k) => Type.Literal(k)));
const Password = Type.String({ minLength: 10, maxLength: 200 });

const UserBody = Type.Object(
  {
    username: Type.String({ minLength: 3, maxLength: 64, pattern: '^[A-Za-z0-9._-]+$' }),
    displayName: Type.String({ minLength: 1, maxLength: 100 }),
    unitCode: UnitCode,
    roles: Type.Array(RoleName, { minItems: 1, maxItems: 5, uniqueItems: true }),
    password: Password,
    certFingerprint: Type.Optional(Type.String({ pattern: '^([0-9A-F]{2}:){31}[0-9A-F]{2}$', description: 'SHA-256 fingerprint of the officer’s client certificate' })),
  },
  { additionalProperties: false },
);
const UserPatch = Type.Object(
  {
    disabled: Type.Optional(Type.Boolean()),
    roles: Type.Optional(Type.Array(RoleName, { minItems: 1, maxItems: 5, uniqueItems: true })),
    password: Type.Optional(Password),
    unitCode: Type.Optional(UnitCode),
    certFingerprint: Type.Optional(Type.Union([Type.String({ pattern: '^([0-9A-F]{2}:){31}[0-9A-F]{2}$' }), Type.Null()])),
  },
  { additionalProperties: false },
);
const GrantBody = Type.Object(
  {
    unitCode: UnitCode,
    sourceId: SourceId,
    purposes: Type.Array(PurposeKindName, { minItems: 1, maxItems: 6, uniqueItems: true }),
    expiresAt: IsoTime,
    fields: Type.Array(Type.String({ pattern: '^(\\*|[A-Za-z]{1,40})$' }), { maxItems: 30, default: [] }),
  },
  { additionalProperties: false },
);
const Grant = Type.Object({
  id: Type.String(),
  unitCode: Type.String(),
  sourceId: Type.String(),
  purposes: Type.Array(Type.String()),
  expiresAt: Type.String(),
  fields: Type.Array(Type.String()),
  createdBy: Type.Optional(Type.String()),
  createdAt: Type.Optional(Type.String()),
});
const UnitBody = Type.Object(
  {
    units: Type.Array(
      Type.Object({ code: UnitCode, name: Type.String({ minLength: 1, maxLength: 100 }), level: Type.Union(['province', 'city', 'county', 'station'].map((l) => Type.Literal(l))), parent: Type.Union([UnitCode, Type.Null()]) }, { additionalProperties: false }),
      { minItems: 1, maxItems: 1000 },
    ),
  },
  { additionalProperties: false },
);
const SourcePatch = Type.Object(
  {
    shareClass: Type.Optional(Type.Union([Type.Literal('unconditional'), Type.Literal('conditional'), Type.Literal('none')])),
    grade: Type.Optional(Type.Integer({ minimum: 1, maximum: 4 })),
    ownerUnit: Type.Optional(UnitCode),
  },
  { additionalProperties: false },
);

const rule = (action: string) => ({ access: { roles: ['admin'] as const, purpose: false, action } });

/**
 * Units, users, grants and sources, for admins, each scoped to the admin's unit subtree: every
 * write is inside it before and after (rules in `access/admin-scope.ts`), and whatever lies outside
 * answers exactly like something that does not exist.
 */
export default async function adminRoutes(app: FastifyInstance) {
  const common = { tags: ['admin'], security: [{ bearer: [] }] };

  app.get(
    '/units',
    { schema: { ...common, summary: 'Units at and below the caller’s', response: { 200: Type.Object({ units: Type.Array(Type.Object({ code: Type.String(), name: Type.String(), level: Type.String(), parent: Type.Union([Type.String(), Type.Null()]) })) }), ...errorResponses } }, config: rule('admin-units') },
    async (request) => {
      const v = request.viewer;
      const scope = adminScope(v);
      const units = [...v.units.values()].filter((u) => scope.units.has(u.code)).sort((a, b) => a.code.localeCompare(b.code));
      request.resultCount = units.length;
      return { units };
    },
  );

  app.post(
    '/units',
    {
      schema: {
        ...common,
        summary: 'Create, rename or move units below the caller’s unit (never the caller’s own unit or one above it); the batch is checked whole and keeps one tree',
        body: UnitBody,
        response: { 200: Type.Object({ upserted: Type.Integer() }), ...errorResponses },
      },
      config: rule('admin-units-upsert'),
    },
    async (request) => {
      const { units } = request.body as { units: UnitInfo[] };
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
    { schema: { ...common, summary: 'Users of units at and below the caller’s', response: { 200: Type.Object({ users: Type.Array(Type.Object({ username: Type.String(), displayName: Type.String(), unitCode: Type.String(), roles: Type.Array(Type.String()), disabled: Type.Boolean(), hasCertificate: Type.Boolean() })) }), ...errorResponses } }, config: rule('admin-users') },
    async (request) => {
      const v = request.viewer;
      const users = await listUsers(app.graph, [...adminScope(v).units]);
      request.resultCount = users.length;
      return { users };
    },
  );

  app.post(
    '/users',
    {
      schema: {
        ...common,
        summary: 'Create a user in a unit below the caller’s (409 when the username exists anywhere: creating never replaces)',
        body: UserBody,
        response: { 201: Type.Object({ username: Type.String() }), ...errorResponses },
      },
      config: rule('admin-users-create'),
    },
    async (request, reply) => {
      const b = request.body as { username: string; displayName: string; unitCode: string; roles: string[]; password: string; certFingerprint?: string };
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
        params: Type.Object({ username: Type.String({ pattern: '^[A-Za-z0-9._-]{1,64}$' }) }),
        body: UserPatch,
        response: { 200: Type.Object({ username: Type.String() }), ...errorResponses },
      },
      config: rule('admin-users-update'),
    },
    async (request) => {
      const { username } = request.params as { username: string };
      const b = request.body as { disabled?: boolean; roles?: string[]; password?: string; unitCode?: string; certFingerprint?: string | null };
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
    { schema: { ...common, summary: 'Active grants to units at and below the caller’s', response: { 200: Type.Object({ grants: Type.Array(Grant) }), ...errorResponses } }, config: rule('admin-grants') },
    async (request) => {
      const v = request.viewer;
      const snap = await app.access.snapshot();
      const scope = adminScope(v);
      const grants = snap.grants.filter((g) => scope.units.has(g.unitCode));
      request.resultCount = grants.length;
      return { grants };
    },
  );

  app.post(
    '/grants',
    {
      schema: { ...common, summary: 'Grant a unit (and the units below it) a conditional source for some purposes until a date', body: GrantBody, response: { 201: Grant, ...errorResponses } },
      config: rule('admin-grants-create'),
    },
    async (request, reply) => {
      const b = request.body as { unitCode: string; sourceId: string; purposes: string[]; expiresAt: string; fields: string[] };
      const v = request.viewer;
      const scope = adminScope(v);
      requireUnitInScope(scope, b.unitCode);
      const source = v.source(b.sourceId);
      // Only the owner of a source (or a unit above it) decides who else may use it; to anyone
      // else the source answers like one that does not exist.
      if (!source || !scope.units.has(source.ownerUnit)) throw httpError('NOT_FOUND', { what: `source ${b.sourceId}` });
      if (Date.parse(b.expiresAt) <= Date.now()) throw httpError('VALIDATION', { detail: 'expiresAt must be in the future' });
      const g = await createGrant(app.graph, { ...b, expiresAt: new Date(b.expiresAt).toISOString(), purposes: b.purposes as never, createdBy: v.username });
      app.access.invalidate();
      request.resultCount = 1;
      return reply.status(201).send(g);
    },
  );

  app.delete(
    '/grants/:id',
    { schema: { ...common, summary: 'Revoke a grant', params: Type.Object({ id: Type.String({ pattern: '^G-[0-9a-f-]{36}$' }) }), response: { 200: Grant, ...errorResponses } }, config: rule('admin-grants-revoke') },
    async (request) => {
      const { id } = request.params as { id: string };
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
    { schema: { ...common, summary: 'Change a source’s sharing class, grade or owner (owner’s admins only)', params: Type.Object({ id: SourceId }), body: SourcePatch, response: { 200: Type.Object({ id: Type.String() }), ...errorResponses } }, config: rule('admin-sources-update') },
    async (request) => {
      const { id } = request.params as { id: string };
      const b = request.body as { shareClass?: string; grade?: number; ownerUnit?: string };
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
}
