import { buildApp, loadConfig } from '@onemap/server';
import { afterAll, describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM script without types
import { startNeo4jService, stopNeo4jService } from '../../scripts/services.mjs';
import { TEST_PROFILE, testEnv } from '../helpers/env.ts';

const external = Boolean(process.env.NEO4J_URI);

describe('/health against the real services', () => {
  afterAll(async () => {
    if (!external) await startNeo4jService(TEST_PROFILE);
  });

  it('answers 200 when both are up and serves OpenAPI at /docs', async () => {
    const app = await buildApp({ config: loadConfig(testEnv), logger: false });
    try {
      const res = await app.inject('/health');
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ status: 'ok', down: [] });
      const docs = await app.inject('/docs/json');
      expect(docs.statusCode).toBe(200);
      expect(docs.json().paths['/health']).toBeDefined();
    } finally {
      await app.close();
    }
  });

  it('answers 503 naming redis when Redis is unreachable', async () => {
    const app = await buildApp({ config: loadConfig({ ...testEnv, REDIS_URL: 'redis://127.0.0.1:1' }), logger: false });
    try {
      const res = await app.inject('/health');
      expect(res.statusCode).toBe(503);
      expect(res.json().down).toEqual(['redis']);
    } finally {
      await app.close();
    }
  });

  it.runIf(!external)('answers 503 naming neo4j while Neo4j is stopped, and 200 once it is back', async () => {
    await stopNeo4jService(TEST_PROFILE);
    const down = await buildApp({ config: loadConfig(testEnv), logger: false });
    try {
      const res = await down.inject('/health');
      expect(res.statusCode).toBe(503);
      expect(res.json().down).toEqual(['neo4j']);
    } finally {
      await down.close();
    }
    await startNeo4jService(TEST_PROFILE);
    const back = await buildApp({ config: loadConfig(testEnv), logger: false });
    try {
      const res = await back.inject('/health');
      expect(res.statusCode).toBe(200);
    } finally {
      await back.close();
    }
  });
});
