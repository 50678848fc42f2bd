import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import bcrypt from 'bcryptjs';
import { LoginThrottle } from '../../access/login-throttle.ts';
import { bearerToken, type TokenClaims } from '../../access/token-cache.ts';
import { ROLES } from '../../access/types.ts';
import { httpError } from '../../errors.ts';
import { endEverySession } from '../../repositories/governance.ts';
import { LoginAnswer, LoginBody, LogoutAnswer, MeAnswer } from '../../schemas/auth.ts';
import { errorAnswers } from '../../schemas/common.ts';

// A constant hash compared against when the user does not exist, so timing does not reveal usernames.
const DUMMY_HASH = bcrypt.hashSync('onemap-no-such-user', 10);

/** Login (JWT), logout and who-am-I. */
const authRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const throttle = new LoginThrottle(app.redis, app.config.LOGIN_FAILURES_PER_ACCOUNT, app.config.LOGIN_LOCK_SECONDS);
  app.post(
    '/login',
    {
      schema: { tags: ['auth'], summary: 'Exchange username and password for a JWT', body: LoginBody, response: { 200: LoginAnswer, ...errorAnswers({ public: true, body: true, also: [401] }) } },
      config: { public: true, rateLimit: { max: 20, timeWindow: '1 minute' } },
    },
    async (request, reply) => {
      const { username, password } = request.body;
      request.claimedUser = username;
      const wait = await throttle.attempt(username);
      if (wait > 0) {
        reply.header('retry-after', String(wait));
        throw httpError('RATE_LIMITED', { detail: `too many failed logins for this account; try again in ${wait} s` });
      }
      const user = await app.access.user(username);
      const ok = await bcrypt.compare(password, user?.passwordHash ?? DUMMY_HASH);
      if (!user || !ok || user.disabled) {
        throw httpError('UNAUTHENTICATED', { detail: 'wrong username or password' });
      }
      await throttle.succeeded(username);
      const roles = user.roles.filter((r) => (ROLES as readonly string[]).includes(r));
      const token = app.jwt.sign({ sub: user.username, unit: user.unitCode, roles, tv: user.tokenVersion, sid: randomUUID() });
      request.resultCount = 1;
      return { token, user: { username: user.username, displayName: user.displayName, unitCode: user.unitCode, roles } };
    },
  );

  app.post(
    '/logout',
    {
      schema: {
        tags: ['auth'],
        summary: 'End this token\'s session on every server: the token is refused from now on (the account\'s other sessions stay)',
        security: [{ bearer: [] }],
        response: { 200: LogoutAnswer, ...errorAnswers({ also: [400] }) },
      },
      config: { access: { roles: ROLES, purpose: false, action: 'logout' } },
    },
    async (request) => {
      const session = request.session ?? bearerSession(request.headers.authorization, request.viewer.username);
      if (!session) throw httpError('VALIDATION', { detail: 'a client certificate is no session to end: remove the certificate from the browser or have an admin unregister it' });
      request.resultCount = 1;
      if (session.sid) {
        await app.endedSessions.end(session.sid, session.exp);
        return { ended: 'session' as const };
      }
      // A token signed before tokens named their session: only ending every session ends this one.
      await endEverySession(app.graph, request.viewer.username);
      app.access.invalidate();
      return { ended: 'every session' as const };
    },
  );

  /**
   * The session of a token sent beside a client certificate (the certificate authenticated the
   * request): a user who logged in with a password on a terminal holding a certificate still ends
   * the token's session. Only a valid token of the certificate's own user counts.
   */
  function bearerSession(header: string | undefined, username: string): { sid: string | null; exp: number } | null {
    const token = bearerToken(header);
    if (!token) return null;
    try {
      const claims = app.jwt.verify<TokenClaims>(token);
      return claims.sub === username ? { sid: typeof claims.sid === 'string' ? claims.sid : null, exp: claims.exp ?? 0 } : null;
    } catch {
      return null;
    }
  }

  app.get(
    '/me',
    {
      schema: { tags: ['auth'], summary: 'The caller, their unit and what they may see', security: [{ bearer: [] }], response: { 200: MeAnswer, ...errorAnswers() } },
      config: { access: { roles: ROLES, purpose: false, action: 'me' } },
    },
    async (request) => {
      const v = request.viewer;
      request.resultCount = 1;
      return { username: v.username, displayName: v.displayName, unitCode: v.unitCode, unitName: v.unitName, unitLevel: v.unitLevel, roles: v.roles, authMethod: v.authMethod, visibleSources: v.visibleSources };
    },
  );
};
export default authRoutes;
