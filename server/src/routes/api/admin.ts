import { upsertUnits } from '@onemap/graph-schema/server';
import { Type } from '@sinclair/typebox';
import bcrypt from 'bcryptjs';
import type { FastifyInstance } from 'fastify';
import { PURPOSE_KINDS, ROLES } from '../../access/types.ts';
import { isWithin } from '../../access/units.ts';
import type { Viewer } from '../../access/viewer.ts';
import { httpError } from '../../errors.ts';
import { createGrant, listUsers, revokeGrant, updateUser, upsertSources, upsertUser } from '../../repositories/governance.ts';
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

/** An admin manages only units at or below their own. */
function requireScope(v: Viewer, unitCode: string): void {
  if (!isWithin(unitCode, v.unitCode, v.units)) throw httpError('FORBIDDEN', { detail: `unit ${unitCode} is outside your unit ${v.unitCode}` });
}

/** Units, users, grants and sources, for admins, each scoped to the admin's unit subtree. */
export default async function adminRoutes(app: FastifyInstance) {
  const common = { tags: ['admin'], security: [{ bearer: [] }] };

  app.get(
    '/units',
    { schema: { ...common, summary: 'Units at and below the caller’s', response: { 200: Type.Object({ units: Type.Array(Type.Object({ code: Type.String(), name: Type.String(), level: Type.String(), parent: Type.Union([Type.String(), Type.Null()]) })) }), ...errorResponses } }, config: rule('admin-units') },
    async (request) => {
      const v = request.viewer;
      const units = [...v.units.values()].filter((u) => isWithin(u.code, v.unitCode, v.units)).sort((a, b) => a.code.localeCompare(b.code));
      request.resultCount = units.length;
      return { units };
    },
  );

  app.post(
    '/units',
    { schema: { ...common, summary: 'Create or update units (within the caller’s unit)', body: UnitBody, response: { 200: Type.Object({ upserted: Type.Integer() }), ...errorResponses } }, config: rule('admin-units-upsert') },
    async (request) => {
      const { units } = request.body as { units: { code: string; name: string; level: 'province' | 'city' | 'county' | 'station'; parent: string | null }[] };
      for (const u of units) requireScope(request.viewer, u.parent ?? u.code);
      await upsertUnits(app.graph, units);
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
      const scope = [...v.units.keys()].filter((c) => isWithin(c, v.unitCode, v.units));
      const users = await listUsers(app.graph, scope.length ? scope : [v.unitCode]);
      request.resultCount = users.length;
      return { users };
    },
  );

  app.post(
    '/users',
    { schema: { ...common, summary: 'Create or replace a user', body: UserBody, response: { 201: Type.Object({ username: Type.String() }), ...errorResponses } }, config: rule('admin-users-create') },
    async (request, reply) => {
      const b = request.body as { username: string; displayName: string; unitCode: string; roles: string[]; password: string; certFingerprint?: string };
      requireScope(request.viewer, b.unitCode);
      await upsertUser(app.graph, { ...b, passwordHash: await bcrypt.hash(b.password, 10) });
      app.access.invalidate();
      request.resultCount = 1;
      return reply.status(201).send({ username: b.username });
    },
  );

  app.patch(
    '/users/:username',
    { schema: { ...common, summary: 'Disable, re-role, reset password or set the certificate of a user', params: Type.Object({ username: Type.String({ pattern: '^[A-Za-z0-9._-]{1,64}$' }) }), body: UserPatch, response: { 200: Type.Object({ username: Type.String() }), ...errorResponses } }, config: rule('admin-users-update') },
    async (request) => {
      const { username } = request.params as { username: string };
      const b = request.body as { disabled?: boolean; roles?: string[]; password?: string; certFingerprint?: string | null };
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
    { schema: { ...common, summary: 'Active grants to units at and below the caller’s', response: { 200: Type.Object({ grants: Type.Array(Grant) }), ...errorResponses } }, config: rule('admin-grants') },
    async (request) => {
      const v = request.viewer;
      const snap = await app.access.snapshot();
      const grants = snap.grants.filter((g) => isWithin(g.unitCode, v.unitCode, v.units));
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
      requireScope(v, b.unitCode);
      const source = v.source(b.sourceId);
      if (!source) throw httpError('NOT_FOUND', { what: `source ${b.sourceId}` });
      // Only the owner of a source (or a unit above it) decides who else may use it.
      if (!isWithin(source.ownerUnit, v.unitCode, v.units)) throw httpError('FORBIDDEN', { detail: `source ${b.sourceId} belongs to unit ${source.ownerUnit}; only its admins (or those above) grant it` });
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
    { schema: { ...common, summary: 'Change a source’s sharing class, grade or owner (owner’s admins only)', params: Type.Object({ id: SourceId }), body: SourcePatch, response: { 200: Type.Object({ id: Type.String() }), ...errorResponses } }, config: rule('admin-sources-update') },
    async (request) => {
      const { id } = request.params as { id: string };
      const b = request.body as { shareClass?: string; grade?: number; ownerUnit?: string };
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
}
