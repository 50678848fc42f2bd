import { describe, expect, it } from 'vitest';
import { ApiError, retryAfterSeconds } from '../api/api-error.ts';
import { AS_OF_AFTER_MS, asOfTime, DEFAULT_RETRY_S, statusOfFailure } from './layer-status.ts';

describe('layer status', () => {
  it('a layer still computing on the server is "computing", retried after its Retry-After', () => {
    expect(
      statusOfFailure(new ApiError(503, 'ONEMAP_ERR_LAYER_COMPUTING', 'still computing', retryAfterSeconds('42'))),
    ).toEqual({ state: 'computing', retryInS: 42 });
  });

  it('without a Retry-After the layer is asked for again after the default delay', () => {
    expect(
      statusOfFailure(new ApiError(503, 'ONEMAP_ERR_LAYER_COMPUTING', 'still computing', retryAfterSeconds(null))),
    ).toEqual({ state: 'computing', retryInS: DEFAULT_RETRY_S });
  });

  it('any other failure is an error, a read timeout too', () => {
    expect(statusOfFailure(new ApiError(503, 'ONEMAP_ERR_QUERY_TIMEOUT', 'too long', 30))).toEqual({
      state: 'error',
      message: 'too long',
    });
  });

  it('says "as of" the Beijing time of an answer computed more than a minute ago, nothing for a fresh one', () => {
    const computedAt = '2026-12-02T14:03:00+08:00';
    const at = Date.parse(computedAt);
    expect(asOfTime(computedAt, at + AS_OF_AFTER_MS + 1)).toBe('14:03');
    expect(asOfTime(computedAt, at + AS_OF_AFTER_MS)).toBeNull();
    expect(asOfTime(null, at)).toBeNull();
  });

  it('reads only the delay form of Retry-After', () => {
    expect(retryAfterSeconds(' 7 ')).toBe(7);
    expect(retryAfterSeconds('Wed, 02 Dec 2026 14:00:00 GMT')).toBeUndefined();
  });
});
