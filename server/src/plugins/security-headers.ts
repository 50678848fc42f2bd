import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import helmet, { type HelmetOptions } from 'helmet';

/**
 * The response headers helmet sets for `options` (CSP, HSTS, X-Frame-Options, …), worked out
 * once. Our options hold no per-request value (no CSP nonce, no directive computed from the
 * request), so every response gets the same headers; a directive given as a function is refused.
 */
export function securityHeadersOf(options: HelmetOptions): [name: string, value: string][] {
  for (const values of Object.values(options.contentSecurityPolicy && typeof options.contentSecurityPolicy === 'object' ? (options.contentSecurityPolicy.directives ?? {}) : {})) {
    if (typeof values === 'function' || (Array.isArray(values) && values.some((v) => typeof v === 'function')))
      throw new Error('securityHeadersOf: a CSP directive computed per request cannot be worked out once');
  }
  const headers = new Map<string, string>();
  const res = {
    setHeader: (name: string, value: string) => headers.set(name, value),
    removeHeader: (name: string) => headers.delete(name),
  };
  helmet(options)({} as never, res as never, (err?: unknown) => {
    if (err) throw err;
  });
  return [...headers];
}

/**
 * Helmet's headers on every response. `@fastify/helmet` built helmet's middleware anew for each
 * request (its options merged, every CSP directive parsed again, two hooks): 3.5 % of the server's
 * CPU on a profile request at 1 M persons (docs/api.md, "Per-request cost"). Here they are worked
 * out when the server starts and set in one synchronous hook.
 */
async function securityHeaders(app: FastifyInstance, options: HelmetOptions): Promise<void> {
  const headers = securityHeadersOf(options);
  app.addHook('onRequest', (_req, reply, done) => {
    for (const [name, value] of headers) reply.raw.setHeader(name, value);
    done();
  });
}

export default fp(securityHeaders, { name: 'onemap-security-headers' });
