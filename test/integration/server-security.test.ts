/**
 * Transport-level protections: login and tokens, disabled accounts, rate limiting, security
 * headers, CORS, and the client-certificate mode (one certificate, one officer).
 */
import { execFileSync } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { type Graph, readTx, writeTx } from '@onemap/graph-schema/server';
import type { FastifyInstance } from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import { as, buildTestApp, purposeHeader, useServerApp } from '../helpers/server-app.ts';
import { E, PASSWORD, username } from '../helpers/server-fixtures.ts';

let graph: Graph;
let app: FastifyInstance;
useServerApp({ RATE_LIMIT_PER_MINUTE: 1_000_000 }, (s) => {
  ({ app, graph } = s);
});

describe('login and tokens', () => {
  it('a user logs in with a password and uses the token', async () => {
    const login = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: username('station', 'officer'), password: PASSWORD } });
    expect(login.statusCode).toBe(200);
    const { token, user } = login.json();
    expect(user).toMatchObject({ unitCode: '620102001', roles: ['officer'] });
    const me = await app.inject({ url: '/api/auth/me', headers: { authorization: `Bearer ${token}` } });
    expect(me.json()).toMatchObject({ username: username('station', 'officer'), unitLevel: 'station', authMethod: 'jwt' });
  });

  it('a wrong password and an unknown user get the same 401', async () => {
    const a = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: username('station', 'officer'), password: 'nope-nope-nope' } });
    const b = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'nobody_here', password: 'nope-nope-nope' } });
    expect(a.statusCode).toBe(401);
    expect(a.json()).toEqual(b.json());
  });

  it('a forged or tampered token is refused', async () => {
    const good = app.jwt.sign({ sub: username('station', 'officer'), unit: '620102001', roles: ['officer'], tv: 0 });
    const [h, p, s] = good.split('.');
    const claims = JSON.parse(Buffer.from(p as string, 'base64url').toString());
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...claims, sub: username('province', 'officer') })).toString('base64url')}.${s}`;
    for (const t of [forged, 'not.a.token', `${good}x`]) {
      const res = await app.inject({ url: '/api/auth/me', headers: { authorization: `Bearer ${t}` } });
      expect(res.statusCode).toBe(401);
      expect(res.json().code).toBe('ONEMAP_ERR_UNAUTHENTICATED');
    }
  });

  it('a disabled user is refused at once, even with a valid token', async () => {
    const me = as(app, 'otherCity', 'officer');
    expect((await me({ url: '/api/auth/me' })).statusCode).toBe(200);
    const admin = as(app, 'province', 'admin', null);
    const res = await admin({ method: 'PATCH', url: `/api/admin/users/${username('otherCity', 'officer')}`, payload: { disabled: true } });
    expect(res.statusCode).toBe(200);
    expect((await me({ url: '/api/auth/me' })).statusCode).toBe(401);
  });

  it('the role a token claims is ignored: roles come from the user record', async () => {
    const t = app.jwt.sign({ sub: username('county', 'planner'), unit: '620000', roles: ['officer', 'admin'], tv: 0 });
    const res = await app.inject({ url: `/api/entities/${E.P1}`, headers: { authorization: `Bearer ${t}`, ...purposeHeader() } });
    expect(res.statusCode).toBe(403);
  });
});

describe('rate limiting, headers, CORS', () => {
  it('answers 429 with a message after the per-minute limit', async () => {
    const small = await buildTestApp({ RATE_LIMIT_PER_MINUTE: 5 });
    try {
      const codes: number[] = [];
      for (let i = 0; i < 8; i++) codes.push((await as(small, 'station', 'officer')({ url: '/api/auth/me' })).statusCode);
      expect(codes.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
      expect(codes.slice(5)).toEqual([429, 429, 429]);
      const res = await as(small, 'station', 'officer')({ url: '/api/auth/me' });
      expect(res.json().code).toBe('ONEMAP_ERR_RATE_LIMITED');
      expect(res.headers['retry-after']).toBeDefined();
    } finally {
      await small.close();
    }
  });

  it('counts requests refused before their route too: no token (401), an unknown route (404), another site (403)', async () => {
    const small = await buildTestApp({ RATE_LIMIT_PER_MINUTE: 5 });
    try {
      const from = { remoteAddress: '10.7.7.7' };
      const codes: number[] = [];
      codes.push((await small.inject({ url: '/api/auth/me', ...from })).statusCode);
      codes.push((await small.inject({ url: '/api/auth/me', headers: { authorization: 'Bearer not-a-token' }, ...from })).statusCode);
      codes.push((await small.inject({ url: '/api/no-such-route', ...from })).statusCode);
      codes.push((await small.inject({ url: '/api/auth/me', headers: { 'sec-fetch-site': 'cross-site' }, ...from })).statusCode);
      codes.push((await small.inject({ url: '/api/auth/me', ...from })).statusCode);
      expect(codes).toEqual([401, 401, 404, 403, 401]);
      const probe = `flood-${Date.now()}-${Math.random().toString(36).slice(2)}`;
      const over = await small.inject({ url: `/api/auth/me?probe=${probe}`, headers: { authorization: 'Bearer not-a-token' }, ...from });
      expect(over.statusCode).toBe(429);
      expect(over.json().code).toBe('ONEMAP_ERR_RATE_LIMITED');
      expect(Number(over.headers['retry-after'])).toBeGreaterThan(0);
      // the rest of the flood is refused without an audit entry each (a write per refusal would limit nothing)
      for (let i = 0; i < 3; i++) expect((await small.inject({ url: `/api/auth/me?probe=${probe}`, ...from })).statusCode).toBe(429);
      const audited = await readTx(graph, async (tx) =>
        Number((await tx.run('MATCH (a:AuditEntry) WHERE a.status = 429 AND a.paramsJson CONTAINS $probe RETURN count(a) AS n', { probe })).records[0]?.get('n')),
      );
      expect(audited).toBe(1);
      // another address is not held by it
      expect((await small.inject({ url: '/api/auth/me', remoteAddress: '10.7.7.8' })).statusCode).toBe(401);
    } finally {
      await small.close();
    }
  });

  it('login has its own, stricter limit', async () => {
    const codes: number[] = [];
    for (let i = 0; i < 22; i++) codes.push((await app.inject({ method: 'POST', url: '/api/auth/login', remoteAddress: '10.9.9.9', payload: { username: 'brute', password: `guess-${i}` } })).statusCode);
    expect(codes.filter((c) => c === 429).length).toBeGreaterThan(0);
  });

  it('failed logins are counted per account across addresses: the right password waits too, other accounts do not', async () => {
    const small = await buildTestApp({ RATE_LIMIT_PER_MINUTE: 1_000_000, LOGIN_FAILURES_PER_ACCOUNT: 3, LOGIN_LOCK_SECONDS: 60 });
    const target = username('station', 'officer');
    const login = (name: string, password: string, i: number) =>
      small.inject({ method: 'POST', url: '/api/auth/login', remoteAddress: `10.8.0.${i}`, payload: { username: name, password } });
    try {
      await small.redis.del(await lockKeys(small)); // the earlier tests' wrong passwords counted too
      // Three guesses from three addresses: each under the per-client limit.
      for (let i = 1; i <= 3; i++) expect((await login(target, `guess-${i}`, i)).statusCode).toBe(401);
      const locked = await login(target.toUpperCase(), PASSWORD, 4);
      expect(locked.statusCode).toBe(429);
      expect(locked.json().code).toBe('ONEMAP_ERR_RATE_LIMITED');
      expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
      expect((await login(target, PASSWORD, 5)).statusCode).toBe(429);
      // Another account is not affected; an unknown name is counted alike (no hint that it exists).
      expect((await login(username('county', 'planner'), PASSWORD, 6)).statusCode).toBe(200);
      for (let i = 7; i <= 9; i++) expect((await login('nobody_at_all', `guess-${i}`, i)).statusCode).toBe(401);
      expect((await login('nobody_at_all', 'guess', 10)).statusCode).toBe(429);
    } finally {
      await small.redis.del(await lockKeys(small));
      await small.close();
    }
    // Once the count is gone the right password works again, and a success clears the count.
    expect((await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: target, password: PASSWORD } })).statusCode).toBe(200);
  });

  it('sends security headers', async () => {
    const res = await as(app, 'station', 'officer')({ url: '/api/auth/me' });
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(res.headers['strict-transport-security']).toContain('max-age=');
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.headers['x-powered-by']).toBeUndefined();
  });

  it('CORS admits the configured web origin and no other', async () => {
    const ok = await app.inject({ method: 'OPTIONS', url: '/api/search', headers: { origin: 'http://127.0.0.1:5173', 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization,x-onemap-purpose' } });
    expect(ok.headers['access-control-allow-origin']).toBe('http://127.0.0.1:5173');
    expect(String(ok.headers['access-control-allow-headers'])).toContain('x-onemap-purpose');
    const evil = await app.inject({ method: 'OPTIONS', url: '/api/search', headers: { origin: 'https://evil.example', 'access-control-request-method': 'GET' } });
    expect(evil.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('a 500 never carries internals', async () => {
    const res = await as(app, 'province', 'auditor', null)({ url: '/api/audit/entries?limit=1' });
    expect(res.statusCode).toBe(200);
    expect(res.body).not.toContain('at ');
  });
});

async function lockKeys(a: FastifyInstance): Promise<string[]> {
  const keys = await a.redis.keys('onemap:login-failures:*');
  return keys.length ? keys : ['onemap:login-failures:none'];
}

describe('client-certificate mode (一人一证)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'onemap-tls-'));
  const run = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  let server: FastifyInstance | null = null;
  let fingerprint = '';
  let port = 0;
  afterAll(async () => {
    await server?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  /** A request over TLS, with the client certificate of `who` (or none) and the headers given. */
  const call = (who: string | null, method = 'GET', url = '/api/auth/me', headers: Record<string, string> = {}) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = https.request(
        {
          host: '127.0.0.1',
          port,
          method,
          path: url,
          headers,
          ca: fs.readFileSync(path.join(dir, 'server.crt')),
          ...(who ? { cert: fs.readFileSync(path.join(dir, `${who}.crt`)), key: fs.readFileSync(path.join(dir, `${who}.key`)) } : {}),
        },
        (res) => {
          let body = '';
          res.on('data', (c) => (body += c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on('error', reject);
      req.end();
    });
  const get = (who: string | null) => call(who);

  it('maps a certificate issued by the CA to exactly one officer, and an unknown one to nobody', async () => {
    run(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', '/CN=OneMap Test CA']);
    run(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.crt', '-days', '2', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1']);
    for (const who of ['officer', 'stranger']) {
      run(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${who}.key`, '-out', `${who}.csr`, '-subj', `/CN=${who}`]);
      run(['x509', '-req', '-in', `${who}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${who}.crt`, '-days', '2']);
    }
    fingerprint = new X509Certificate(fs.readFileSync(path.join(dir, 'officer.crt'))).fingerprint256;
    await writeTx(graph, (tx) => tx.run('MATCH (u:User {username: $u}) SET u.certFingerprint = $fp', { u: username('station', 'officer'), fp: fingerprint }));
    server = await buildTestApp({ TLS_CERT_FILE: path.join(dir, 'server.crt'), TLS_KEY_FILE: path.join(dir, 'server.key'), TLS_CA_FILE: path.join(dir, 'ca.crt') });
    await server.listen({ host: '127.0.0.1', port: 0 });
    port = (server.server.address() as { port: number }).port;
    const officer = await get('officer');
    expect(officer.status).toBe(200);
    expect(JSON.parse(officer.body)).toMatchObject({ username: username('station', 'officer'), authMethod: 'certificate' });
    const stranger = await get('stranger');
    expect(stranger.status).toBe(401);
    expect(JSON.parse(stranger.body).message).toContain('not registered');
    expect((await get(null)).status).toBe(401);
    expect(createHash('sha256').update('x').digest('hex')).toHaveLength(64);
  });

  it('logging out on a terminal with a certificate ends the session of the token sent beside it; the certificate alone has none to end', async () => {
    const login = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: username('station', 'officer'), password: PASSWORD } });
    const token = login.json().token as string;
    expect((await call('officer', 'POST', '/api/auth/logout')).status).toBe(400);
    const out = await call('officer', 'POST', '/api/auth/logout', { authorization: `Bearer ${token}` });
    expect(out.status, out.body).toBe(200);
    expect(JSON.parse(out.body)).toEqual({ ended: 'session' });
    const after = await app.inject({ url: '/api/auth/me', headers: { authorization: `Bearer ${token}` } });
    expect(after.statusCode).toBe(401);
    expect(after.json().message).toContain('logged out');
    // the certificate still works: it is no session
    expect((await call('officer')).status).toBe(200);
  });

  it('one certificate cannot be registered to two users', async () => {
    const err = await writeTx(graph, (tx) => tx.run('MATCH (u:User {username: $u}) SET u.certFingerprint = $fp', { u: username('county', 'officer'), fp: fingerprint })).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/already exists|constraint/i);
  });
});
