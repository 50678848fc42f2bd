/** TypeBox schemas of `/api/auth`: login, logout and who-am-I. */
import { type Static, Type } from '@sinclair/typebox';

export const LoginBody = Type.Object(
  { username: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9._-]+$' }), password: Type.String({ minLength: 1, maxLength: 200 }) },
  { additionalProperties: false },
);
export type LoginBody = Static<typeof LoginBody>;

export const LoginAnswer = Type.Object({
  token: Type.String(),
  user: Type.Object({ username: Type.String(), displayName: Type.String(), unitCode: Type.String(), roles: Type.Array(Type.String()) }),
});
export type LoginAnswer = Static<typeof LoginAnswer>;

export const MeAnswer = Type.Object({
  username: Type.String(),
  displayName: Type.String(),
  unitCode: Type.String(),
  unitName: Type.String(),
  unitLevel: Type.String(),
  roles: Type.Array(Type.String()),
  authMethod: Type.String(),
  visibleSources: Type.Array(Type.String(), { description: 'sources visible for aggregates (purpose kind statistics)' }),
});
export type MeAnswer = Static<typeof MeAnswer>;

export const LogoutAnswer = Type.Object({
  ended: Type.Union([Type.Literal('session'), Type.Literal('every session')], {
    description: '`session`: this token\'s session; `every session`: a token signed before sessions were named (2026-12-07) ends every session of the account',
  }),
});
export type LogoutAnswer = Static<typeof LogoutAnswer>;
