import type { TLSSocket } from 'node:tls';
import jwt from '@fastify/jwt';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { INDIVIDUAL_ROLES } from '../access/policy.ts';
import { PURPOSE_HEADER, parsePurpose } from '../access/purpose.ts';
import { EndedSessions } from '../access/ended-sessions.ts';
import { AccessStore } from '../access/store.ts';
import { bearerToken, type TokenClaims, TokenCache } from '../access/token-cache.ts';
import { redeemStreamTicket, streamCredentialsLapsed } from '../access/stream-tickets.ts';
import { ROLES, SOURCE_SYSTEM, type AccessRule, type Purpose, type Role, type UserInfo } from '../access/types.ts';
import { type AuthMethod, buildViewer, type Viewer } from '../access/viewer.ts';
import { SOURCE_KEY_HEADER, type SourceKeyRow, verifySourceKey } from '../repositories/source-keys.ts';
import { httpError } from '../errors.ts';

declare module '@fastify/jwt' {
  interface FastifyJWT {
    /** `tv`: the user's token version at login; a password, role, unit or disable change raises it. `sid`: the session, random at login (logout ends it). */
    payload: { sub: string; unit: string; roles: Role[]; tv: number; sid?: string };
    user: { sub: string; unit: string; roles: Role[]; tv: number; sid?: string };
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    access: AccessStore;
    /** Tokens this process verified, so each is verified once (revocation is still checked per request). */
    verifiedTokens: TokenCache;
    /** Sessions logged out of (`POST /api/auth/logout`), refused until their token expires. */
    endedSessions: EndedSessions;
  }
  interface FastifyRequest {
    /** Set by the access hook on every `/api` route before the handler runs. */
    viewer: Viewer;
    /** Filled by handlers: how many results the answer holds (audited). */
    resultCount: number | null;
    /** Identity claimed before authentication succeeded (audited on denials). */
    claimedUser: string | null;
    /** The authenticated user's unit and roles, known before authorization (audited on denials). */
    identity: { unitCode: string; roles: string[] } | null;
    /** The purpose as sent, kept for the audit trail even when it was malformed. */
    rawPurpose: string | null;
    /** The source system's key when the caller authenticated with one (ingest routes). */
    sourceKey: SourceKeyRow | null;
    /** The caller's token session, when they authenticated with a token (what logout ends). */
    session: { sid: string | null; exp: number; certificate?: string | null } | null;
  }
  interface FastifyContextConfig {
    /** Access rule of an `/api` route; a route without one (and not `public`) cannot be registered. */
    access?: AccessRule;
    /** Routes that need no login (login itself, health). */
    public?: boolean;
    /** Authenticate with a single-use `?ticket=` from `POST /api/watches/stream-ticket` instead of a token (EventSource cannot set headers). */
    streamTicket?: boolean;
    /** `shape`: the audit records the body's shape (keys, item counts, bytes), not its values (deliveries of source data). */
    auditBody?: 'shape';
  }
}

/**
 * Identity and permissions: JWT verification, client-certificate mapping, the cached governance
 * store and the `authenticate` / `authorize` steps the `/api` hook runs for every request.
 */
export default fp(
  async (app: FastifyInstance) => {
    await app.register(jwt, { secret: app.config.JWT_SECRET, sign: { expiresIn: app.config.JWT_EXPIRES_IN } });
    app.decorate('access', new AccessStore(app.graph, app.config.ACCESS_CACHE_MS));
    app.decorate('verifiedTokens', new TokenCache());
    app.decorate('endedSessions', new EndedSessions(app.redis, app.config.ACCESS_CACHE_MS));
    app.decorateRequest('viewer', null as unknown as Viewer);
    app.decorateRequest('resultCount', null);
    app.decorateRequest('claimedUser', null);
    app.decorateRequest('identity', null);
    app.decorateRequest('rawPurpose', null);
    app.decorateRequest('sourceKey', null);
    app.decorateRequest('session', null);
  },
  { name: 'onemap-access', dependencies: ['onemap-config', 'onemap-graph', 'onemap-redis'] },
);

/** The client certificate's SHA-256 fingerprint when the TLS handshake authorized one. */
export function clientCertificate(request: FastifyRequest): string | null {
  const socket = request.raw.socket as TLSSocket;
  if (!socket || typeof socket.getPeerCertificate !== 'function' || !socket.authorized) return null;
  const cert = socket.getPeerCertificate();
  return cert?.fingerprint256 ?? null;
}

/**
 * Names the caller of a request that is refused whoever asks (an unknown /api route, a URL fastify
 * refuses before routing) in its audit entry: probing is something an auditor wants to see, by
 * whom. Never throws; a caller without valid credentials stays unnamed.
 */
export async function nameProbeCaller(app: FastifyInstance, request: FastifyRequest): Promise<void> {
  if (request.headers.authorization || clientCertificate(request)) await authenticate(app, request).catch(() => undefined);
}

/**
 * Whether a token's session was logged out. Unknown (the session store unreachable) is no answer
 * to let a token through on: the request is refused, 503, and says why.
 */
async function sessionEnded(app: FastifyInstance, sid: string): Promise<boolean> {
  try {
    return await app.endedSessions.isEnded(sid);
  } catch (err) {
    // the cause goes to the log, not to the caller (it names internal addresses)
    app.log.error({ err }, 'session store unreachable');
    throw httpError('SERVICE_UNAVAILABLE', { detail: 'the session store cannot say whether this session was logged out; try again shortly' });
  }
}

/** Finds who is calling: a client certificate mapped to a user, or a bearer JWT. */
export async function authenticate(app: FastifyInstance, request: FastifyRequest): Promise<{ user: UserInfo; method: 'jwt' | 'certificate' }> {
  const fp256 = clientCertificate(request);
  if (fp256) {
    const user = await app.access.userByCertificate(fp256);
    if (!user) throw httpError('UNAUTHENTICATED', { detail: 'this client certificate is not registered to any officer' });
    request.claimedUser = user.username;
    request.identity = { unitCode: user.unitCode, roles: user.roles };
    if (user.disabled) throw httpError('UNAUTHENTICATED', { detail: 'this account is disabled' });
    return { user, method: 'certificate' };
  }
  const token = bearerToken(request.headers.authorization);
  if (!token) throw httpError('UNAUTHENTICATED', { detail: 'send Authorization: Bearer <token> from POST /api/auth/login' });
  // The signature is checked once per token (TokenCache); the user, version and disabled checks below run every time.
  // `app.jwt.verify`, not `request.jwtVerify`: a URL fastify refuses before routing has a bare request (`frameworkErrors`).
  let claims: TokenClaims | null = app.verifiedTokens.get(token);
  if (!claims) {
    try {
      claims = app.jwt.verify<TokenClaims & { unit: string; roles: Role[] }>(token);
    } catch (e) {
      throw httpError('UNAUTHENTICATED', { detail: `invalid or expired token (${(e as Error).message})` });
    }
    app.verifiedTokens.set(token, claims);
  }
  request.claimedUser = claims.sub;
  const user = await app.access.user(claims.sub);
  if (!user || user.disabled) throw httpError('UNAUTHENTICATED', { detail: 'this account no longer exists or is disabled' });
  // Costs nothing extra: the user is read (and cached for ACCESS_CACHE_MS) for every request anyway.
  if (claims.tv !== user.tokenVersion) throw httpError('UNAUTHENTICATED', { detail: 'this token was issued before a password, role, unit or account change; log in again' });
  const sid = typeof claims.sid === 'string' ? claims.sid : null;
  if (sid && (await sessionEnded(app, sid))) throw httpError('UNAUTHENTICATED', { detail: 'this session was logged out; log in again' });
  request.session = { sid, exp: claims.exp ?? 0 };
  request.identity = { unitCode: user.unitCode, roles: user.roles };
  return { user, method: 'jwt' };
}

/**
 * Authenticates a source system by its key (`x-onemap-source-key`), read from the graph on every
 * request so a revoked key stops at once. The viewer is the issuing unit's, with no user role;
 * which sources the key may deliver is checked by the route against `request.sourceKey`.
 */
export async function authenticateSource(app: FastifyInstance, request: FastifyRequest): Promise<Viewer> {
  const raw = request.headers[SOURCE_KEY_HEADER];
  const key = typeof raw === 'string' ? await verifySourceKey(app.graph, raw) : null;
  if (!key) throw httpError('UNAUTHENTICATED', { detail: `the key in ${SOURCE_KEY_HEADER} is malformed, unknown or revoked` });
  const username = `source-key:${key.id}`;
  request.claimedUser = username;
  request.identity = { unitCode: key.unitCode, roles: [SOURCE_SYSTEM] };
  request.sourceKey = key;
  const principal: UserInfo = { username, displayName: key.name, unitCode: key.unitCode, roles: [], passwordHash: '', certFingerprint: null, disabled: false, tokenVersion: 0 };
  return viewerOf(app, principal, [], 'source_key', null);
}

/**
 * Finds who is calling a stream route: the single-use ticket in `?ticket=` stands for a user and a
 * purpose; the user is read again (disabled since the ticket was issued: refused).
 */
export async function authenticateTicket(app: FastifyInstance, request: FastifyRequest): Promise<{ user: UserInfo; method: 'jwt'; purpose: Purpose }> {
  const q = request.query as Record<string, unknown> | undefined;
  const ticket = typeof q?.ticket === 'string' ? await redeemStreamTicket(app.redis, q.ticket) : null;
  if (!ticket) throw httpError('UNAUTHENTICATED', { detail: 'open the stream with a fresh ticket from POST /api/watches/stream-ticket (single use, 30 s)' });
  request.claimedUser = ticket.username;
  const user = await app.access.user(ticket.username);
  if (!user || user.disabled) throw httpError('UNAUTHENTICATED', { detail: 'this account no longer exists or is disabled' });
  if (ticket.tokenVersion !== user.tokenVersion) throw httpError('UNAUTHENTICATED', { detail: 'this ticket was issued before a password, role, unit or account change; log in again' });
  if (ticket.sid && (await sessionEnded(app, ticket.sid))) throw httpError('UNAUTHENTICATED', { detail: 'the session this ticket was issued to was logged out; log in again' });
  const lapsed = streamCredentialsLapsed(ticket, user);
  if (lapsed) throw httpError('UNAUTHENTICATED', { detail: `${lapsed}; log in again` });
  // what a stream it opens checks on every event: the token's session, its expiry, the certificate
  request.session = { sid: ticket.sid ?? null, exp: Math.ceil(ticket.until / 1000), certificate: ticket.certificate ?? null };
  request.identity = { unitCode: user.unitCode, roles: user.roles };
  return { user, method: 'jwt', purpose: ticket.purpose };
}

/**
 * Checks the route's rule against the user — role, purpose — and builds the request's viewer.
 * Denials throw (401/403/428) and are audited like any other answer.
 */
export async function authorize(app: FastifyInstance, request: FastifyRequest, rule: AccessRule, user: UserInfo, method: 'jwt' | 'certificate', given?: Purpose): Promise<Viewer> {
  const roles = user.roles.filter((r): r is Role => (ROLES as readonly string[]).includes(r));
  if (!rule.roles.some((r) => (roles as string[]).includes(r))) {
    throw httpError('FORBIDDEN', { detail: `${rule.action} needs role ${rule.roles.join(' or ')}; you hold ${roles.join(', ') || 'none'}` });
  }
  // The purpose comes in its header only: a URL's `?purpose=` let another site's page state one
  // in a link or an <img> a browser with a client certificate would follow (refuseCrossSite).
  const raw = given ? JSON.stringify(given) : (request.headers[PURPOSE_HEADER] as string | undefined);
  request.rawPurpose = raw ?? null;
  let purpose: Purpose | null = null;
  // A purpose opens the grants for individual-level work only to those who do it (officers,
  // analysts): a planner's or admin's purpose on a route where it is optional is not taken, so
  // they read what they read without one (aggregates, their own and unconditional sources).
  const individual = roles.some((r) => INDIVIDUAL_ROLES.includes(r));
  if (rule.purpose === true || (rule.purpose === 'optional' && raw !== undefined && individual)) {
    purpose = given ?? parsePurpose(raw);
    if (!purpose) {
      throw httpError('PURPOSE_REQUIRED', {
        detail: `state why in header ${PURPOSE_HEADER}: URI-encoded JSON {"kind":"criminal_case","caseNumber":"A620102…","text":"…"}`,
      });
    }
    if (purpose.kind === 'statistics') throw httpError('PURPOSE_REQUIRED', { detail: 'statistics is not a purpose for individual-level queries' });
  }
  return viewerOf(app, user, roles, method, purpose);
}

/**
 * The viewer of a user as the governance data says now (units, sources, grants): built once per
 * governance snapshot, caller and purpose (`AccessStore.viewer`), and checked again per streamed event.
 */
export async function viewerOf(app: FastifyInstance, user: UserInfo, roles: Role[], method: AuthMethod, purpose: Purpose | null): Promise<Viewer> {
  const snap = await app.access.snapshot();
  const key = JSON.stringify([user.username, user.displayName, user.unitCode, roles, method, purpose, app.config.K_ANONYMITY]);
  return app.access.viewer(snap, key, () =>
    buildViewer({
      username: user.username,
      displayName: user.displayName,
      unitCode: user.unitCode,
      roles,
      authMethod: method,
      purpose,
      units: snap.units,
      sources: snap.sources,
      grants: snap.grants,
      authority: snap.authority,
      kAnonymity: app.config.K_ANONYMITY,
    }),
  );
}
