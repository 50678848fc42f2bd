/**
 * Findings of the seventh security review (s15) about the audit trail, the server log and
 * refusals, each kept as the test that failed before its fix:
 * - P1 a database writer without the key re-chained the whole trail with the unkeyed hash of an
 *   earlier version and deleted the checkpoints, and verification said ok (unkeyed hashes verify
 *   now only up to the operator's `AUDIT_UNKEYED_UNTIL`, default 0);
 * - P9 an unknown path's route (the URL as sent) reached auditors unmasked (`shownEntry` masks
 *   every text a caller wrote; a user filter naming an identifier matches nothing);
 * - P5 the server log held searched identifiers: query strings, paths, error messages
 *   (`logSerializers`, `logHooks`);
 * - P4 URLs fastify refuses before routing (414, malformed percent-encoding) were not audited
 *   (`frameworkErrors` audits an `/api` URL, naming the caller of a valid token).
 *
 * Note: the test services are shared; the tampering tests need nobody else appending to the chain
 * while they run, like every integration file here (vitest runs them one at a time).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { type Graph, readTx, writeTx } from '@onemap/graph-schema/server';
import { buildApp, loadConfig } from '@onemap/server';
import type { FastifyInstance } from 'fastify';
import { beforeEach, describe, expect, it } from 'vitest';
import { GENESIS_HASH, unkeyedEntryHash } from '../../server/src/audit/chain.ts';
import { testEnv } from '../helpers/env.ts';
import { as, buildTestApp, useServerApp } from '../helpers/server-app.ts';
import { E, username } from '../helpers/server-fixtures.ts';

let graph: Graph;
let app: FastifyInstance;
useServerApp({ RATE_LIMIT_PER_MINUTE: 1_000_000 }, (s) => {
  ({ app, graph } = s);
});

const ID = '620102199001011234';
const ID_MIDDLE = '19900101';
const PLATE = '甘A12345';

let n = 0;
const nonce = () => `probe${process.pid}x${Date.now()}x${n++}`;

async function wipeAudit() {
  await writeTx(graph, (tx) => tx.run('MATCH (n) WHERE n:AuditEntry OR n:AuditHead OR n:AuditCheckpoint DETACH DELETE n'));
}

/** The stored entries whose recorded parameters carry `text`. */
async function storedWith(text: string) {
  return readTx(graph, async (tx) => {
    const r = await tx.run('MATCH (a:AuditEntry) WHERE a.paramsJson CONTAINS $text RETURN properties(a) AS a ORDER BY a.seq', { text });
    return r.records.map((x) => ({ user: null, unit: null, ...(x.get('a') as object) }) as Record<string, unknown>);
  });
}

const auditor = () => as(app, 'province', 'auditor', null);
const verifyWith = async (server: FastifyInstance) => (await as(server, 'province', 'auditor', null)({ url: '/api/audit/verify' })).json();

/** Runs `audit-verify` with the test services' settings: its exit code and output. */
function auditVerifyCli(args: string[], env: Record<string, string> = {}): { code: number; out: string } {
  try {
    const out = execFileSync('npx', ['tsx', 'server/src/cli/audit-verify.ts', ...args], { env: { ...process.env, ...testEnv, ...env }, encoding: 'utf8' });
    return { code: 0, out };
  } catch (e) {
    const err = e as { status: number; stdout: string };
    return { code: err.status, out: err.stdout };
  }
}

interface StoredEntry {
  seq: number;
  prevHash: string;
  hash: string;
  [field: string]: unknown;
}

/** What a writer without the key can do: re-chain entries (from `fromSeq` on) with the unkeyed hash, `edit` applied, the head moved to the end. */
async function rechainUnkeyed(fromSeq: number, edit: (a: StoredEntry) => void = () => undefined) {
  await writeTx(graph, async (tx) => {
    const all = (await tx.run('MATCH (a:AuditEntry) WHERE a.seq >= $fromSeq RETURN properties(a) AS a ORDER BY a.seq', { fromSeq })).records.map((x) => x.get('a') as StoredEntry);
    let prev = fromSeq === 1 ? GENESIS_HASH : ((await tx.run('MATCH (a:AuditEntry {seq: $s}) RETURN a.hash AS h', { s: fromSeq - 1 })).records[0]?.get('h') as string);
    for (const a of all) {
      edit(a);
      a.prevHash = prev;
      const { hash: _old, ...rest } = a;
      a.hash = unkeyedEntryHash({ resultCount: null, user: null, unit: null, role: null, purposeJson: null, ...rest } as Parameters<typeof unkeyedEntryHash>[0]);
      prev = a.hash;
      await tx.run('MATCH (x:AuditEntry {seq: $seq}) SET x = $a', { seq: a.seq, a });
    }
    await tx.run("MATCH (h:AuditHead {id: 'main'}) SET h.hash = $prev", { prev });
  });
}

/** An entry as an earlier version wrote it: chained with the unkeyed hash. */
async function writeUnkeyedEntries(count: number) {
  await writeTx(graph, async (tx) => {
    const head = (await tx.run("MATCH (h:AuditHead {id: 'main'}) RETURN h.seq AS seq, h.hash AS hash")).records[0];
    let seq = (head?.get('seq') as number | undefined) ?? 0;
    let prev = (head?.get('hash') as string | undefined) ?? GENESIS_HASH;
    for (let i = 0; i < count; i++) {
      seq++;
      const entry = { seq, prevHash: prev, at: new Date().toISOString(), requestId: `old-${seq}`, user: 'old_officer', unit: '620102', role: 'officer', purposeJson: null, route: '/api/entities/:eid', method: 'GET', paramsJson: '{}', resultCount: 1, outcome: 'allowed' as const, status: 200 };
      const hash = unkeyedEntryHash(entry);
      await tx.run('CREATE (a:AuditEntry) SET a = $entry, a.hash = $hash', { entry, hash });
      prev = hash;
    }
    await tx.run("MERGE (h:AuditHead {id: 'main'}) SET h.seq = $seq, h.hash = $prev", { seq, prev });
  });
}

describe('P1: unkeyed hashes verify only up to AUDIT_UNKEYED_UNTIL', () => {
  beforeEach(wipeAudit);

  it('a trail re-chained without the key (unkeyed hashes, one entry edited) and its checkpoints deleted is reported, through the API and the CLI', async () => {
    for (let i = 0; i < 6; i++) await as(app, 'station', 'officer')({ url: `/api/entities/${E.P3}` });
    expect((await auditor()({ method: 'POST', url: '/api/audit/checkpoints' })).statusCode).toBe(201);
    await rechainUnkeyed(1, (a) => {
      if (a.seq === 2) a.user = 'forged';
    });
    await writeTx(graph, (tx) => tx.run('MATCH (c:AuditCheckpoint) DELETE c'));
    const r = await verifyWith(app);
    expect(r.ok).toBe(false);
    expect(r.problems[0]).toMatchObject({ seq: 1, kind: 'edited' });
    expect(r.problems.map((p: { seq: number }) => p.seq)).toContain(2);
    const cli = auditVerifyCli([]);
    expect(cli.code).toBe(1);
    expect(cli.out).toContain('seq 1 (edited)');
  });

  it('a trail an earlier version began verifies with AUDIT_UNKEYED_UNTIL set to its last entry, not without it; an unkeyed entry past that point is an edit', async () => {
    await writeUnkeyedEntries(4);
    const upgraded = await buildTestApp({ RATE_LIMIT_PER_MINUTE: 1_000_000, AUDIT_UNKEYED_UNTIL: 4 });
    try {
      for (let i = 0; i < 2; i++) expect((await as(upgraded, 'station', 'officer')({ url: `/api/entities/${E.P3}` })).statusCode).toBe(200);
      const r = await verifyWith(upgraded);
      expect(r.ok, JSON.stringify(r.problems)).toBe(true);
      expect(auditVerifyCli([], { AUDIT_UNKEYED_UNTIL: '4' }).code).toBe(0);
      // Without the declaration, the old entries' hashes are anyone's: every one is reported.
      expect((await verifyWith(app)).problems[0]).toMatchObject({ seq: 1, kind: 'edited' });
      // A forger appending unkeyed entries where the old version stopped (before any keyed one) is found too.
      await wipeAudit();
      await writeUnkeyedEntries(6);
      const past = await verifyWith(upgraded);
      expect(past.ok).toBe(false);
      expect(past.problems[0]).toMatchObject({ seq: 5, kind: 'edited' });
    } finally {
      await upgraded.close();
    }
  });

  it('known channel: a tail cut back with the head and the later checkpoints verifies in the graph alone, and is found against exported checkpoints', async () => {
    for (let i = 0; i < 6; i++) await as(app, 'station', 'officer')({ url: `/api/entities/${E.P3}` });
    expect((await auditor()({ method: 'POST', url: '/api/audit/checkpoints' })).statusCode).toBe(201);
    const file = path.join(os.tmpdir(), `onemap-cps-review7-${process.pid}.json`);
    try {
      expect(auditVerifyCli(['--export', file]).code).toBe(0);
      await writeTx(graph, async (tx) => {
        await tx.run('MATCH (a:AuditEntry) WHERE a.seq > 3 DETACH DELETE a');
        await tx.run('MATCH (c:AuditCheckpoint) WHERE c.seq > 3 DELETE c');
        await tx.run("MATCH (a:AuditEntry {seq: 3}), (h:AuditHead {id: 'main'}) SET h.seq = 3, h.hash = a.hash");
      });
      // Nothing in the graph says the chain was longer …
      expect((await verifyWith(app)).ok).toBe(true);
      // … but the checkpoint kept outside does.
      const against = auditVerifyCli(['--against', file]);
      expect(against.code).toBe(1);
      expect(against.out).toContain('cut back');
    } finally {
      fs.rmSync(file, { force: true });
    }
  });
});

describe('P9: auditors read every text a caller wrote masked', () => {
  it('an unknown path holding an identifier, plain or percent-encoded, is listed masked; the stored entry keeps it', async () => {
    const id = nonce();
    for (const p of [`/api/nope/${ID}`, `/api/nope/${encodeURIComponent(PLATE)}`]) {
      expect((await as(app, 'station', 'officer')({ url: `${p}?probe=${id}` })).statusCode).toBe(404);
    }
    const stored = await storedWith(id);
    expect(stored.map((e) => e.route)).toEqual([`/api/nope/${ID}`, `/api/nope/${encodeURIComponent(PLATE)}`]);
    const listed = (await auditor()({ url: `/api/audit/entries?user=${username('station', 'officer')}&limit=1000` })).json().items as Record<string, unknown>[];
    const mine = listed.filter((e) => String(e.paramsJson).includes(id));
    expect(mine).toHaveLength(2);
    const text = JSON.stringify(mine);
    expect(text).not.toContain(ID_MIDDLE);
    expect(text).not.toContain('A12345');
    expect(text).not.toContain(encodeURIComponent(PLATE));
  });

  it('a login with an identifier as the name is listed masked, and filtering by that identifier finds what a name nobody used finds: nothing', async () => {
    const id = nonce();
    expect((await app.inject({ method: 'POST', url: `/api/auth/login?probe=${id}`, payload: { username: ID, password: 'wrong-password' } })).statusCode).toBe(401);
    expect((await storedWith(id))[0]?.user).toBe(ID);
    const listed = (await auditor()({ url: '/api/audit/entries?limit=1000' })).json().items as Record<string, unknown>[];
    const mine = listed.find((e) => String(e.paramsJson).includes(id));
    expect(mine?.user).toBe('620102********1234');
    const byId = await auditor()({ url: `/api/audit/entries?user=${ID}` });
    const byNobody = await auditor()({ url: '/api/audit/entries?user=620102199001019999' });
    expect(byId.statusCode).toBe(200);
    expect(byId.json()).toEqual(byNobody.json());
    expect(byId.json().items).toEqual([]);
  });
});

describe('P4: URLs refused before routing are audited', () => {
  it('a path parameter too long (414) and a malformed percent-encoding (400) under /api leave an entry naming the caller of a valid token', async () => {
    const [a, b, c] = [nonce(), nonce(), nonce()];
    const long = await as(app, 'station', 'officer')({ url: `/api/entities/${'x'.repeat(150)}?probe=${a}` });
    expect(long.statusCode).toBe(414);
    expect(long.json().code).toBe('ONEMAP_ERR_URI_TOO_LONG');
    expect((await storedWith(a))[0]).toMatchObject({ user: username('station', 'officer'), unit: '620102001', status: 414, outcome: 'error', method: 'GET' });
    const bad = await as(app, 'station', 'officer')({ url: `/api/entities/%E0%A4%A?probe=${b}` });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().code).toBe('ONEMAP_ERR_BAD_REQUEST');
    expect((await storedWith(b))[0]).toMatchObject({ user: username('station', 'officer'), status: 400, outcome: 'error' });
    // Without a token the refusal is audited all the same, unnamed.
    expect((await app.inject({ url: `/api/entities/${'y'.repeat(150)}?probe=${c}` })).statusCode).toBe(414);
    expect((await storedWith(c))[0]).toMatchObject({ user: null, status: 414 });
  });
});

describe('P5: the server log holds no searched identifier', () => {
  it('a search with an ID in the query, a profile path with an ID, refused URLs and an error leave log lines without the ID', async () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const logged = await buildApp({ config: loadConfig({ ...testEnv, ACCESS_CACHE_MS: 0, RATE_LIMIT_PER_MINUTE: 1_000_000 }), logger: { level: 'trace', stream } });
    // An error whose message names what was looked up, as a driver or library error may.
    logged.get('/review7-boom/:value', { config: { public: true } }, async (request) => {
      throw new Error(`lookup of ${(request.params as { value: string }).value} failed`);
    });
    await logged.ready();
    try {
      const officer = as(logged, 'county', 'officer');
      expect((await officer({ url: `/api/search?q=${ID}` })).statusCode).toBe(200);
      expect((await officer({ url: `/api/search?q=${encodeURIComponent(PLATE)}` })).statusCode).toBe(200);
      expect((await officer({ url: `/api/entities/${ID}` })).statusCode).toBe(404);
      expect((await officer({ url: `/api/entities/${encodeURIComponent(PLATE)}/relations` })).statusCode).toBeGreaterThanOrEqual(400);
      expect((await officer({ url: `/api/nope/${ID}` })).statusCode).toBe(404);
      expect((await officer({ url: `/api/entities/${ID}-${'x'.repeat(120)}` })).statusCode).toBe(414);
      expect((await officer({ url: `/api/entities/${ID}${'x'.repeat(120)}` })).statusCode).toBe(414);
      expect((await officer({ url: `/api/entities/${ID}%E0%A4%A` })).statusCode).toBe(400);
      expect((await logged.inject({ url: `/review7-boom/${ID}` })).statusCode).toBe(500);
    } finally {
      await logged.close();
    }
    const log = lines.join('');
    // The log is there and says what happened …
    expect(log).toContain('incoming request');
    expect(log).toContain('"url":"/api/search?q"');
    expect(log).toContain('lookup of 620102********1234 failed');
    // … never with the identifiers.
    expect(log).not.toContain(ID_MIDDLE);
    expect(log).not.toContain('A12345');
    expect(log).not.toContain(encodeURIComponent(PLATE));
  });
});
