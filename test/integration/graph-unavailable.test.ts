import { buildApp, loadConfig } from '@onemap/server';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEnv } from '../helpers/env.ts';
import { PURPOSE, purposeHeader } from '../helpers/server-app.ts';
import { freePort } from '../../scripts/lib/free-port.ts';

// The app is pointed at a closed Bolt port while Redis is the real test Redis: Neo4j is "down".
describe('a Neo4j that cannot be reached', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await buildApp({ config: loadConfig({ ...testEnv, NEO4J_URI: `bolt://127.0.0.1:${await freePort()}`, ACCESS_CACHE_MS: 0 }), logger: false });
    await app.ready();
  });
  afterAll(async () => app?.close());

  it('answers 503 ONEMAP_ERR_GRAPH_UNAVAILABLE on an authenticated route, without internals', async () => {
    const token = app.jwt.sign({ sub: 'prov_analyst', unit: '', roles: [], tv: 0 });
    const res = await app.inject({ method: 'GET', url: '/api/catalog/sources', headers: { authorization: `Bearer ${token}`, ...purposeHeader(PURPOSE) } });
    expect(res.statusCode).toBe(503);
    const body = res.json();
    expect(body.code).toBe('ONEMAP_ERR_GRAPH_UNAVAILABLE');
    expect(body.message).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|bolt/i);
  }, 180_000);

  it('keeps /health its own 503 answer naming neo4j', async () => {
    const res = await app.inject('/health');
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ status: 'degraded', down: ['neo4j'] });
    // the failure is named, not described: no address, port or driver message
    expect(res.json().checks.neo4j.error).toMatch(/^(unreachable|timeout)$/);
    expect(res.body).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|bolt:/i);
  }, 60_000);
});
