import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildApp, loadConfig } from '@onemap/server';
import { describe, expect, it } from 'vitest';
import { requireLocalServices, testEnv } from '../helpers/env.ts';
import { freePort } from '../../scripts/lib/free-port.ts';

describe('/health against the real services', () => {
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
      // Public route: the failure is named, the driver's message (address, port) is not repeated.
      expect(['unreachable', 'timeout']).toContain(res.json().checks.redis.error);
      expect(res.body).not.toMatch(/127\.0\.0\.1|redis:\/\/|ECONNREFUSED/i);
    } finally {
      await app.close();
    }
  });

  it('answers 503 naming neo4j while Neo4j is stopped, and 200 once it is back', async () => {
    requireLocalServices();
    // A Neo4j of its own (free port, private data dir), so stopping it disturbs nothing else and
    // works even when the test services were started by another checkout.
    const port = await freePort();
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'onemap-health-'));
    const env = {
      ...process.env,
      NEO4J_URI: '',
      REDIS_URL: '',
      NEO4J_BOLT_PORT: String(port),
      ONEMAP_DATA_DIR: dataDir,
      REDIS_PORT: new URL(testEnv.REDIS_URL).port,
    };
    const services = (cmd: string) =>
      spawnSync(process.execPath, [path.resolve('scripts/services.mjs'), cmd, '--profile', 'test'], {
        env,
        encoding: 'utf8',
        timeout: 240_000,
      });
    const config = loadConfig({ ...testEnv, NEO4J_URI: `bolt://127.0.0.1:${port}` });
    try {
      expect(services('up').status).toBe(0);
      const up = await buildApp({ config, logger: false });
      try {
        expect((await up.inject('/health')).statusCode).toBe(200);
      } finally {
        await up.close();
      }
      services('down');
      const down = await buildApp({ config, logger: false });
      try {
        const res = await down.inject('/health');
        expect(res.statusCode).toBe(503);
        expect(res.json().down).toEqual(['neo4j']);
      } finally {
        await down.close();
      }
      expect(services('up').status).toBe(0);
      const back = await buildApp({ config, logger: false });
      try {
        expect((await back.inject('/health')).statusCode).toBe(200);
      } finally {
        await back.close();
      }
    } finally {
      services('down');
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 600_000);
});
