/**
 * The one shape of an error registry (after fastify's `createError(code, template, status)`):
 * every package declares its stable `ONEMAP_ERR_*` codes with `defineErrors`, each with the HTTP
 * status it answers with and a message template whose `{name}` placeholders are filled from params.
 * The server's error handler merges every package's registry (`mergeErrorRegistries`) and maps
 * any registered code it catches. Import-safe: no Node built-ins.
 */

/** One registered error: the HTTP status it answers with and its message template. */
export interface ErrorDef {
  readonly status: number;
  readonly message: string;
}

/** A registry: stable code → definition. */
export type ErrorRegistry<C extends string = string> = { readonly [K in C]: ErrorDef };

/** Parameters that fill a template's `{name}` placeholders. */
export type ErrorParams = Record<string, string | number | undefined>;

const CODE = /^ONEMAP_ERR_[A-Z0-9_]+$/;

/**
 * Declares a package's error codes. Checks every code is `ONEMAP_ERR_*` and every status is an
 * HTTP error status, and freezes the registry.
 * @example
 * export const ERRORS = defineErrors({
 *   ONEMAP_ERR_PURPOSE_REQUIRED: { status: 428, message: 'a purpose is required: {detail}' },
 * });
 */
export function defineErrors<const R extends Record<`ONEMAP_ERR_${string}`, ErrorDef>>(defs: R): Readonly<R> {
  for (const [code, def] of Object.entries(defs) as [string, ErrorDef][]) {
    if (!CODE.test(code)) throw new Error(`error code ${code} is not ONEMAP_ERR_<NAME>`);
    if (!Number.isInteger(def.status) || def.status < 400 || def.status > 599) throw new Error(`error ${code} has status ${def.status}, not 4xx/5xx`);
  }
  return Object.freeze(defs);
}

/**
 * One registry from several (the server's view of every package). A code declared twice must
 * have the same status; the first registry's template wins.
 */
export function mergeErrorRegistries(...registries: ErrorRegistry[]): ErrorRegistry {
  const all: Record<string, ErrorDef> = {};
  for (const r of registries) {
    for (const [code, def] of Object.entries(r)) {
      const seen = all[code];
      if (seen && seen.status !== def.status) throw new Error(`error ${code} is declared with status ${seen.status} and ${def.status}`);
      if (!seen) all[code] = def;
    }
  }
  return Object.freeze(all);
}

/** Fills a template's `{name}` placeholders (a missing param becomes empty). */
export function formatErrorMessage(template: string, params: ErrorParams = {}): string {
  return template.replace(/\{(\w+)\}/g, (_, k: string) => String(params[k] ?? ''));
}
