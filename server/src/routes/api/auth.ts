import { Type } from '@sinclair/typebox';
import bcrypt from 'bcryptjs';
import type { FastifyInstance } from 'fastify';
import { ROLES } from '../../access/types.ts';
import { httpError } from '../../errors.ts';
import { errorResponses } from '../../schemas/common.ts';

const LoginBody = Type.Object(
  { username: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9._-]+$' }), password: Type.String({ minLength: 1, maxLength: 200 }) },
  { additionalProperties: false },
);
const LoginResponse = Type.Object({
  token: Type.String(),
  user: Type.Object({ username: Type.String(), displayName: Type.String(), unitCode: Type.String(), roles: Type.Array(Type.String()) }),
});
const Me = Type.Object({
  username: Type.String(),
  displayName: Type.String(),
  unitCode: Type.String(),
  unitName: Type.String(),
  unitLevel: Type.String(),
  roles: Type.Array(Type.String()),
  authMethod: Type.String(),
  visibleSources: Type.Array(Type.String(), { description: 'sources visible for aggregates (purpose kind statistics)' }),
});

// A constant hash compared against when the user does not exist, so timing does not reveal usernames.
const DUMMY_HASH = bcrypt.hashSync('onemap-no-such-user', 10);

/** Login (JWT) and who-am-I. */
export default async function authRoutes(app: FastifyInstance) {
  app.post(
    '/login',
    {
      schema: { tags: ['auth'], summary: 'Exchange username and password for a JWT', body: LoginBody, response: { 200: LoginResponse, ...errorResponses } },
      config: { public: true, rateLimit: { max: 20, timeWindow: '1 minute' } },
    },
    async (request) => {
      const { username, password } = request.body as { username: string; password: string };
      request.claimedUser = username;
      const user = await app.access.user(username);
      const ok = await bcrypt.compare(password, user?.passwordHash ?? DUMMY_HASH);
      if (!user || !ok || user.disabled) throw httpError('UNAUTHENTICATED', { detail: 'wrong username or password' });
      const roles = user.roles.filter((r) => (ROLES as readonly string[]).includes(r));
      const token = app.jwt.sign({ sub: user.username, unit: user.unitCode, roles, tv: user.tokenVersion });
      request.resultCount = 1;
      return { token, user: { username: user.username, displayName: user.displayName, unitCode: user.unitCode, roles } };
    },
  );

  app.get(
    '/me',
    {
      schema: { tags: ['auth'], summary: 'The caller, their unit and what they may see', security: [{ bearer: [] }], response: { 200: Me, ...errorResponses } },
      config: { access: { roles: ROLES, purpose: false, action: 'me' } },
    },
    async (request) => {
      const v = request.viewer;
      request.resultCount = 1;
      return { username: v.username, displayName: v.displayName, unitCode: v.unitCode, unitName: v.unitName, unitLevel: v.unitLevel, roles: v.roles, authMethod: v.authMethod, visibleSources: v.visibleSources };
    },
  );
}
