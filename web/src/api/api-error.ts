/** An API failure with the server's stable error code (e.g. ONEMAP_ERR_PURPOSE_REQUIRED). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** The answer's `Retry-After` in seconds, when it said when to ask again (429, 503 LAYER_COMPUTING). */
    readonly retryAfterS?: number,
  ) {
    super(message);
  }
}

/**
 * A `Retry-After` header's delay in seconds (the delay form; an HTTP date is not used by the API).
 * @example retryAfterSeconds('30') // 30
 * @example retryAfterSeconds(null) // undefined
 */
export function retryAfterSeconds(header: string | null): number | undefined {
  if (!header || !/^\d+$/.test(header.trim())) return undefined;
  return Number(header.trim());
}
