import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { requireAccessRule } from './index.ts';

describe('the /api onRoute guard', () => {
  it('refuses a route without an access rule at registration', async () => {
    const app = Fastify();
    app.addHook('onRoute', requireAccessRule);
    expect(() => app.get('/sneaky', async () => ({ all: 'the data' }))).toThrow(/declares no access rule/);
    expect(() => app.get('/empty', { config: { access: { roles: [], purpose: false, action: 'x' } } }, async () => 1)).toThrow(/declares no access rule/);
    app.get('/ok', { config: { access: { roles: ['officer'], purpose: true, action: 'ok' } } }, async () => 1);
    app.get('/public', { config: { public: true } }, async () => 1);
    await app.close();
  });
});
