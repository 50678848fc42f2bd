/**
 * What the layer panel says about a layer's data: loading, still being computed on the server
 * (503 ONEMAP_ERR_LAYER_COMPUTING: ask again after Retry-After), failed, or ready — and how old a
 * ready answer is (`computedAt`: the server may serve an answer up to LAYER_MAX_STALE_MS old).
 */
import { formatBeijing } from '@onemap/graph-schema';
import { ApiError } from '../api/api-error.ts';

export type LayerStatus =
  | { state: 'loading' }
  | { state: 'computing'; retryInS: number }
  | { state: 'error'; message: string }
  | undefined;

/** The server code of a layer still being computed. */
export const LAYER_COMPUTING = 'ONEMAP_ERR_LAYER_COMPUTING';

/** When the server gave no Retry-After, ask again after this many seconds. */
export const DEFAULT_RETRY_S = 10;

/** An answer younger than this shows no "as of" (it is the data now). */
export const AS_OF_AFTER_MS = 60_000;

/**
 * The status a failed layer load leaves: computing (retry after the server's Retry-After) or an error.
 * @example statusOfFailure(new ApiError(503, 'ONEMAP_ERR_LAYER_COMPUTING', '…', 30)) // { state: 'computing', retryInS: 30 }
 */
export function statusOfFailure(e: unknown): Exclude<LayerStatus, undefined | { state: 'loading' }> {
  if (e instanceof ApiError && e.code === LAYER_COMPUTING)
    return { state: 'computing', retryInS: e.retryAfterS ?? DEFAULT_RETRY_S };
  return { state: 'error', message: e instanceof Error ? e.message : String(e) };
}

/**
 * "as of" wall-clock time (Beijing, HH:MM) of an answer computed more than a minute before `now`;
 * null for a fresh answer or none.
 * @example asOfTime('2026-12-02T14:00:00+08:00', Date.parse('2026-12-02T06:05:00Z')) // '14:00'
 */
export function asOfTime(computedAt: string | null | undefined, now: number): string | null {
  if (!computedAt) return null;
  const at = Date.parse(computedAt);
  if (!Number.isFinite(at) || now - at <= AS_OF_AFTER_MS) return null;
  return formatBeijing(at, 'time');
}
