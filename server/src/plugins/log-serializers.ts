import type { FastifyReply, FastifyRequest } from 'fastify';
import { type DestinationStream, type LoggerOptions, stdSerializers } from 'pino';
import { maskIdentifiersInUrl } from '../access/mask-text.ts';

/**
 * What the server log may hold of a request: it is read by operators, not by people entitled to
 * the identifiers officers search for, so no searched value reaches it. A URL is logged by its
 * path, identifiers masked (plain or percent-encoded), and by the NAMES of its query parameters;
 * an error's message, stack and fields, and every message text, have identifiers masked.
 */

/** Text as logged: identifiers masked, also where a URL percent-encodes them. */
const maskLogText = maskIdentifiersInUrl;

/**
 * A path as logged: identifiers masked, and any run of 7 or more digits left after that (an
 * identifier glued to other characters, which the identifier shapes do not take) starred.
 */
function loggedPath(path: string): string {
  return maskLogText(path).replace(/\d{7,}/g, (digits) => '*'.repeat(digits.length));
}

/**
 * A URL as logged: the path with identifiers masked, the query by its parameter names only.
 * @example loggedUrl('/api/search?q=620102199001011234&limit=5') // '/api/search?q&limit'
 */
export function loggedUrl(url: string): string {
  const i = url.indexOf('?');
  const path = loggedPath(i < 0 ? url : url.slice(0, i));
  if (i < 0) return path;
  const names = new Set(
    url
      .slice(i + 1)
      .split('&')
      .map((pair) => pair.split('=')[0] ?? '')
      .filter(Boolean),
  );
  return `${path}?${[...names].map(loggedPath).join('&')}`;
}

/** Every string inside a logged value masked (bounded: an error's own fields are small). */
function maskStrings(v: unknown, depth = 0): unknown {
  if (typeof v === 'string') return maskLogText(v);
  if (v === null || typeof v !== 'object' || depth > 6) return v;
  if (Array.isArray(v)) return v.map((x) => maskStrings(x, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) out[k] = maskStrings(x, depth + 1);
  return out;
}

/** pino serializers for the fastify logger: `req` (the URL as `loggedUrl`), `res`, and `err` (masked). */
export const logSerializers = {
  req(request: FastifyRequest) {
    return { method: request.method, url: loggedUrl(request.url ?? ''), host: request.host, remoteAddress: request.ip, remotePort: request.socket?.remotePort };
  },
  res(reply: FastifyReply) {
    return { statusCode: reply.statusCode };
  },
  err(err: unknown) {
    // A value that is no error (a message logged as `{ err: e.message }`) is masked as it is.
    return maskStrings(err instanceof Error ? stdSerializers.err(err) : err);
  },
};

/** Message texts (`log.info(obj, 'text')`) are not serialized: masked as they are logged. */
export const logHooks: NonNullable<LoggerOptions['hooks']> = {
  logMethod(args, method) {
    const masked = args.map((a) => (typeof a === 'string' ? maskLogText(a) : a)) as typeof args;
    return method.apply(this, masked);
  },
};

/** pino options as fastify takes them (with the stream to write to). */
export type ServerLoggerOptions = LoggerOptions & { stream?: DestinationStream };

/**
 * The app's logger options: the given pino options (or `{level}`), always with the serializers and
 * hooks above; `false` silences.
 */
export function serverLoggerOptions(given: boolean | ServerLoggerOptions | undefined, level: string): false | ServerLoggerOptions {
  if (given === false) return false;
  const base: ServerLoggerOptions = typeof given === 'object' ? given : { level };
  return { ...base, serializers: { ...base.serializers, ...logSerializers }, hooks: { ...base.hooks, ...logHooks } };
}
