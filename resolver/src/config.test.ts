import { describe, expect, it } from 'vitest';
import { loadResolverConfig, rejectsDirOf, stagingDirOf } from './config.ts';
import { ResolverError } from './errors.ts';

function bootError(env: Record<string, string>): ResolverError {
  try {
    loadResolverConfig(env);
  } catch (e) {
    return e as ResolverError;
  }
  throw new Error('expected a boot error');
}

describe('resolver config', () => {
  it('a non-numeric co-travel setting is a boot error naming the variable and its value, never NaN', () => {
    const e = bootError({ ONEMAP_COTRAVEL_TOLERANCE_MINUTES: 'thirty' });
    expect(e).toBeInstanceOf(ResolverError);
    expect(e.code).toBe('ONEMAP_ERR_INVALID_CONFIG');
    expect(e.message).toBe('invalid configuration: ONEMAP_COTRAVEL_TOLERANCE_MINUTES must be integer (got "thirty")');
  });

  it('reports every bad variable at once, out-of-range and not-a-number alike', () => {
    const e = bootError({
      ONEMAP_COTRAVEL_MIN_COUNT: '0',
      ONEMAP_CHUNK_SIZE: '1e',
      ONEMAP_QUALITY_REPORTS_EVERY_MS: '-5',
    });
    expect(e.message).toContain('ONEMAP_COTRAVEL_MIN_COUNT must be >= 1 (got "0")');
    expect(e.message).toContain('ONEMAP_CHUNK_SIZE must be integer (got "1e")');
    expect(e.message).toContain('ONEMAP_QUALITY_REPORTS_EVERY_MS must be >= 0 (got "-5")');
  });

  it('refuses the published local Neo4j password for a graph on another host, not on loopback', () => {
    const e = bootError({ NEO4J_URI: 'neo4j://graph.internal:7687' });
    expect(e.code).toBe('ONEMAP_ERR_INVALID_CONFIG');
    expect(e.message).toContain('NEO4J_PASSWORD is the published local default');
    expect(e.message).not.toContain('onemap-local');
    expect(bootError({ NEO4J_URI: 'bolt://10.0.0.5:7687', NEO4J_PASSWORD: 'onemap-local' }).code).toBe('ONEMAP_ERR_INVALID_CONFIG');
    expect(loadResolverConfig({ NEO4J_URI: 'neo4j://graph.internal:7687', NEO4J_PASSWORD: 'a-real-one' }).NEO4J_PASSWORD).toBe('a-real-one');
    expect(loadResolverConfig({ NEO4J_URI: 'bolt://localhost:7687' }).NEO4J_URI).toBe('bolt://localhost:7687');
    expect(loadResolverConfig({ NEO4J_BOLT_PORT: '7690' }).NEO4J_URI).toBe('bolt://127.0.0.1:7690');
  });

  it('gives numbers as numbers and safe local defaults, with the port shortcuts', () => {
    const c = loadResolverConfig({
      ONEMAP_COTRAVEL_TOLERANCE_MINUTES: '45',
      NEO4J_BOLT_PORT: '7702',
      REDIS_PORT: '6402',
      ONEMAP_TRACE_WRITES: 'true',
    });
    expect(c).toMatchObject({
      ONEMAP_COTRAVEL_TOLERANCE_MINUTES: 45,
      ONEMAP_COTRAVEL_MIN_COUNT: 2,
      ONEMAP_CHUNK_SIZE: 2000,
      ONEMAP_QUALITY_REPORTS_EVERY_MS: 0,
      ONEMAP_TRACE_WRITES: true,
      NEO4J_URI: 'bolt://127.0.0.1:7702',
      REDIS_URL: 'redis://127.0.0.1:6402',
    });
  });

  it('puts staging and rejects under ONEMAP_DATA_DIR unless set on their own', () => {
    const c = loadResolverConfig({ ONEMAP_DATA_DIR: '/srv/onemap', ONEMAP_REJECTS_DIR: '/var/rejects' });
    expect(stagingDirOf(c)).toBe('/srv/onemap/staging');
    expect(rejectsDirOf(c)).toBe('/var/rejects');
  });
});
