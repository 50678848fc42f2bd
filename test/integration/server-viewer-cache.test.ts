/**
 * Issue 15: a viewer is built once per governance snapshot, caller and purpose and reused across
 * requests. A grant given or revoked by an admin must change what the grantee sees on the very
 * next request, however long the access cache lives.
 */
import type { FastifyInstance } from 'fastify';
import { describe, expect, it } from 'vitest';
import { as, useServerApp } from '../helpers/server-app.ts';
import { FX, LEVELS } from '../helpers/server-fixtures.ts';

let app: FastifyInstance;
// A long access cache: only the admin change itself can make the next request see the new grants.
useServerApp({ ACCESS_CACHE_MS: 600_000, RATE_LIMIT_PER_MINUTE: 1_000_000 }, (s) => {
  ({ app } = s);
});

const visible = async (): Promise<string[]> => {
  const res = await as(app, 'wrongPurposeCounty', 'analyst', null)({ url: '/api/auth/me' });
  expect(res.statusCode).toBe(200);
  return res.json().visibleSources as string[];
};

describe('the viewer cache and admin changes', () => {
  it('a grant takes effect on the next request, and its revocation too', async () => {
    // Twice: the second answer comes from the cached viewer.
    expect(await visible()).not.toContain(FX.cond);
    expect(await visible()).not.toContain(FX.cond);
    const admin = as(app, 'province', 'admin', null);
    const granted = await admin({
      method: 'POST',
      url: '/api/admin/grants',
      payload: { unitCode: LEVELS.wrongPurposeCounty, sourceId: FX.cond, purposes: ['statistics'], expiresAt: '2099-01-01T00:00:00Z', fields: [] },
    });
    expect(granted.statusCode).toBe(201);
    expect(await visible()).toContain(FX.cond);
    const revoked = await admin({ method: 'DELETE', url: `/api/admin/grants/${granted.json().id}` });
    expect(revoked.statusCode).toBeLessThan(300);
    expect(await visible()).not.toContain(FX.cond);
  });

});
