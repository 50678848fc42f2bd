import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { requireLocalServices } from '../helpers/env.ts';
import { freePort } from '../../scripts/lib/free-port.ts';

const script = path.resolve('scripts/services.mjs');

/** Runs the services script with a private data dir and the test Redis, returning exit code and output. */
function services(cmd: string, env: Record<string, string>) {
  const r = spawnSync(process.execPath, [script, cmd, '--profile', 'test'], {
    encoding: 'utf8',
    env: { ...process.env, REDIS_PORT: '6380', NEO4J_URI: '', REDIS_URL: '', ...env },
    timeout: 240_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr.trim() };
}

const dirs: string[] = [];
function tmpData() {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'onemap-svc-'));
  dirs.push(d);
  return d;
}
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

describe('services script faults give one clear line', () => {
  it('a Bolt port already taken by something else', async () => {
    requireLocalServices();
    const blocker = net.createServer((s) => s.end('not neo4j\n'));
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const r = services('up', { NEO4J_BOLT_PORT: String(port), ONEMAP_DATA_DIR: tmpData() });
      expect(r.status).toBe(2);
      expect(r.stderr.split('\n')).toHaveLength(1);
      expect(r.stderr).toContain(`port ${port} is already taken`);
    } finally {
      blocker.close();
    }
  });

  it("a Bolt port served by another data directory's Neo4j is not taken for ours", async () => {
    requireLocalServices();
    const port = String(await freePort());
    const ours = { NEO4J_BOLT_PORT: port, ONEMAP_DATA_DIR: tmpData() };
    const first = services('up', ours);
    expect(first.status, first.stderr).toBe(0);
    try {
      // the same data dir: reused
      const again = services('up', ours);
      expect(again.status, again.stderr).toBe(0);
      expect(again.stdout).toContain('neo4j reused');
      // another data dir on that port: one clear line, nothing started, nothing written into the other store
      const other = tmpData();
      const r = services('up', { NEO4J_BOLT_PORT: port, ONEMAP_DATA_DIR: other });
      expect(r.status).toBe(2);
      expect(r.stderr.split('\n')).toHaveLength(1);
      expect(r.stderr).toContain(
        `port ${port} is served by the Neo4j of ${fs.realpathSync(path.join(ours.ONEMAP_DATA_DIR, 'neo4j'))}`,
      );
      expect(fs.existsSync(path.join(other, 'neo4j.pid'))).toBe(false);
    } finally {
      services('down', ours);
    }
  });

  it('a missing JDK', async () => {
    requireLocalServices();
    const r = services('up', {
      NEO4J_BOLT_PORT: String(await freePort()),
      ONEMAP_DATA_DIR: tmpData(),
      JAVA_HOME: '/nonexistent-jdk',
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(
      'services: JAVA_HOME=/nonexistent-jdk has no bin/java — point JAVA_HOME at a JDK 17+ or unset it',
    );
  });

  it('a stale data directory from a crashed run is recovered', async () => {
    requireLocalServices();
    const dataDir = tmpData();
    const env = { NEO4J_BOLT_PORT: String(await freePort()), ONEMAP_DATA_DIR: dataDir };
    const first = services('up', env);
    expect(first.status, first.stderr).toBe(0);
    const pid = Number(fs.readFileSync(path.join(dataDir, 'neo4j.pid'), 'utf8'));
    process.kill(pid, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 1000));
    expect(fs.existsSync(path.join(dataDir, 'neo4j', 'onemap-launcher.pid'))).toBe(true);
    try {
      const second = services('up', env);
      expect(second.status, second.stderr).toBe(0);
      expect(second.stdout).toContain('neo4j started');
      const log = fs.readFileSync(path.join(dataDir, 'logs', 'neo4j-launcher.log'), 'utf8');
      expect(log).toContain(`stale lock from crashed launcher pid ${pid} removed`);
    } finally {
      services('down', env);
    }
  });
});
