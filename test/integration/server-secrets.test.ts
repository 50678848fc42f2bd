/**
 * Issue 12 item 3: no secret anyone can read in the repository signs anything. Tokens signed with
 * the value `.env.example` used to document are refused, audit checkpoints are not signed with the
 * documented key, unset secrets are generated per installation under the data directory (0600,
 * ignored by git, reused on the next start), and the server refuses to start with a published or
 * short value, in one line naming the variable.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { entityIdKeyOf } from '@onemap/resolver/secrets';
import { loadConfig } from '@onemap/server';
import type { FastifyInstance } from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import { testEnv } from '../helpers/env.ts';
import { as, useServerApp } from '../helpers/server-app.ts';
import { username } from '../helpers/server-fixtures.ts';

/** The values `.env.example` and config.ts shipped as defaults before this fix (public forever). */
const PUBLISHED_JWT_SECRET = 'onemap-local-dev-secret-change-me';
const PUBLISHED_AUDIT_KEY = 'onemap-local-audit-key-change-me';

/** A JWT (HS256) signed with `key`, as anyone holding the key could make one. */
function hs256(key: string, claims: object): string {
  const now = Math.floor(Date.now() / 1000);
  const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const body = `${enc({ alg: 'HS256', typ: 'JWT' })}.${enc({ ...claims, iat: now, exp: now + 3600 })}`;
  return `${body}.${createHmac('sha256', key).update(body).digest('base64url')}`;
}

const root = path.resolve(import.meta.dirname, '../..');

let app: FastifyInstance;
useServerApp({}, (s) => {
  ({ app } = s);
});

describe('published secrets sign nothing', () => {
  it('a token signed with the JWT_SECRET the docs published is refused', async () => {
    const forged = hs256(PUBLISHED_JWT_SECRET, {
      sub: username('province', 'admin'),
      unit: '620000',
      roles: ['admin'],
      tv: 0,
    });
    const res = await app.inject({ url: '/api/admin/users', headers: { authorization: `Bearer ${forged}` } });
    expect(res.statusCode).toBe(401);
    expect(res.json().code).toBe('ONEMAP_ERR_UNAUTHENTICATED');
  });

  it('an audit checkpoint is not signed with the AUDIT_SIGNING_KEY the docs published', async () => {
    const auditor = as(app, 'province', 'auditor', null);
    await auditor({ url: '/api/auth/me' });
    const res = await auditor({ method: 'POST', url: '/api/audit/checkpoints' });
    expect(res.statusCode).toBe(201);
    const c = res.json() as { seq: number; hash: string; at: string; signature: string };
    const withPublished = createHmac('sha256', PUBLISHED_AUDIT_KEY)
      .update(`onemap-audit-checkpoint:${c.seq}:${c.hash}:${c.at}`)
      .digest('hex');
    expect(c.signature).not.toBe(withPublished);
    // …and the installation's own key verifies it.
    const verify = await auditor({ url: '/api/audit/verify' });
    expect(verify.json().ok).toBe(true);
  });
});

describe('secrets generated per installation', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'onemap-secrets-'));
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('unset secrets are generated on first start (≥ 32 random bytes, mode 0600) and reused on the next', () => {
    const env = { ...testEnv, ONEMAP_DATA_DIR: tmp, JWT_SECRET: '', AUDIT_SIGNING_KEY: '', ENTITY_ID_KEY: '' };
    const first = loadConfig(env);
    const dir = path.join(tmp, 'secrets');
    const files = fs.readdirSync(dir).sort();
    expect(files).toEqual(['audit-signing-key', 'entity-id-key', 'jwt-secret']);
    for (const f of files) expect(fs.statSync(path.join(dir, f)).mode & 0o777).toBe(0o600);
    expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
    expect(Buffer.from(first.JWT_SECRET, 'base64url').length).toBeGreaterThanOrEqual(32);
    expect(Buffer.from(first.AUDIT_SIGNING_KEY, 'base64url').length).toBeGreaterThanOrEqual(32);
    expect(Buffer.from(first.ENTITY_ID_KEY, 'base64url').length).toBeGreaterThanOrEqual(32);
    expect(new Set([first.JWT_SECRET, first.AUDIT_SIGNING_KEY, first.ENTITY_ID_KEY]).size).toBe(3);
    const second = loadConfig(env);
    expect(second.JWT_SECRET).toBe(first.JWT_SECRET);
    expect(second.AUDIT_SIGNING_KEY).toBe(first.AUDIT_SIGNING_KEY);
    // the key of entity ids is the one every writer of this data folder reads (the workers, `onemap load`)
    expect(second.ENTITY_ID_KEY).toBe(first.ENTITY_ID_KEY);
    expect(Buffer.from(entityIdKeyOf({ ONEMAP_DATA_DIR: tmp })).toString('utf8')).toBe(first.ENTITY_ID_KEY);
    // Another installation gets other secrets.
    const elsewhere = loadConfig({ ...env, ONEMAP_DATA_DIR: path.join(tmp, 'other') });
    expect(elsewhere.JWT_SECRET).not.toBe(first.JWT_SECRET);
  });

  it('the generated secrets are never committed: git ignores the secrets folder', () => {
    const out = execFileSync(
      'git',
      ['check-ignore', '-v', '.data/secrets/jwt-secret', '.data/test/secrets/audit-signing-key'],
      { cwd: root, encoding: 'utf8' },
    );
    expect(out.trim().split('\n')).toHaveLength(2);
  });

  it('a configured strong value is used as given', () => {
    // Made at run time: a literal here would be a value published in the repository.
    const strong = randomBytes(32).toString('base64url');
    const c = loadConfig({
      ...testEnv,
      ONEMAP_DATA_DIR: tmp,
      JWT_SECRET: `${strong}-jwt`,
      AUDIT_SIGNING_KEY: `${strong}-audit`,
    });
    expect(c.JWT_SECRET).toBe(`${strong}-jwt`);
    expect(c.AUDIT_SIGNING_KEY).toBe(`${strong}-audit`);
  });
});

describe('the server refuses to start with a published or short secret', () => {
  const start = (env: Record<string, string>) =>
    spawnSync(process.execPath, ['--import', 'tsx', 'server/src/main.ts'], {
      cwd: root,
      env: { ...process.env, ...testEnv, PORT: '0', ...env },
      encoding: 'utf8',
      timeout: 60_000,
    });

  it.each([
    ['JWT_SECRET', PUBLISHED_JWT_SECRET],
    ['AUDIT_SIGNING_KEY', PUBLISHED_AUDIT_KEY],
    ['JWT_SECRET', 'short-but-not-public'],
  ])('%s=%s: exit 2 and one line naming the variable', (name, value) => {
    const r = start({ [name]: value });
    expect(r.status).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(name);
    expect(lines[0]).not.toContain(value);
  });

  it('loadConfig refuses every value the repository ever documented, in any variable', () => {
    for (const value of [PUBLISHED_JWT_SECRET, PUBLISHED_AUDIT_KEY]) {
      for (const name of ['JWT_SECRET', 'AUDIT_SIGNING_KEY'])
        expect(() => loadConfig({ ...testEnv, [name]: value })).toThrow(name);
    }
  });
});
