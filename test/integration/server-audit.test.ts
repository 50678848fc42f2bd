/**
 * Note: the test services are shared; the tampering tests need nobody else appending to (or wiping)
 * the chain while they run, like every integration file here (vitest runs them one at a time).
 *
 * The audit trail: every request leaves an entry (allowed or denied, with who, unit, role,
 * purpose, route, parameters, result count, outcome); editing, deleting or reordering a stored
 * entry makes verification fail and say where — through the endpoint and the CLI.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import net from 'node:net';
import path from 'node:path';
import { type Graph, readTx, writeTx } from '@onemap/graph-schema/server';
import type { FastifyInstance } from 'fastify';
import { beforeEach, describe, expect, it } from 'vitest';
import { appendAudit, chainGroup, GENESIS_HASH } from '../../server/src/audit/chain.ts';
import { appendAuditEntries, appendAuditEntriesAtHead } from '../../server/src/repositories/audit.ts';
import { testEnv } from '../helpers/env.ts';
import { as, buildTestApp, PURPOSE, purposeHeader, tokenFor, useServerApp } from '../helpers/server-app.ts';
import { E, PASSWORD, username } from '../helpers/server-fixtures.ts';
import { freePort } from '../../scripts/lib/free-port.ts';

let graph: Graph;
let app: FastifyInstance;
useServerApp({ RATE_LIMIT_PER_MINUTE: 1_000_000, AUDIT_CHECKPOINT_EVERY: 10 }, (s) => {
  ({ app, graph } = s);
});

async function wipeAudit() {
  await writeTx(graph, (tx) => tx.run('MATCH (n) WHERE n:AuditEntry OR n:AuditHead OR n:AuditCheckpoint DETACH DELETE n'));
}
/** The entries whose recorded parameters carry `nonce` (robust to other writers of the shared test database). */
async function entriesWith(nonce: string) {
  return readTx(graph, async (tx) => {
    const r = await tx.run('MATCH (a:AuditEntry) WHERE a.paramsJson CONTAINS $nonce RETURN properties(a) AS a ORDER BY a.seq', { nonce });
    return r.records.map((x) => ({ user: null, unit: null, role: null, purposeJson: null, resultCount: null, ...(x.get('a') as object) }) as Record<string, unknown>);
  });
}
let n = 0;
const nonce = () => `probe${process.pid}x${Date.now()}x${n++}`;

const verify = async () => (await as(app, 'province', 'auditor', null)({ url: '/api/audit/verify' })).json();

describe('every request writes an entry', () => {
  beforeEach(wipeAudit);

  it('an allowed query records who, unit, role, purpose, route, parameters and result count', async () => {
    const id = nonce();
    const res = await as(app, 'county', 'analyst')({ url: `/api/entities/${E.P1}/relations?depth=1&limit=50&probe=${id}` });
    expect(res.statusCode).toBe(200);
    const [e] = await entriesWith(id);
    if (!e) throw new Error('no audit entry');
    expect(e).toMatchObject({
      user: username('county', 'analyst'),
      unit: '620102',
      role: 'analyst',
      route: '/api/entities/:eid/relations',
      method: 'GET',
      outcome: 'allowed',
      status: 200,
      resultCount: res.json().edges.length,
    });
    expect(JSON.parse(e.purposeJson as string)).toEqual(PURPOSE);
    expect(JSON.parse(e.paramsJson as string)).toMatchObject({ params: { eid: E.P1 }, query: { depth: 1, limit: 50, probe: id } });
  });

  it('denials are recorded too: no token, wrong role, no purpose', async () => {
    const [a, b, c] = [nonce(), nonce(), nonce()];
    await app.inject({ url: `/api/entities/${E.P1}?probe=${a}` });
    expect((await entriesWith(a))[0]).toMatchObject({ outcome: 'denied', status: 401, user: null, route: '/api/entities/:eid' });
    await as(app, 'county', 'planner')({ url: `/api/entities/${E.P1}?probe=${b}` });
    expect((await entriesWith(b))[0]).toMatchObject({ outcome: 'denied', status: 403, user: username('county', 'planner'), unit: '620102', role: 'planner' });
    await as(app, 'county', 'officer', null)({ url: `/api/entities/${E.P1}?probe=${c}` });
    expect((await entriesWith(c))[0]).toMatchObject({ outcome: 'denied', status: 428, user: username('county', 'officer') });
  });

  it('probing an unknown /api path is recorded too, naming the caller, whether or not the server also serves the web app', async () => {
    const dist = fs.mkdtempSync(path.join(os.tmpdir(), 'onemap-web-'));
    fs.writeFileSync(path.join(dist, 'index.html'), '<!doctype html><title>OneMap</title>');
    const withWeb = await buildTestApp({ RATE_LIMIT_PER_MINUTE: 1_000_000, WEB_DIST: dist });
    try {
      expect((await withWeb.inject({ url: '/some/client/route' })).body).toContain('OneMap');
      for (const server of [app, withWeb]) {
        for (const method of ['GET', 'POST'] as const) {
          const id = nonce();
          const res = await as(server, 'station', 'officer')({ method, url: `/api/internal/dump-everything?probe=${id}` });
          expect(res.statusCode).toBe(404);
          expect((await entriesWith(id))[0]).toMatchObject({ outcome: 'error', status: 404, method, user: username('station', 'officer') });
        }
      }
    } finally {
      await withWeb.close();
      fs.rmSync(dist, { recursive: true, force: true });
    }
  });

  it('a failed login records the claimed user, never the password', async () => {
    const id = nonce();
    const res = await app.inject({ method: 'POST', url: `/api/auth/login?probe=${id}`, payload: { username: username('county', 'officer'), password: 'wrong-password' } });
    expect(res.statusCode).toBe(401);
    const [e] = await entriesWith(id);
    if (!e) throw new Error('no audit entry');
    expect(e).toMatchObject({ outcome: 'denied', user: username('county', 'officer'), route: '/api/auth/login' });
    expect(e.paramsJson).not.toContain('wrong-password');
    const id2 = nonce();
    const ok = await app.inject({ method: 'POST', url: `/api/auth/login?probe=${id2}`, payload: { username: username('county', 'officer'), password: PASSWORD } });
    expect(ok.statusCode).toBe(200);
    expect((await entriesWith(id2))[0]?.paramsJson).not.toContain(PASSWORD);
  });

  it('each route of the API adds exactly one entry per request', async () => {
    const spec = app.swagger() as { paths: Record<string, Record<string, unknown>> };
    let n = 0;
    for (const [p, methods] of Object.entries(spec.paths)) {
      if (!p.startsWith('/api') || p.endsWith('/stream')) continue;
      for (const m of Object.keys(methods)) {
        const id = nonce();
        if (m === 'post' && p === '/api/auth/logout') {
          // Open to every role, and a change (of a session): its intent entry, then its answer. With a
          // session of its own, not the fixture token (that one, signed without a session, would end
          // every session of the user).
          const login = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: username('otherCity', 'planner'), password: PASSWORD } });
          const out = await app.inject({ method: 'POST', url: `${p}?probe=${id}`, headers: { authorization: `Bearer ${login.json().token}` } });
          expect(out.statusCode, out.body).toBe(200);
          expect((await entriesWith(id)).map((e) => e.outcome).sort()).toEqual(['allowed', 'intent']);
          n++;
          continue;
        }
        // As a user without the role: every route answers (403) and must still be audited, once.
        const res = await as(app, 'otherCity', 'planner')({ method: m.toUpperCase() as 'GET', url: `${p.replace(/\{(\w+)\}/g, 'x')}?probe=${id}`, payload: m === 'get' || m === 'delete' ? undefined : {} });
        expect(res.statusCode, `${m} ${p}`).toBeGreaterThanOrEqual(200);
        expect((await entriesWith(id)).length, `${m} ${p} wrote no audit entry`).toBe(1);
        n++;
      }
    }
    expect(n).toBeGreaterThan(25);
    expect((await verify()).ok).toBe(true);
  });
});

describe('appends from several replicas at once', () => {
  beforeEach(wipeAudit);

  it('two server instances answering 30 concurrent requests each leave one gapless, valid chain', async () => {
    const other = await buildTestApp({ RATE_LIMIT_PER_MINUTE: 1_000_000 });
    try {
      const jobs = [];
      for (let i = 0; i < 30; i++) {
        jobs.push(as(app, 'station', 'officer')({ url: `/api/entities/${E.P3}` }));
        jobs.push(as(other, 'county', 'officer')({ url: `/api/entities/${E.P1}` }));
      }
      const res = await Promise.all(jobs);
      expect(res.filter((r) => r.statusCode !== 200).map((r) => r.body)).toEqual([]);
      const seqs = await readTx(graph, async (tx) => (await tx.run('MATCH (a:AuditEntry) RETURN a.seq AS s ORDER BY s')).records.map((x) => x.get('s') as number));
      // Gapless from the first to the last entry, whoever else appended meanwhile.
      expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => (seqs[0] as number) + i));
      expect(seqs.length).toBeGreaterThanOrEqual(60);
      const report = await verify();
      expect(report.ok, JSON.stringify(report.problems.slice(0, 5))).toBe(true);
    } finally {
      await other.close();
    }
  });
});

const auditInput = (requestId: string) => ({
  at: new Date().toISOString(),
  requestId,
  user: 'replica-test',
  unit: null,
  role: null,
  purposeJson: null,
  route: '/api/test',
  method: 'GET',
  paramsJson: '{}',
  resultCount: null,
  outcome: 'allowed' as const,
  status: 200,
});
const auditOpts = () => ({ signingKey: app.config.AUDIT_SIGNING_KEY, checkpointEvery: app.config.AUDIT_CHECKPOINT_EVERY });
const readSeqs = () => readTx(graph, async (tx) => (await tx.run('MATCH (a:AuditEntry) RETURN a.seq AS s ORDER BY s')).records.map((x) => x.get('s') as number));

describe('group commit: the head a process remembers', () => {
  beforeEach(wipeAudit);

  it('a process whose head no one moved writes its next groups without a transaction of its own (one statement each)', async () => {
    await as(app, 'station', 'officer')({ url: `/api/entities/${E.P3}` });
    const driver = app.graph.driver;
    const session = driver.session.bind(driver);
    let transactions = 0;
    driver.session = ((cfg: Parameters<typeof session>[0]) => {
      const s = session(cfg);
      const write = s.executeWrite.bind(s);
      s.executeWrite = ((work: Parameters<typeof write>[0], c?: Parameters<typeof write>[1]) => {
        transactions++;
        return write(work, c);
      }) as typeof s.executeWrite;
      return s;
    }) as typeof driver.session;
    try {
      for (let i = 0; i < 3; i++) expect((await as(app, 'station', 'officer')({ url: '/api/auth/me' })).statusCode).toBe(200);
    } finally {
      driver.session = session;
    }
    expect(transactions).toBe(0);
    expect(await readSeqs()).toEqual([1, 2, 3, 4]);
    expect((await verify()).ok).toBe(true);
  });

  it('a head another writer moved since this process last wrote is found, and the group is chained after it: gapless, verifiable', async () => {
    await as(app, 'station', 'officer')({ url: `/api/entities/${E.P3}` });
    // Another replica appends twice; this process still remembers seq 1 as the head.
    await appendAudit(graph, auditInput('other-1'), auditOpts());
    await appendAudit(graph, auditInput('other-2'), auditOpts());
    const res = await Promise.all(Array.from({ length: 4 }, () => as(app, 'station', 'officer')({ url: `/api/entities/${E.P3}` })));
    expect(res.map((r) => r.statusCode)).toEqual([200, 200, 200, 200]);
    expect(await readSeqs()).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect((await verify()).ok).toBe(true);
  });

  it('a group chained onto a head that moved writes nothing, and says where the head is', async () => {
    const first = await appendAudit(graph, auditInput('a'), auditOpts());
    const stale = { seq: 0, hash: GENESIS_HASH };
    const found = await appendAuditEntriesAtHead(graph, stale, chainGroup(stale, [auditInput('b')], auditOpts()));
    expect(found).toEqual(first);
    expect(await readSeqs()).toEqual([1]);
  });

  it('a group a failed statement may have committed is not written again by the locked transaction', async () => {
    await appendAudit(graph, auditInput('a'), auditOpts());
    const head = (await readTx(graph, async (tx) => (await tx.run("MATCH (h:AuditHead {id: 'main'}) RETURN h.seq AS seq, h.hash AS hash")).records[0]?.toObject())) as { seq: number; hash: string };
    const group = chainGroup(head, [auditInput('b'), auditInput('c')], auditOpts());
    // The statement committed, but its caller never heard (a broken connection) …
    await appendAuditEntriesAtHead(graph, head, group);
    const last = group[group.length - 1];
    if (!last) throw new Error('unreachable: empty group');
    // … so it falls back to the locked transaction, naming the group's last entry: nothing is written twice.
    let chained = 0;
    const r = await appendAuditEntries(graph, GENESIS_HASH, (h) => {
      chained++;
      return chainGroup(h, [auditInput('b'), auditInput('c')], auditOpts());
    }, { seq: last.entry.seq, hash: last.hash });
    expect(r).toBeNull();
    expect(chained).toBe(0);
    expect(await readSeqs()).toEqual([1, 2, 3]);
    expect((await verify()).ok).toBe(true);
  });
});

/** A server in a child process of its own (no shared memory with this one), on a free port; ready when it accepts connections. */
async function startServerProcess(): Promise<{ child: ChildProcess; base: string; log: () => string }> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/src/main.ts'], {
    env: { ...process.env, ...testEnv, PORT: String(port), LOG_LEVEL: 'warn', RATE_LIMIT_PER_MINUTE: '1000000', ACCESS_CACHE_MS: '0' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  child.stderr?.on('data', (d: Buffer) => {
    log += d.toString();
  });
  const deadline = Date.now() + 240_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server process exited ${child.exitCode}: ${log.slice(-2000)}`);
    const open = await new Promise<boolean>((resolve) => {
      const sock = net.connect(port, '127.0.0.1', () => {
        sock.destroy();
        resolve(true);
      });
      sock.on('error', () => resolve(false));
    });
    if (open) return { child, base: `http://127.0.0.1:${port}`, log: () => log };
    await new Promise((r) => setTimeout(r, 250));
  }
  child.kill('SIGKILL');
  throw new Error(`server process did not listen within 240 s: ${log.slice(-2000)}`);
}

/** Stops it as an orchestrator would (SIGTERM): it must close cleanly, exit 0, within its stop deadline. */
async function stopServerProcess(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return child.exitCode;
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  child.kill('SIGTERM');
  const code = await Promise.race([exited, new Promise<'still running'>((r) => setTimeout(() => r('still running'), 60_000))]);
  if (code === 'still running') child.kill('SIGKILL');
  return code === 'still running' ? -1 : code;
}

describe('group commit: two server processes', () => {
  beforeEach(wipeAudit);

  it('50 concurrent requests through two server processes leave one gapless, verifiable chain, each answer after its entry', async () => {
    const servers: { child: ChildProcess; base: string; log: () => string }[] = [];
    try {
      servers.push(await startServerProcess(), await startServerProcess());
      const token = tokenFor(app, 'station', 'officer');
      const id = nonce();
      const jobs = Array.from({ length: 50 }, (_, i) =>
        fetch(`${servers[i % 2]?.base}/api/entities/${E.P3}?probe=${id}x${i}`, { headers: { authorization: `Bearer ${token}`, ...purposeHeader() } }).then(async (r) => {
          // The answer arrives only after its entry committed: the entry must be readable now.
          const seen = await entriesWith(`${id}x${i}"`);
          return { status: r.status, entries: seen.length };
        }),
      );
      const res = await Promise.all(jobs).catch((e: unknown) => {
        // a server that stopped answering: say how it ended and what it logged
        const how = servers.map((x) => `${x.base}: exit ${x.child.exitCode} signal ${x.child.signalCode}; log: ${x.log().slice(-1500)}`).join('\n');
        throw new Error(`${(e as Error).message} (${String((e as Error).cause ?? '')})\n${how}`);
      });
      expect(res.map((r) => r.status)).toEqual(Array(50).fill(200));
      expect(res.map((r) => r.entries)).toEqual(Array(50).fill(1));
      const seqs = await readTx(graph, async (tx) => (await tx.run('MATCH (a:AuditEntry) RETURN a.seq AS s ORDER BY s')).records.map((x) => x.get('s') as number));
      expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
      expect(seqs.length).toBeGreaterThanOrEqual(50);
      // Grouped: fewer transactions than entries shows as entries sharing one commit, which the chain cannot show;
      // what must hold is that every request's entry is in the chain exactly once and the chain verifies.
      expect((await entriesWith(id)).length).toBe(50);
      const report = await verify();
      expect(report.ok, JSON.stringify(report.problems.slice(0, 5))).toBe(true);
    } finally {
      expect(await Promise.all(servers.map((s) => stopServerProcess(s.child)))).toEqual(servers.map(() => 0));
    }
  }, 900_000);

  it('an answer is withheld (503) when its audit entry cannot be written, for every request of the failed group', async () => {
    await as(app, 'station', 'officer')({ url: `/api/entities/${E.P3}` });
    // Occupy the next sequence number: the group's CREATE then violates the unique seq constraint.
    await writeTx(graph, (tx) => tx.run("MATCH (h:AuditHead {id: 'main'}) CREATE (:AuditEntry {seq: h.seq + 1, hash: 'planted'})"));
    const res = await Promise.all(Array.from({ length: 5 }, () => as(app, 'station', 'officer')({ url: `/api/entities/${E.P3}` })));
    for (const r of res) {
      expect(r.statusCode).toBe(503);
      expect(r.json().code).toBe('ONEMAP_ERR_AUDIT_UNAVAILABLE');
      expect(r.body).not.toContain(E.P3);
    }
    await writeTx(graph, (tx) => tx.run("MATCH (a:AuditEntry {hash: 'planted'}) DELETE a"));
    expect((await as(app, 'station', 'officer')({ url: `/api/entities/${E.P3}` })).statusCode).toBe(200);
    expect((await verify()).ok).toBe(true);
  });
});

describe('a change is written ahead in the trail', () => {
  beforeEach(wipeAudit);

  it('a request that changes something writes its intent entry before it runs, then its answer entry; a read writes one', async () => {
    const id = nonce();
    const made = await as(app, 'station', 'officer')({ method: 'POST', url: `/api/watches?probe=${id}`, payload: { eid: E.P3 } });
    expect(made.statusCode, made.body).toBe(201);
    try {
      const entries = await entriesWith(id);
      expect(entries.map((e) => [e.outcome, Number(e.status), e.method])).toEqual([
        ['intent', 0, 'POST'],
        ['allowed', 201, 'POST'],
      ]);
      expect(entries[0]?.requestId).toBe(entries[1]?.requestId);
      // a POST that only reads (a collision) writes no intent entry
      const read = nonce();
      const window = { lon: 103.83, lat: 36.06, radiusM: 500, from: '2026-03-01T00:00:00+08:00', to: '2026-03-08T00:00:00+08:00' };
      const collision = await as(app, 'province', 'analyst')({ method: 'POST', url: `/api/analysis/collision?probe=${read}`, payload: { windows: [window, window] } });
      expect(collision.statusCode, collision.body).toBe(200);
      expect((await entriesWith(read)).map((e) => e.outcome)).toEqual(['allowed']);
      expect((await verify()).ok).toBe(true);
    } finally {
      expect((await as(app, 'station', 'officer')({ method: 'DELETE', url: `/api/watches/${made.json().id}` })).statusCode).toBe(200);
    }
  });

  it('when the intent entry cannot be written the change is not made (503), and nothing of it is in the graph', async () => {
    const watches = async () =>
      readTx(graph, async (tx) => Number((await tx.run('MATCH (w:Watch {eid: $eid}) RETURN count(w) AS n', { eid: E.P3 })).records[0]!.get('n')));
    const before = await watches();
    await as(app, 'station', 'officer')({ url: `/api/entities/${E.P3}` });
    // Occupy the next sequence number: the intent entry's group then fails
    await writeTx(graph, (tx) => tx.run("MATCH (h:AuditHead {id: 'main'}) CREATE (:AuditEntry {seq: h.seq + 1, hash: 'planted'})"));
    try {
      const res = await as(app, 'station', 'officer')({ method: 'POST', url: '/api/watches', payload: { eid: E.P3 } });
      expect(res.statusCode, res.body).toBe(503);
      expect(res.json().code).toBe('ONEMAP_ERR_AUDIT_UNAVAILABLE');
      expect(await watches()).toBe(before);
    } finally {
      await writeTx(graph, (tx) => tx.run("MATCH (a:AuditEntry {hash: 'planted'}) DELETE a"));
    }
    expect((await verify()).ok).toBe(true);
  });
});

describe('tampering is found', () => {
  beforeEach(async () => {
    await wipeAudit();
    for (let i = 0; i < 6; i++) await as(app, 'station', 'officer')({ url: `/api/entities/${E.P3}` });
  });

  it('an intact chain verifies', async () => {
    const r = await verify();
    expect(r).toMatchObject({ ok: true, problems: [] });
    expect(r.entries).toBeGreaterThanOrEqual(6);
  });

  it('an edited entry is named', async () => {
    await writeTx(graph, (tx) => tx.run("MATCH (a:AuditEntry {seq: 3}) SET a.user = 'someone_else'"));
    const r = await verify();
    expect(r.ok).toBe(false);
    expect(r.problems[0]).toMatchObject({ seq: 3, kind: 'edited' });
  });

  it('an edited result count is named', async () => {
    await writeTx(graph, (tx) => tx.run('MATCH (a:AuditEntry {seq: 2}) SET a.resultCount = 0'));
    expect((await verify()).problems[0]).toMatchObject({ seq: 2, kind: 'edited' });
  });

  it('a deleted entry is named', async () => {
    await writeTx(graph, (tx) => tx.run('MATCH (a:AuditEntry {seq: 4}) DETACH DELETE a'));
    const r = await verify();
    expect(r.ok).toBe(false);
    expect(r.problems[0]).toMatchObject({ seq: 4, kind: 'deleted' });
  });

  it('deleting the newest entries is found through the head', async () => {
    await writeTx(graph, (tx) => tx.run('MATCH (a:AuditEntry) WITH max(a.seq) AS m MATCH (b:AuditEntry {seq: m}) DETACH DELETE b'));
    const r = await verify();
    expect(r.ok).toBe(false);
    expect(r.problems.map((p: { kind: string }) => p.kind)).toContain('deleted');
  });

  it('two swapped entries are named', async () => {
    await writeTx(graph, (tx) => tx.run('MATCH (a:AuditEntry {seq: 2}), (b:AuditEntry {seq: 3}) SET a.seq = -1 SET b.seq = 2 SET a.seq = 3'));
    const r = await verify();
    expect(r.ok).toBe(false);
    expect(r.problems.map((p: { seq: number }) => p.seq)).toContain(2);
  });

  it('a rewritten chain (all hashes recomputed) is caught by the signed checkpoint', async () => {
    const cp = await as(app, 'province', 'auditor', null)({ method: 'POST', url: '/api/audit/checkpoints' });
    expect(cp.statusCode).toBe(201);
    // An attacker with database access (not the key) edits entry 2 and re-chains the whole trail with unkeyed hashes.
    const { unkeyedEntryHash: entryHash } = await import('../../server/src/audit/chain.ts');
    await writeTx(graph, async (tx) => {
      const all = (await tx.run('MATCH (a:AuditEntry) RETURN properties(a) AS a ORDER BY a.seq')).records.map((x) => x.get('a'));
      let prev = '0'.repeat(64);
      for (const a of all) {
        if (a.seq === 2) a.user = 'forged';
        a.prevHash = prev;
        const { hash: _old, ...rest } = a;
        a.hash = entryHash(rest);
        prev = a.hash;
        await tx.run('MATCH (x:AuditEntry {seq: $seq}) SET x = $a', { seq: a.seq, a });
      }
      await tx.run("MATCH (h:AuditHead {id: 'main'}) SET h.hash = $prev", { prev });
    });
    const r = await verify();
    expect(r.ok).toBe(false);
    expect(r.problems.map((p: { kind: string }) => p.kind)).toContain('checkpoint_mismatch');
  });

  it('an entry edited and re-chained without the key is named, although every unkeyed hash after it agrees', async () => {
    const { unkeyedEntryHash } = await import('../../server/src/audit/chain.ts');
    await writeTx(graph, async (tx) => {
      const all = (await tx.run('MATCH (a:AuditEntry) WHERE a.seq >= 3 RETURN properties(a) AS a ORDER BY a.seq')).records.map((x) => x.get('a'));
      let prev = (await tx.run('MATCH (a:AuditEntry {seq: 2}) RETURN a.hash AS h')).records[0]?.get('h') as string;
      for (const a of all) {
        if (a.seq === 3) a.user = 'forged';
        a.prevHash = prev;
        const { hash: _old, ...rest } = a;
        a.hash = unkeyedEntryHash(rest);
        prev = a.hash;
        await tx.run('MATCH (x:AuditEntry {seq: $seq}) SET x = $a', { seq: a.seq, a });
      }
      await tx.run("MATCH (h:AuditHead {id: 'main'}) SET h.hash = $prev", { prev });
    });
    const r = await verify();
    expect(r.ok).toBe(false);
    expect(r.problems[0]).toMatchObject({ seq: 3, kind: 'edited' });
  });

  it('the CLI says where, exits 1, and exports checkpoints', async () => {
    await as(app, 'province', 'auditor', null)({ method: 'POST', url: '/api/audit/checkpoints' });
    const file = path.join(os.tmpdir(), `onemap-cps-${process.pid}.json`);
    const env = { ...process.env, ...testEnv };
    const ok = execFileSync('npx', ['tsx', 'server/src/cli/audit-verify.ts', '--export', file], { env, encoding: 'utf8' });
    expect(ok).toContain('OK');
    expect(JSON.parse(fs.readFileSync(file, 'utf8')).checkpoints.length).toBeGreaterThanOrEqual(1);
    await writeTx(graph, (tx) => tx.run("MATCH (a:AuditEntry {seq: 5}) SET a.route = '/api/elsewhere'"));
    let out = '';
    let code = 0;
    try {
      execFileSync('npx', ['tsx', 'server/src/cli/audit-verify.ts', '--against', file], { env, encoding: 'utf8' });
    } catch (e) {
      const err = e as { status: number; stdout: string };
      code = err.status;
      out = err.stdout;
    }
    expect(code).toBe(1);
    expect(out).toContain('seq 5 (edited)');
    fs.rmSync(file, { force: true });
  });

  it('automatic checkpoints are signed every N entries', async () => {
    for (let i = 0; i < 10; i++) await as(app, 'station', 'officer')({ url: `/api/entities/${E.P3}` });
    const cps = (await as(app, 'province', 'auditor', null)({ url: '/api/audit/checkpoints' })).json().items;
    expect(cps.some((c: { by: string; seq: number }) => c.by === 'auto' && c.seq % 10 === 0)).toBe(true);
    expect((await verify()).ok).toBe(true);
  });
});
