import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';

function bootError(overrides: Record<string, string>): Error & { code?: string } {
  try {
    loadConfig(overrides);
  } catch (e) {
    return e as Error & { code?: string };
  }
  throw new Error('expected a boot error');
}

describe('server config', () => {
  it('a bad pipeline setting is a boot error naming the variable (the schema piece shared with the resolver)', () => {
    const e = bootError({ ONEMAP_COTRAVEL_MIN_COUNT: 'two' });
    expect(e.code).toBe('ONEMAP_ERR_INVALID_CONFIG');
    expect(e.message).toBe('invalid configuration: ONEMAP_COTRAVEL_MIN_COUNT must be integer (got "two")');
  });

  it('a bad server setting and a value outside a choice are named too', () => {
    const e = bootError({ PORT: '80x', INGEST_WORKER: 'sometimes' });
    expect(e.message).toContain('PORT must be integer (got "80x")');
    expect(e.message).toContain('INGEST_WORKER must be one of "embedded", "none" (got "sometimes")');
  });

  it('carries the pipeline and background-job settings with their defaults', () => {
    const c = loadConfig({ ONEMAP_QUALITY_REPORTS_EVERY_MS: '86400000' });
    expect(c.ONEMAP_QUALITY_REPORTS_EVERY_MS).toBe(86_400_000);
    expect(c.ONEMAP_COTRAVEL_TOLERANCE_MINUTES).toBe(30);
    expect(c.EVENTS_CHANNEL).toBe('onemap:events');
  });
});
