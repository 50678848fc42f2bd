import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { type Graph, readTx, writeTx } from '@onemap/graph-schema/server';

/** Hash that the first entry points back to. */
export const GENESIS_HASH = '0'.repeat(64);

export type AuditOutcome = 'allowed' | 'denied' | 'error';

/** What one request leaves in the audit trail (R10). */
export interface AuditInput {
  at: string;
  requestId: string;
  user: string | null;
  unit: string | null;
  role: string | null;
  purposeJson: string | null;
  route: string;
  method: string;
  paramsJson: string;
  resultCount: number | null;
  outcome: AuditOutcome;
  status: number;
}

export interface AuditEntry extends AuditInput {
  seq: number;
  prevHash: string;
  hash: string;
}

/**
 * The hash of one entry: SHA-256 over the previous hash and every recorded field, in a fixed
 * order, as JSON. Changing any field, the order or the link changes it.
 */
export function entryHash(e: Omit<AuditEntry, 'hash'>): string {
  const canonical = JSON.stringify([
    e.seq,
    e.prevHash,
    e.at,
    e.requestId,
    e.user,
    e.unit,
    e.role,
    e.purposeJson,
    e.route,
    e.method,
    e.paramsJson,
    e.resultCount,
    e.outcome,
    e.status,
  ]);
  return createHash('sha256').update(canonical).digest('hex');
}

/** HMAC-SHA256 signature of a checkpoint `(seq, hash, at)`. */
export function signCheckpoint(key: string, seq: number, hash: string, at: string): string {
  return createHmac('sha256', key).update(`onemap-audit-checkpoint:${seq}:${hash}:${at}`).digest('hex');
}

function sameHex(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}

export interface AppendOptions {
  signingKey: string;
  checkpointEvery: number;
}

/**
 * Appends one entry. The single `(:AuditHead {id:'main'})` node is write-locked in the same
 * transaction, so appends from any number of server replicas form one chain without gaps.
 * @returns the new entry's sequence number and hash
 */
export async function appendAudit(graph: Graph, input: AuditInput, opts: AppendOptions): Promise<{ seq: number; hash: string }> {
  return writeTx(graph, async (tx) => {
    const head = await tx.run(
      `MERGE (h:AuditHead {id: 'main'}) ON CREATE SET h.seq = 0, h.hash = $genesis
       SET h._lock = true
       RETURN h.seq AS seq, h.hash AS hash`,
      { genesis: GENESIS_HASH },
    );
    const prevSeq = (head.records[0]?.get('seq') as number) ?? 0;
    const prevHash = (head.records[0]?.get('hash') as string) ?? GENESIS_HASH;
    const entry: Omit<AuditEntry, 'hash'> = { ...input, seq: prevSeq + 1, prevHash };
    const hash = entryHash(entry);
    await tx.run(
      `MATCH (h:AuditHead {id: 'main'})
       CREATE (a:AuditEntry) SET a = $entry, a.seq = toInteger($entry.seq), a.status = toInteger($entry.status),
                                 a.resultCount = toInteger($entry.resultCount), a.hash = $hash
       SET h.seq = toInteger($entry.seq), h.hash = $hash
       REMOVE h._lock`,
      { entry, hash },
    );
    if (entry.seq % opts.checkpointEvery === 0) {
      const at = new Date().toISOString();
      await tx.run('CREATE (c:AuditCheckpoint {seq: toInteger($seq), hash: $hash, at: $at, signature: $sig, by: $by})', {
        seq: entry.seq,
        hash,
        at,
        sig: signCheckpoint(opts.signingKey, entry.seq, hash, at),
        by: 'auto',
      });
    }
    return { seq: entry.seq, hash };
  });
}

export interface Checkpoint {
  seq: number;
  hash: string;
  at: string;
  signature: string;
  by: string;
}

/** Signs the current head as a checkpoint (idempotent per sequence number). */
export async function createCheckpoint(graph: Graph, signingKey: string, by: string): Promise<Checkpoint | null> {
  return writeTx(graph, async (tx) => {
    const r = await tx.run(`MATCH (h:AuditHead {id: 'main'}) WHERE h.seq > 0 RETURN h.seq AS seq, h.hash AS hash`);
    const row = r.records[0];
    if (!row) return null;
    const seq = row.get('seq') as number;
    const hash = row.get('hash') as string;
    const at = new Date().toISOString();
    const c = await tx.run(
      `MERGE (c:AuditCheckpoint {seq: toInteger($seq)}) ON CREATE SET c.hash = $hash, c.at = $at, c.signature = $sig, c.by = $by
       RETURN c {.seq, .hash, .at, .signature, .by} AS c`,
      { seq, hash, at, sig: signCheckpoint(signingKey, seq, hash, at), by },
    );
    return c.records[0]?.get('c') as Checkpoint;
  });
}

export async function listCheckpoints(graph: Graph): Promise<Checkpoint[]> {
  return readTx(graph, async (tx) => {
    const r = await tx.run('MATCH (c:AuditCheckpoint) RETURN c {.seq, .hash, .at, .signature, .by} AS c ORDER BY c.seq');
    return r.records.map((x) => x.get('c') as Checkpoint);
  });
}

export interface EntryFilter {
  afterSeq?: number;
  limit: number;
  user?: string;
  outcome?: AuditOutcome;
  /** Only entries recorded for these units; null or absent: the whole trail. */
  units?: string[] | null;
}

export async function listEntries(graph: Graph, f: EntryFilter): Promise<AuditEntry[]> {
  return readTx(graph, async (tx) => {
    const r = await tx.run(
      `MATCH (a:AuditEntry) WHERE a.seq > $after AND ($user IS NULL OR a.user = $user) AND ($outcome IS NULL OR a.outcome = $outcome)
         AND ($units IS NULL OR a.unit IN $units)
       RETURN properties(a) AS a ORDER BY a.seq DESC LIMIT toInteger($limit)`,
      { after: f.afterSeq ?? 0, user: f.user ?? null, outcome: f.outcome ?? null, units: f.units ?? null, limit: f.limit },
    );
    return r.records.map((x) => x.get('a') as AuditEntry);
  });
}

export type ProblemKind = 'edited' | 'deleted' | 'reordered' | 'head_mismatch' | 'checkpoint_mismatch' | 'checkpoint_signature';

export interface VerifyProblem {
  seq: number;
  kind: ProblemKind;
  message: string;
}

export interface VerifyReport {
  /** The whole chain is intact (verification is always global). */
  ok: boolean;
  /** Entries walked (in scope, when a scope was given). */
  entries: number;
  headSeq: number;
  checkpointsChecked: number;
  problems: VerifyProblem[];
  /** Problems at entries outside the scope: counted, not described. */
  problemsOutOfScope: number;
}

/**
 * Walks the chain in sequence order and recomputes every hash. Finds an edited entry (its hash
 * no longer matches its content), a deleted one (a gap in the sequence or a broken link), a
 * reordered one (a valid entry whose link points at another entry than the one before it),
 * a head that does not match the last entry, and checkpoints whose hash or signature disagree.
 */
export async function verifyAudit(graph: Graph, signingKey: string, pageSize = 5000, inScope: (unit: string | null) => boolean = () => true): Promise<VerifyReport> {
  const problems: VerifyProblem[] = [];
  // Entries outside the scope: their problems are counted, not described (gaps, the head and
  // checkpoints name no entry's content and are shown to everyone).
  const hidden = new Set<number>();
  let problemsOutOfScope = 0;
  const add = (p: VerifyProblem) => {
    if (hidden.has(p.seq) && p.kind !== 'deleted') problemsOutOfScope++;
    else if (problems.length < 100) problems.push(p);
  };
  let inScopeCount = 0;
  const hashes = new Map<number, string>();
  let expectedSeq = 1;
  let prevHash = GENESIS_HASH;
  let after = 0;
  for (;;) {
    const page = await readTx(graph, async (tx) => {
      const r = await tx.run('MATCH (a:AuditEntry) WHERE a.seq > $after RETURN properties(a) AS a ORDER BY a.seq LIMIT toInteger($n)', { after, n: pageSize });
      return r.records.map((x) => x.get('a') as AuditEntry);
    });
    for (const e of page) {
      if (inScope(e.unit ?? null)) inScopeCount++;
      else hidden.add(e.seq);
      if (e.seq !== expectedSeq) {
        add({ seq: expectedSeq, kind: 'deleted', message: `entries ${expectedSeq}..${e.seq - 1} are missing` });
      }
      const { hash, ...rest } = e;
      const recomputed = entryHash({ ...rest, resultCount: rest.resultCount ?? null } as Omit<AuditEntry, 'hash'>);
      const selfOk = recomputed === hash;
      if (!selfOk) {
        add({ seq: e.seq, kind: 'edited', message: `entry ${e.seq} was changed after it was written: its content no longer matches its hash` });
      } else if (e.prevHash !== prevHash && e.seq === expectedSeq) {
        add({ seq: e.seq, kind: 'reordered', message: `entry ${e.seq} does not follow entry ${e.seq - 1}: its link points at another entry (reordered or replaced)` });
      } else if (e.prevHash !== prevHash) {
        add({ seq: e.seq, kind: 'deleted', message: `entry ${e.seq} links to an entry that is no longer before it` });
      }
      hashes.set(e.seq, hash);
      prevHash = hash;
      expectedSeq = e.seq + 1;
      after = e.seq;
    }
    if (page.length < pageSize) break;
  }
  const meta = await readTx(graph, async (tx) => {
    const h = await tx.run("MATCH (h:AuditHead {id: 'main'}) RETURN h.seq AS seq, h.hash AS hash");
    const c = await tx.run('MATCH (c:AuditCheckpoint) RETURN c {.seq, .hash, .at, .signature, .by} AS c ORDER BY c.seq');
    return { head: h.records[0]?.toObject() as { seq: number; hash: string } | undefined, checkpoints: c.records.map((x) => x.get('c') as Checkpoint) };
  });
  const headSeq = meta.head?.seq ?? 0;
  if (meta.head && (meta.head.seq !== expectedSeq - 1 || meta.head.hash !== prevHash)) {
    add({
      seq: meta.head.seq,
      kind: meta.head.seq > expectedSeq - 1 ? 'deleted' : 'head_mismatch',
      message:
        meta.head.seq > expectedSeq - 1
          ? `the head says ${meta.head.seq} entries but the chain ends at ${expectedSeq - 1}: the last entries were deleted`
          : `the head (seq ${meta.head.seq}) does not match the last entry (seq ${expectedSeq - 1})`,
    });
  }
  for (const c of meta.checkpoints) {
    if (!sameHex(signCheckpoint(signingKey, c.seq, c.hash, c.at), c.signature)) {
      add({ seq: c.seq, kind: 'checkpoint_signature', message: `checkpoint at ${c.seq} has a signature that does not verify with this key` });
    } else if (hashes.has(c.seq) && hashes.get(c.seq) !== c.hash) {
      add({ seq: c.seq, kind: 'checkpoint_mismatch', message: `entry ${c.seq} differs from the signed checkpoint: the chain was rewritten` });
    } else if (!hashes.has(c.seq)) {
      add({ seq: c.seq, kind: 'deleted', message: `checkpointed entry ${c.seq} is missing` });
    }
  }
  problems.sort((a, b) => a.seq - b.seq);
  return { ok: problems.length === 0 && problemsOutOfScope === 0, entries: inScopeCount, headSeq, checkpointsChecked: meta.checkpoints.length, problems, problemsOutOfScope };
}

/** Verifies an exported checkpoint file against the key (for keeping checkpoints elsewhere). */
export function verifyCheckpointSignature(key: string, c: Checkpoint): boolean {
  return sameHex(signCheckpoint(key, c.seq, c.hash, c.at), c.signature);
}
