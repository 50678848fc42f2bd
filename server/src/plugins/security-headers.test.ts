import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import securityHeaders, { securityHeadersOf } from './security-headers.ts';

const OPTIONS = { contentSecurityPolicy: { directives: { defaultSrc: ["'self'"], imgSrc: ["'self'", 'data:'], scriptSrc: ["'self'"] } } };

describe('security headers', () => {
  it('are the headers helmet sets for the options', () => {
    const headers = new Map(securityHeadersOf(OPTIONS));
    expect(headers.get('Content-Security-Policy')).toContain("default-src 'self'");
    expect(headers.get('Content-Security-Policy')).toContain("img-src 'self' data:");
    expect(headers.get('X-Frame-Options')).toBe('SAMEORIGIN');
    expect(headers.get('Strict-Transport-Security')).toContain('max-age=');
    expect(headers.get('X-Content-Type-Options')).toBe('nosniff');
    expect(headers.has('X-Powered-By')).toBe(false);
  });

  it('refuses a CSP directive computed per request', () => {
    const perRequest = { contentSecurityPolicy: { directives: { scriptSrc: ["'self'", () => "'nonce-x'"] } } };
    expect(() => securityHeadersOf(perRequest)).toThrow(/per request/);
  });

  it('are on every answer: a route, a missing route, an error', async () => {
    const app = Fastify();
    await app.register(securityHeaders, OPTIONS);
    app.get('/ok', async () => ({ ok: true }));
    app.get('/fails', async () => {
      throw new Error('boom');
    });
    for (const [url, status] of [['/ok', 200], ['/missing', 404], ['/fails', 500]] as const) {
      const res = await app.inject({ url });
      expect(res.statusCode).toBe(status);
      expect(res.headers['content-security-policy']).toContain("default-src 'self'");
      expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
    }
    await app.close();
  });
});
