/** TypeBox schemas of `/api/admin`: units, users, grants and sources. */
import { type Static, Type } from '@sinclair/typebox';
import { PURPOSE_KINDS, ROLES } from '../access/types.ts';
import { IsoTime, ListOf } from './common.ts';

const UnitCode = Type.String({ pattern: '^\\d{6}$|^\\d{9}$' });
const SourceId = Type.String({ pattern: '^[a-z][a-z0-9_]{1,40}$' });
const RoleName = Type.Union(ROLES.map((r) => Type.Literal(r)));
const PurposeKindName = Type.Union(PURPOSE_KINDS.map((k) => Type.Literal(k)));
const Password = Type.String({ minLength: 10, maxLength: 200 });
const Fingerprint = Type.String({ pattern: '^([0-9A-F]{2}:){31}[0-9A-F]{2}$', description: 'SHA-256 fingerprint of the officer’s client certificate' });
const UnitLevel = Type.Union([Type.Literal('province'), Type.Literal('city'), Type.Literal('county'), Type.Literal('station')]);

export const Unit = Type.Object({ code: Type.String(), name: Type.String(), level: Type.String(), parent: Type.Union([Type.String(), Type.Null()]) });
export const UnitList = ListOf(Unit);
export const UnitBody = Type.Object(
  {
    units: Type.Array(
      Type.Object({ code: UnitCode, name: Type.String({ minLength: 1, maxLength: 100 }), level: UnitLevel, parent: Type.Union([UnitCode, Type.Null()]) }, { additionalProperties: false }),
      { minItems: 1, maxItems: 1000 },
    ),
  },
  { additionalProperties: false },
);
export type UnitBody = Static<typeof UnitBody>;
export const UpsertedAnswer = Type.Object({ upserted: Type.Integer() });

export const User = Type.Object({ username: Type.String(), displayName: Type.String(), unitCode: Type.String(), roles: Type.Array(Type.String()), disabled: Type.Boolean(), hasCertificate: Type.Boolean() });
export type User = Static<typeof User>;
export const UserList = ListOf(User);
export const UserBody = Type.Object(
  {
    username: Type.String({ minLength: 3, maxLength: 64, pattern: '^[A-Za-z0-9._-]+$' }),
    displayName: Type.String({ minLength: 1, maxLength: 100 }),
    unitCode: UnitCode,
    roles: Type.Array(RoleName, { minItems: 1, maxItems: 5, uniqueItems: true }),
    password: Password,
    certFingerprint: Type.Optional(Fingerprint),
  },
  { additionalProperties: false },
);
export type UserBody = Static<typeof UserBody>;
export const UserParams = Type.Object({ username: Type.String({ pattern: '^[A-Za-z0-9._-]{1,64}$' }) });
export const UserPatch = Type.Object(
  {
    disabled: Type.Optional(Type.Boolean()),
    roles: Type.Optional(Type.Array(RoleName, { minItems: 1, maxItems: 5, uniqueItems: true })),
    password: Type.Optional(Password),
    /** Move the user to another unit of the admin's subtree. */
    unitCode: Type.Optional(UnitCode),
    certFingerprint: Type.Optional(Type.Union([Fingerprint, Type.Null()])),
  },
  { additionalProperties: false },
);
export const UsernameAnswer = Type.Object({ username: Type.String() });

export const GrantBody = Type.Object(
  {
    unitCode: UnitCode,
    sourceId: SourceId,
    purposes: Type.Array(PurposeKindName, { minItems: 1, maxItems: 6, uniqueItems: true }),
    expiresAt: Type.String({ pattern: IsoTime.pattern, 'x-calendar-date': true, 'x-future': true, description: 'ISO 8601 time in the future' }),
    fields: Type.Array(Type.String({ pattern: '^(\\*|[A-Za-z]{1,40})$' }), { maxItems: 30, default: [] }),
  },
  { additionalProperties: false },
);
export type GrantBody = Static<typeof GrantBody>;
export const Grant = Type.Object({
  id: Type.String(),
  unitCode: Type.String(),
  sourceId: Type.String(),
  purposes: Type.Array(Type.String()),
  expiresAt: Type.String(),
  fields: Type.Array(Type.String()),
  createdBy: Type.Optional(Type.String()),
  createdAt: Type.Optional(Type.String()),
});
export type Grant = Static<typeof Grant>;
export const GrantList = ListOf(Grant);
export const GrantParams = Type.Object({ id: Type.String({ pattern: '^G-[0-9a-f-]{36}$' }) });

export const SourceIdParams = Type.Object({ id: SourceId });
export const SourcePatch = Type.Object(
  {
    shareClass: Type.Optional(Type.Union([Type.Literal('unconditional'), Type.Literal('conditional'), Type.Literal('none')])),
    grade: Type.Optional(Type.Integer({ minimum: 1, maximum: 4 })),
    ownerUnit: Type.Optional(UnitCode),
  },
  { additionalProperties: false },
);
export const IdAnswer = Type.Object({ id: Type.String() });
