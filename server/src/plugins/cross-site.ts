import type { FastifyRequest } from 'fastify';
import { httpError } from '../errors.ts';

/**
 * Refuses a request another site's page made the browser send (cross-site request forgery). A
 * bearer token is never sent on its own, but a client certificate (一人一证) is: the browser presents
 * it to every request for the server, an `<img>` or a form of any page included. So a request is
 * refused when the browser says it came from another site (`Sec-Fetch-Site: cross-site` or
 * `same-site`), or names an `Origin` that is neither this server's (its `Host`) nor one of
 * `CORS_ORIGINS`. A request the browser marks `same-origin` or `none` (typed in the address bar)
 * passes, and so does one without either header: curl, source systems, the bench. Runs before
 * anything is authenticated, so a forged request neither reads nor changes anything, and is
 * audited as refused.
 */
export function refuseCrossSite(request: FastifyRequest, allowedOrigins: readonly string[]): void {
  const site = request.headers['sec-fetch-site'];
  if (site === 'same-origin' || site === 'none') return;
  const origin = request.headers.origin;
  if (origin !== undefined) {
    if (allowedOrigins.includes(origin) || isOwnHost(origin, request.headers.host)) return;
    throw httpError('CROSS_SITE', { detail: `a page of ${origin.slice(0, 100)} may not call this API` });
  }
  if (site === 'cross-site' || site === 'same-site') throw httpError('CROSS_SITE', { detail: 'a page of another site may not call this API' });
}

/** Whether `origin` names the host the request was sent to (`Host`), a default port written or not. */
function isOwnHost(origin: string, host: string | undefined): boolean {
  if (!host) return false;
  try {
    const o = new URL(origin);
    return o.host === new URL(`${o.protocol}//${host}`).host;
  } catch {
    return false;
  }
}
