/**
 * The server's warm-up (`server/src/services/warm-up.ts`): before the server process listens (or,
 * for an app listening without it, once it listens) it runs the reads of its busiest routes for two
 * viewers so that the first users do not wait for Neo4j to compile them.
 * Checked here: every read runs without an error for both viewers (a read that fails would leave
 * its plan cold, and the log line would say so), the warm-up writes nothing — no node, no edge,
 * no audit entry — it stops between steps when the server closes, and a server closed while it
 * warms up closes; the server process listens only once its plans are warmed, says a held port
 * before warming anything, and exits 0 when stopped while it warms up. What it saves is time, measured in docs/api.md, not here.
 */
import { spawn } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import readline from 'node:readline';
import type { Graph } from '@onemap/graph-schema/server';
import type { FastifyInstance } from 'fastify';
import neo4j from 'neo4j-driver';
import { describe, expect, it } from 'vitest';
import { keepWarmWhileIdle, warmUp } from '../../server/src/services/warm-up.ts';
import { buildApp, loadConfig } from '@onemap/server';
import { freePort } from '../../scripts/lib/free-port.ts';
import { testEnv } from '../helpers/env.ts';
import { useServerApp } from '../helpers/server-app.ts';

let app: FastifyInstance;
let graph: Graph;
useServerApp({}, (s) => {
  ({ app, graph } = s);
});

/** Everything in the graph, counted: nodes by label, relationships by type, and the properties of both. */
async function contents(): Promise<string> {
  const r = await graph.driver.executeQuery(
    `CALL () { MATCH (n) RETURN collect(labels(n)[0] + ':' + size(keys(n))) AS nodes }
     CALL () { MATCH ()-[r]->() RETURN collect(type(r) + ':' + size(keys(r))) AS rels }
     RETURN nodes, rels`,
    {},
    { database: graph.database },
  );
  const row = r.records[0]!;
  return JSON.stringify([[...(row.get('nodes') as string[])].sort(), [...(row.get('rels') as string[])].sort()]);
}

/** A POST whose body never ends: in flight until destroyed. */
function hangingRequest(server: FastifyInstance, accept = 'application/json'): http.ClientRequest {
  const { port } = server.server.address() as { port: number };
  const req = http.request({
    host: '127.0.0.1',
    port,
    path: '/api/auth/login',
    method: 'POST',
    headers: { 'content-type': 'application/json', 'content-length': '1000', accept },
  });
  req.on('error', () => undefined);
  req.write('{"username":');
  return req;
}

/** The audit chain's head and how many entries it holds. */
async function auditChain(): Promise<{ head: string; entries: number }> {
  const r = await graph.driver.executeQuery(
    "OPTIONAL MATCH (h:AuditHead {id: 'main'}) CALL () { MATCH (a:AuditEntry) RETURN count(a) AS entries } RETURN h.seq + ':' + h.hash AS head, entries",
    {},
    { database: graph.database },
  );
  const row = r.records[0]!;
  return { head: String(row.get('head')), entries: Number(row.get('entries')) };
}

describe('the warm-up of query plans', () => {
  it('runs search, profile, trajectory, relations, co-location, paths, collision, the review queue, the lists and a layer for two viewers, and the ingest reads, without an error, and writes nothing', async () => {
    const before = await contents();
    const report = await warmUp(app);
    expect(report.stopped).toBe(false);
    expect(report.steps.filter((s) => s.error)).toEqual([]);
    // the top unit and the first one below it; each read three times (a plan is compiled again after a few runs)
    for (const unit of ['620000', '620100'])
      for (const read of [
        'search 张伟',
        'search zw',
        'search 1234',
        'profile',
        'trajectory',
        'relations, 2 hops',
        'co-location',
        'paths',
        'collision',
        'review queue',
        'warning rules',
        'watches',
        'decisions',
        'jurisdictions layer',
      ])
        expect(report.steps.filter((s) => s.step === `${unit} ${read}`).map((s) => s.step)).toEqual(
          Array(3).fill(`${unit} ${read}`),
        );
    // and what a pushing system's first request and status poll read, three times each
    for (const read of ['ingest: a source key checked', 'ingest: a batch looked up'])
      expect(report.steps.filter((s) => s.step === read)).toHaveLength(3);
    // and every answer's audit append, three times, rolled back: the chain's head and entries stay as they were
    expect(report.steps.filter((s) => s.step === 'audit: an entry appended, rolled back')).toHaveLength(3);
    expect(await contents()).toBe(before);
  });
  it('stops between steps when told to', async () => {
    let asked = 0;
    const report = await warmUp(app, () => ++asked > 3);
    expect(report.stopped).toBe(true);
    // the viewers, then three reads
    expect(report.steps).toHaveLength(4);
  });
  it('kept warm while idle: reads with varied inputs for the time given, only while idle, writing nothing', async () => {
    const before = await contents();
    const chainBefore = await auditChain();
    const t0 = performance.now();
    const r = await keepWarmWhileIdle(app, 2, () => true);
    const ms = performance.now() - t0;
    expect(r.stopped).toBe(false);
    expect(r.failed).toBe(0);
    // every person is read by the viewer whose search found them: none answered 404 to another viewer
    expect(r.refused).toEqual({});
    expect(r.reads).toBeGreaterThan(5);
    expect(r.firstMedianMs).not.toBeNull();
    // it ends at its time (the read in hand finishes first)
    expect(ms).toBeGreaterThanOrEqual(2000);
    expect(ms).toBeLessThan(15_000);
    expect(await contents()).toBe(before);
    // the audit appends it rehearsed were rolled back: the same head, the same entries
    expect(await auditChain()).toEqual(chainBefore);
  });
  it('kept warm while idle: waits while a request is in flight, and stops when told', async () => {
    // busy throughout: no read at all, the whole time waited
    const busy = await keepWarmWhileIdle(app, 1, () => false);
    expect(busy.reads).toBe(0);
    expect(busy.waitedMs).toBeGreaterThanOrEqual(900);
    // busy for half a second from the first time it asks (its viewers' read comes before), then idle
    let firstAsked: number | undefined;
    const late = await keepWarmWhileIdle(app, 2, () => {
      firstAsked ??= performance.now();
      return performance.now() - firstAsked > 500;
    });
    expect(late.waitedMs).toBeGreaterThanOrEqual(450);
    expect(late.reads).toBeGreaterThan(0);
    // told to stop after three reads' checks
    let asked = 0;
    const stopped = await keepWarmWhileIdle(
      app,
      60,
      () => true,
      () => ++asked > 3,
    );
    expect(stopped.stopped).toBe(true);
    expect(stopped.reads).toBe(3);
    // two lanes: reads in both, none failed
    const two = await keepWarmWhileIdle(app, 1, () => true, undefined, 2);
    expect(two.failed).toBe(0);
    expect(two.refused).toEqual({});
    expect(two.reads).toBeGreaterThan(2);
    // nothing asked: nothing done
    expect((await keepWarmWhileIdle(app, 0, () => true)).reads).toBe(0);
  });
  it('kept warm while idle: ends early when its reads keep failing (Neo4j away), not after its time', async () => {
    const driver = neo4j.driver('bolt://127.0.0.1:9', neo4j.auth.basic('neo4j', 'none'), {
      connectionTimeout: 1000,
      connectionAcquisitionTimeout: 1000,
      maxTransactionRetryTime: 0,
    });
    // the same server (its viewers, its config) reading from a Neo4j that is not there
    const away = Object.create(app, {
      graph: { value: { driver, database: 'neo4j', readRetryMs: 0 } },
    }) as FastifyInstance;
    try {
      const t0 = performance.now();
      const r = await keepWarmWhileIdle(away, 120, () => true, undefined, 2);
      expect(r.endedEarly).toBe('failing');
      expect(r.firstError).toBeTruthy();
      expect(r.reads).toBe(0);
      expect(r.failed).toBeGreaterThanOrEqual(20);
      expect(performance.now() - t0).toBeLessThan(60_000);
    } finally {
      await driver.close();
    }
  });
  it('a listening server warms up in the background and says so; closed while it warms up, it stops and closes', async () => {
    const listening = async (before?: (server: FastifyInstance) => void) => {
      const lines: { msg: string; failed?: number; stopped?: boolean; reads?: number; waitedMs?: number }[] = [];
      const stream = { write: (line: string) => void lines.push(JSON.parse(line)) };
      const server = await buildApp({
        config: loadConfig({ ...testEnv, ACCESS_CACHE_MS: 0, ONEMAP_WARM_UP: 'true', ONEMAP_WARM_UP_SECONDS: '1' }),
        logger: { level: 'info', stream },
      });
      before?.(server);
      await server.listen({ host: '127.0.0.1', port: 0 });
      const warmed = () => lines.find((l) => l.msg.startsWith('query plans warmed'));
      const kept = () => lines.find((l) => l.msg.startsWith('kept warm while idle'));
      return { server, warmed, kept };
    };
    // a request in flight all along (its body never ends): the server is busy, the idle reads wait
    const a = await listening();
    const busy = hangingRequest(a.server);
    for (let i = 0; i < 600 && !a.warmed(); i++) await new Promise((r) => setTimeout(r, 100));
    expect(a.warmed()).toMatchObject({ failed: 0, stopped: false });
    // then the idle phase's second, waited through, and said so
    for (let i = 0; i < 200 && !a.kept(); i++) await new Promise((r) => setTimeout(r, 100));
    expect(a.kept()).toMatchObject({ failed: 0, stopped: false, reads: 0 });
    expect(a.kept()?.waitedMs).toBeGreaterThanOrEqual(900);
    busy.destroy();
    await a.server.close();
    // no request, but the process ingests (an embedded worker's pushes are written after their
    // requests are answered, its index read back from the graph): the idle reads wait too
    const e = await listening((server) => Object.defineProperty(server.pipeline, 'busy', { get: () => true }));
    for (let i = 0; i < 800 && !e.kept(); i++) await new Promise((r) => setTimeout(r, 100));
    expect(e.kept()).toMatchObject({ failed: 0, stopped: false, reads: 0 });
    expect(e.kept()?.waitedMs).toBeGreaterThanOrEqual(900);
    await e.server.close();
    // an event stream open all along (a browser's watch stream) is not a request anyone waits on: the reads run
    const d = await listening();
    const stream = hangingRequest(d.server, 'text/event-stream');
    for (let i = 0; i < 800 && !d.kept(); i++) await new Promise((r) => setTimeout(r, 100));
    expect(d.kept()).toMatchObject({ failed: 0, stopped: false });
    expect(d.kept()?.reads).toBeGreaterThan(0);
    stream.destroy();
    await d.server.close();
    const b = await listening();
    await b.server.close();
    expect(b.warmed()).toMatchObject({ stopped: true });
    // off: nothing runs
    const c = await buildApp({ config: loadConfig({ ...testEnv, ONEMAP_WARM_UP: 'false' }), logger: false });
    await c.listen({ host: '127.0.0.1', port: 0 });
    await c.close();
  });
});

/** The server process as `npm start` runs it (`server/src/main.ts`), its log lines' messages in order, and how it ended. */
function serverProcess(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/src/main.ts'], {
    env: { ...process.env, ...testEnv, LOG_LEVEL: 'info', ONEMAP_WARM_UP: 'true', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const messages: string[] = [];
  let stderr = '';
  readline.createInterface({ input: child.stdout! }).on('line', (line) => {
    try {
      messages.push((JSON.parse(line) as { msg: string }).msg);
    } catch {
      messages.push(line);
    }
  });
  child.stderr!.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, messages, stderr: () => stderr, exited };
}

describe('the server process warms its plans before it listens', () => {
  it('no request reaches it before its plans are warmed; the first request is answered', async () => {
    const port = await freePort();
    const s = serverProcess({ PORT: String(port), ONEMAP_WARM_UP_SECONDS: '0' });
    try {
      const listening = () => s.messages.findIndex((m) => m.startsWith('Server listening'));
      for (let i = 0; i < 1200 && listening() < 0 && s.child.exitCode === null; i++)
        await new Promise((r) => setTimeout(r, 100));
      expect(listening(), s.stderr()).toBeGreaterThanOrEqual(0);
      const before = s.messages.findIndex((m) => m.startsWith('warming query plans before listening'));
      const warmed = s.messages.findIndex((m) => m.startsWith('query plans warmed'));
      expect(before).toBeGreaterThanOrEqual(0);
      expect(warmed).toBeGreaterThan(before);
      expect(warmed).toBeLessThan(listening());
      expect(s.messages[warmed]).not.toContain('failed');
      // it answers: a login is refused with its code, not met by a cold server
      const r = await fetch(`http://127.0.0.1:${port}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'nobody-warm-up', password: 'x' }),
      });
      expect(r.status).toBe(401);
    } finally {
      s.child.kill('SIGTERM');
      expect(await s.exited).toBe(0);
    }
  });
  it('a port held elsewhere is said at once, before any warm-up, and nothing is warmed for it', async () => {
    const holder = net.createServer();
    await new Promise<void>((resolve) => holder.listen({ host: '127.0.0.1', port: 0 }, resolve));
    const { port } = holder.address() as net.AddressInfo;
    try {
      const s = serverProcess({ PORT: String(port), HOST: '127.0.0.1' });
      const code = await Promise.race([
        s.exited,
        new Promise<string>((r) => setTimeout(() => r('still running'), 60_000)),
      ]);
      if (code === 'still running') s.child.kill('SIGKILL');
      expect(code).toBe(2);
      expect(s.stderr()).toContain(`port ${port} on 127.0.0.1 is already in use`);
      expect(s.messages.some((m) => m.startsWith('warming query plans') || m.startsWith('query plans warmed'))).toBe(
        false,
      );
    } finally {
      holder.close();
    }
  });
  it('stopped while it warms up, it exits 0 without listening', async () => {
    const port = await freePort();
    const s = serverProcess({ PORT: String(port) });
    for (let i = 0; i < 600 && !s.messages.some((m) => m.startsWith('warming query plans')); i++)
      await new Promise((r) => setTimeout(r, 50));
    expect(
      s.messages.some((m) => m.startsWith('warming query plans')),
      s.stderr(),
    ).toBe(true);
    s.child.kill('SIGTERM');
    expect(await s.exited).toBe(0);
    expect(s.messages.some((m) => m.startsWith('Server listening'))).toBe(false);
    expect(s.stderr()).not.toContain('could not start');
  });
});
