import type { FastifyRequest } from 'fastify';
import { listSetting } from '../config.ts';
import { type HttpError, httpError } from '../errors.ts';

/**
 * Refuses a request another site's page made the browser send (cross-site request forgery). A
 * bearer token is never sent on its own, but a client certificate (一人一证) is: the browser presents
 * it to every request for the server, an `<img>` or a form of any page included. So a request is
 * refused when the browser says it came from another site (`Sec-Fetch-Site: cross-site` or
 * `same-site`) and its `Origin` is none of `CORS_ORIGINS`, or names an `Origin` that is neither
 * one of them nor this server's host (a browser without `Sec-Fetch-Site`). A request the browser
 * marks `same-origin` or `none` (typed in the address bar) passes, and so does one without either
 * header: curl, source systems, the bench. Checked before anything is authenticated — first in the
 * `/api` hook, and on the two paths that answer an `/api` URL outside it (an unknown GET, which the
 * web app's catch-all route answers, and fastify's refusals before routing) — so a forged request
 * neither reads nor changes anything, and its audit entry names no caller.
 */
export function crossSiteRefusal(request: FastifyRequest): HttpError | null {
  const site = request.headers['sec-fetch-site'];
  if (site === 'same-origin' || site === 'none') return null;
  const origin = request.headers.origin;
  const allowed = origin !== undefined && allowedOrigins(request.server.config.CORS_ORIGINS).includes(origin);
  if (allowed) return null;
  if (site === 'cross-site' || site === 'same-site') {
    // the browser says another site: this server's own host under another scheme (http:// for an
    // https server) is another origin, and is not let through by its host
    return httpError('CROSS_SITE', { detail: origin ? `a page of ${origin.slice(0, 100)} may not call this API` : 'a page of another site may not call this API' });
  }
  if (origin !== undefined && !isOwnHost(origin, request.headers.host)) {
    return httpError('CROSS_SITE', { detail: `a page of ${origin.slice(0, 100)} may not call this API` });
  }
  return null;
}

/** `CORS_ORIGINS` as its entries, parsed once per setting, not on every request. */
let parsed: { setting: string; origins: string[] } | undefined;
function allowedOrigins(setting: string): string[] {
  if (parsed?.setting !== setting) parsed = { setting, origins: listSetting(setting) };
  return parsed.origins;
}

/** `crossSiteRefusal`, thrown (the `/api` onRequest hook). */
export function refuseCrossSite(request: FastifyRequest): void {
  const refused = crossSiteRefusal(request);
  if (refused) throw refused;
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
