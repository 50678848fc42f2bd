/**
 * Issue 12 item 13: a password change, role change, unit move or disable revokes the tokens the
 * user held before it (the user's tokenVersion, checked on every request with the user record the
 * access layer reads anyway). The process that made the change refuses them at once; another
 * server process within ACCESS_CACHE_MS.
 */
import { type Graph, readTx } from '@onemap/graph-schema/server';
import type { FastifyInstance } from 'fastify';
import { describe, expect, it } from 'vitest';
import { as, buildTestApp, purposeHeader, useServerApp } from '../helpers/server-app.ts';
import { PASSWORD, username } from '../helpers/server-fixtures.ts';

let graph: Graph;
let app: FastifyInstance;
useServerApp({ RATE_LIMIT_PER_MINUTE: 1_000_000 }, (s) => {
  ({ app, graph } = s);
});

let loginAddress = 0;
async function login(server: FastifyInstance, user: string, password = PASSWORD): Promise<string> {
  loginAddress += 1;
  const res = await server.inject({
    method: 'POST',
    url: '/api/auth/login',
    remoteAddress: `10.13.0.${loginAddress}`,
    payload: { username: user, password },
  });
  expect(res.statusCode).toBe(200);
  return res.json().token as string;
}
const me = (server: FastifyInstance, token: string) =>
  server.inject({ url: '/api/auth/me', headers: { authorization: `Bearer ${token}` } });
const cityAdmin = () => as(app, 'city', 'admin', null);

describe('a change to a user revokes the tokens issued before it', () => {
  it('a token issued before a password reset is refused after it; the new password gives a working token', async () => {
    const name = username('station', 'officer');
    const before = await login(app, name);
    expect((await me(app, before)).statusCode).toBe(200);
    const reset = await cityAdmin()({
      method: 'PATCH',
      url: `/api/admin/users/${name}`,
      payload: { password: 'a-new-password-1' },
    });
    expect(reset.statusCode).toBe(200);
    const res = await me(app, before);
    expect(res.statusCode).toBe(401);
    expect(res.json().code).toBe('ONEMAP_ERR_UNAUTHENTICATED');
    expect(res.json().message).toContain('log in again');
    const after = await login(app, name, 'a-new-password-1');
    expect((await me(app, after)).statusCode).toBe(200);
  });

  it('a token issued before a role change is refused after it', async () => {
    const name = username('station', 'analyst');
    const before = await login(app, name);
    expect(
      (await cityAdmin()({ method: 'PATCH', url: `/api/admin/users/${name}`, payload: { roles: ['officer'] } }))
        .statusCode,
    ).toBe(200);
    expect((await me(app, before)).statusCode).toBe(401);
    const after = await login(app, name);
    expect((await me(app, after)).json().roles).toEqual(['officer']);
  });

  it('a token issued before a unit move is refused after it', async () => {
    const name = username('otherCounty', 'officer');
    const before = await login(app, name);
    expect(
      (await cityAdmin()({ method: 'PATCH', url: `/api/admin/users/${name}`, payload: { unitCode: '620104' } }))
        .statusCode,
    ).toBe(200);
    expect((await me(app, before)).statusCode).toBe(401);
  });

  it('a token issued before a disable stays refused after the account is enabled again', async () => {
    const name = username('wrongPurposeCounty', 'officer');
    const before = await login(app, name);
    expect(
      (await cityAdmin()({ method: 'PATCH', url: `/api/admin/users/${name}`, payload: { disabled: true } })).statusCode,
    ).toBe(200);
    expect((await me(app, before)).statusCode).toBe(401);
    expect(
      (await cityAdmin()({ method: 'PATCH', url: `/api/admin/users/${name}`, payload: { disabled: false } }))
        .statusCode,
    ).toBe(200);
    expect((await me(app, before)).statusCode).toBe(401);
    expect((await me(app, await login(app, name))).statusCode).toBe(200);
  });

  it('a change that cuts no rights (the same roles again) keeps the tokens valid', async () => {
    const name = username('station', 'planner');
    const before = await login(app, name);
    expect(
      (await cityAdmin()({ method: 'PATCH', url: `/api/admin/users/${name}`, payload: { roles: ['planner'] } }))
        .statusCode,
    ).toBe(200);
    expect((await me(app, before)).statusCode).toBe(200);
  });

  it('a token without a version, signed before this rule, is refused', async () => {
    const legacy = app.jwt.sign({ sub: username('station', 'auditor'), unit: '', roles: [] } as never);
    expect((await me(app, legacy)).statusCode).toBe(401);
  });
});

describe('with the access cache on', () => {
  it('the process that made the change refuses the old token at once; another process within ACCESS_CACHE_MS', async () => {
    const name = username('county', 'auditor');
    const cacheMs = 1500;
    const changing = await buildTestApp({ ACCESS_CACHE_MS: 60_000, RATE_LIMIT_PER_MINUTE: 1_000_000 });
    const other = await buildTestApp({ ACCESS_CACHE_MS: cacheMs, RATE_LIMIT_PER_MINUTE: 1_000_000 });
    try {
      const before = await login(changing, name);
      // Both processes now hold the user in their caches.
      expect((await me(changing, before)).statusCode).toBe(200);
      expect((await me(other, before)).statusCode).toBe(200);
      const reset = await as(
        changing,
        'city',
        'admin',
        null,
      )({ method: 'PATCH', url: `/api/admin/users/${name}`, payload: { password: 'a-new-password-2' } });
      expect(reset.statusCode).toBe(200);
      const version = await readTx(graph, async (tx) =>
        (await tx.run('MATCH (u:User {username: $name}) RETURN u.tokenVersion AS v', { name })).records[0]?.get('v'),
      );
      expect(version).toBe(1);
      expect((await me(changing, before)).statusCode).toBe(401);
      await new Promise((r) => setTimeout(r, cacheMs + 100));
      expect((await me(other, before)).statusCode).toBe(401);
    } finally {
      await changing.close();
      await other.close();
    }
  });
});

describe('logging out ends the session on the server', () => {
  const logout = (server: FastifyInstance, token: string) =>
    server.inject({ method: 'POST', url: '/api/auth/logout', headers: { authorization: `Bearer ${token}` } });

  it('the token logged out with is refused, on this process at once and on another within ACCESS_CACHE_MS; the account\'s other session stays', async () => {
    const name = username('city', 'officer');
    const cacheMs = 1500;
    const other = await buildTestApp({ ACCESS_CACHE_MS: cacheMs, RATE_LIMIT_PER_MINUTE: 1_000_000 });
    try {
      const first = await login(app, name);
      const second = await login(app, name);
      expect(first).not.toBe(second);
      // The other process has seen the session live (and may remember that for cacheMs).
      expect((await me(other, first)).statusCode).toBe(200);
      const out = await logout(app, first);
      expect(out.statusCode, out.body).toBe(200);
      expect(out.json()).toEqual({ ended: 'session' });
      const refused = await me(app, first);
      expect(refused.statusCode).toBe(401);
      expect(refused.json()).toMatchObject({ code: 'ONEMAP_ERR_UNAUTHENTICATED' });
      expect(refused.json().message).toContain('logged out');
      // A read with a purpose, a write and a second logout are refused alike.
      expect((await app.inject({ url: '/api/search?q=x', headers: { authorization: `Bearer ${first}`, ...purposeHeader() } })).statusCode).toBe(401);
      expect((await logout(app, first)).statusCode).toBe(401);
      expect((await me(app, second)).statusCode).toBe(200);
      await new Promise((r) => setTimeout(r, cacheMs + 100));
      expect((await me(other, first)).statusCode).toBe(401);
      expect((await me(other, second)).statusCode).toBe(200);
      // A process started after the logout (an empty cache) refuses it at once.
      const late = await buildTestApp({ ACCESS_CACHE_MS: 60_000, RATE_LIMIT_PER_MINUTE: 1_000_000 });
      try {
        expect((await me(late, first)).statusCode).toBe(401);
      } finally {
        await late.close();
      }
    } finally {
      await other.close();
    }
  });

  it('a stream ticket the session asked for before logging out opens no stream', async () => {
    const token = await login(app, username('city', 'analyst'));
    const t = await app.inject({ method: 'POST', url: '/api/watches/stream-ticket', headers: { authorization: `Bearer ${token}`, ...purposeHeader() } });
    expect(t.statusCode, t.body).toBe(201);
    expect((await logout(app, token)).statusCode).toBe(200);
    const stream = await app.inject({ url: `/api/watches/stream?ticket=${t.json().ticket}` });
    expect(stream.statusCode).toBe(401);
    expect(stream.json().message).toContain('logged out');
  });

  it('a token signed before tokens named their session ends every session of the account', async () => {
    const name = username('county', 'officer');
    const current = await login(app, name);
    const version = await readTx(graph, async (tx) => Number((await tx.run('MATCH (u:User {username: $name}) RETURN coalesce(u.tokenVersion, 0) AS v', { name })).records[0]?.get('v')));
    const legacy = app.jwt.sign({ sub: name, unit: '', roles: [], tv: version });
    expect((await me(app, legacy)).statusCode).toBe(200);
    const out = await logout(app, legacy);
    expect(out.statusCode, out.body).toBe(200);
    expect(out.json()).toEqual({ ended: 'every session' });
    expect((await me(app, legacy)).statusCode).toBe(401);
    expect((await me(app, current)).statusCode).toBe(401);
    expect((await me(app, await login(app, name))).statusCode).toBe(200);
  });
});
