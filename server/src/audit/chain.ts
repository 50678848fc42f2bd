import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { Graph } from '@onemap/graph-schema/server';
import {
  type AuditAppend,
  type AuditHead,
  appendAuditEntries,
  appendAuditEntriesAtHead,
  rehearseAuditAppend,
  type EntryFilter,
  listCheckpoints,
  listEntries,
  mergeAuditCheckpoint,
  readEntryPage,
  readHashesBySeq,
  readHeadAndCheckpoints,
} from '../repositories/audit.ts';

/** Hash that the first entry points back to. */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * How a request ended; `intent`: written before a request that changes something runs (status 0),
 * so no change is ever made without an entry, even when the answer's own entry then fails.
 */
export type AuditOutcome = 'allowed' | 'denied' | 'error' | 'intent';

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

/** The recorded fields of an entry, with its link, in a fixed order, as JSON. */
function canonicalEntry(e: Omit<AuditEntry, 'hash'>): string {
  return JSON.stringify([
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
}

/**
 * The key the audit digests are made with, derived from the audit signing key (a key of its own,
 * so a digest is never a checkpoint signature). Digests are keyed because readers see entries
 * masked: a plain SHA-256 over the unmasked values, beside their masked form, let a reader try
 * every value the mask hides (a resident ID's birth date, a phone's last digits) until the hash
 * matched. Keyed, a digest says nothing to whoever lacks the key; the server verifies.
 */
export function auditDigestKey(signingKey: string): Buffer {
  return createHmac('sha256', signingKey).update('onemap-audit-digest-key').digest();
}

/**
 * The hash of one entry: HMAC-SHA256 (`auditDigestKey`) over the previous hash and every recorded
 * field, in a fixed order. Changing any field, the order or the link changes it.
 */
export function entryHash(key: Buffer, e: Omit<AuditEntry, 'hash'>): string {
  return createHmac('sha256', key).update(canonicalEntry(e)).digest('hex');
}

/**
 * The unkeyed hash entries were chained with before keyed digests (2026-12-02). Anyone can compute
 * it, so verification accepts it only up to the point the operator declares (`AUDIT_UNKEYED_UNTIL`:
 * the last entry an earlier version wrote) and before the chain's first keyed entry; anywhere else
 * it is an edit. Were it accepted wherever no keyed entry came before, a writer without the key
 * could re-chain the whole trail with it.
 */
export function unkeyedEntryHash(e: Omit<AuditEntry, 'hash'>): string {
  return createHash('sha256').update(canonicalEntry(e)).digest('hex');
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
 * Chains a group of inputs onto `head`: sequence numbers, links and hashes in order, and a signed
 * checkpoint for every entry whose sequence number is a multiple of `checkpointEvery`. Pure.
 */
export function chainGroup(head: AuditHead, inputs: readonly AuditInput[], opts: AppendOptions): AuditAppend[] {
  let prev = head;
  const key = auditDigestKey(opts.signingKey);
  return inputs.map((input) => {
    const entry: Omit<AuditEntry, 'hash'> = { ...input, seq: prev.seq + 1, prevHash: prev.hash };
    const hash = entryHash(key, entry);
    prev = { seq: entry.seq, hash };
    if (entry.seq % opts.checkpointEvery !== 0) return { entry, hash, checkpoint: null };
    const at = new Date().toISOString();
    return {
      entry,
      hash,
      checkpoint: { at, signature: signCheckpoint(opts.signingKey, entry.seq, hash, at), by: 'auto' },
    };
  });
}

/** How often a group is chained again onto a head another writer moved, before the locked transaction takes over. */
export const AUDIT_FAST_ATTEMPTS = 2;

const headsOf = (written: AuditAppend[]): AuditHead[] => written.map((w) => ({ seq: w.entry.seq, hash: w.hash }));

/**
 * Appends a group of entries so that appends from any number of server replicas form one chain
 * without gaps (see `AuditGroupCommit` for the batching).
 *
 * With `known` — the head as this process last wrote it — the group is chained onto it and written
 * by one statement that writes only if the head is still that (`appendAuditEntriesAtHead`: one
 * round trip); if another writer moved the head, the group is chained onto the head the statement
 * found and tried again. Otherwise, or after `AUDIT_FAST_ATTEMPTS`, or when a statement failed, one
 * transaction locks the head, reads it and writes the group (three round trips). After a failed
 * statement (its commit may have landed before the connection broke) that transaction writes
 * nothing if the group's last entry is in the chain, so a group is never written twice.
 * @returns the sequence number and hash of each input's entry, in input order
 */
export async function appendAuditGroup(
  graph: Graph,
  inputs: readonly AuditInput[],
  opts: AppendOptions,
  known: AuditHead | null = null,
): Promise<AuditHead[]> {
  const isLastOf = (head: AuditHead | null, group: AuditAppend[]) => {
    const last = group[group.length - 1];
    return !!head && !!last && head.seq === last.entry.seq && head.hash === last.hash;
  };
  // The group of a statement that failed: it may have committed all the same.
  let maybeWritten: AuditAppend[] | null = null;
  if (known) {
    let head: AuditHead | null = known;
    for (let attempt = 0; head && attempt < AUDIT_FAST_ATTEMPTS; attempt++) {
      const group = chainGroup(head, inputs, opts);
      try {
        head = await appendAuditEntriesAtHead(graph, head, group);
      } catch {
        maybeWritten = group;
        break;
      }
      if (isLastOf(head, group)) return headsOf(group);
    }
  }
  let written: AuditAppend[] = [];
  const last = maybeWritten?.[maybeWritten.length - 1];
  const head = await appendAuditEntries(
    graph,
    GENESIS_HASH,
    (h) => {
      written = chainGroup(h, inputs, opts);
      return written;
    },
    last ? { seq: last.entry.seq, hash: last.hash } : null,
  );
  return headsOf(head === null && maybeWritten ? maybeWritten : written);
}

/**
 * Rehearses the append of `input`'s entry: chained onto the head as it is and written both ways a
 * group is written, each in a transaction that is rolled back (`rehearseAuditAppend`). Nothing is
 * written; the server's warm-ups use it so the first requests after a start do not compile the write path.
 */
export async function rehearseAudit(graph: Graph, input: AuditInput, opts: AppendOptions): Promise<void> {
  await rehearseAuditAppend(graph, (head) => chainGroup(head, [input], opts), GENESIS_HASH);
}

/** Appends one entry on its own transaction. */
export async function appendAudit(graph: Graph, input: AuditInput, opts: AppendOptions): Promise<AuditHead> {
  const [head] = await appendAuditGroup(graph, [input], opts);
  if (!head) throw new Error('unreachable: no audit entry written');
  return head;
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
  return mergeAuditCheckpoint(graph, by, (head) => {
    const at = new Date().toISOString();
    return { at, signature: signCheckpoint(signingKey, head.seq, head.hash, at) };
  });
}

export { listCheckpoints, listEntries };
export type { EntryFilter };

export type ProblemKind =
  | 'edited'
  | 'deleted'
  | 'reordered'
  | 'head_mismatch'
  | 'checkpoint_mismatch'
  | 'checkpoint_signature';

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

export interface VerifyOptions {
  signingKey: string;
  /** The last entry that may carry the unkeyed hash of an earlier version (`AUDIT_UNKEYED_UNTIL`); 0: none. */
  unkeyedUntil: number;
  /** Whose problems are described (the auditor's units); the others are counted. Default: every entry. */
  inScope?: (unit: string | null) => boolean;
  pageSize?: number;
}

/**
 * Walks the chain in sequence order and recomputes every hash. Finds an edited entry (its hash
 * no longer matches its content, or is the unkeyed hash past `unkeyedUntil`), a deleted one (a gap
 * in the sequence or a broken link), a reordered one (a valid entry whose link points at another
 * entry than the one before it), a head that does not match the last entry, and checkpoints whose
 * hash or signature disagree. A tail cut back together with the head and the checkpoints after
 * it is not found here: only against checkpoints exported and kept elsewhere (`audit-verify --against`).
 */
export async function verifyAudit(graph: Graph, opts: VerifyOptions): Promise<VerifyReport> {
  const { signingKey, unkeyedUntil, inScope = () => true, pageSize = 5000 } = opts;
  const problems: VerifyProblem[] = [];
  // Entries outside the scope: their problems are counted, not described (gaps, the head and
  // checkpoints name no entry's content and are shown to everyone). One bit an entry: a Set of
  // their numbers (and a Map of every hash) grew ~150 bytes an entry, for every verification at
  // once, and stopped at 2^24 entries for good.
  const hidden = new SeqBits();
  let problemsOutOfScope = 0;
  const add = (p: VerifyProblem) => {
    if (hidden.has(p.seq) && p.kind !== 'deleted') problemsOutOfScope++;
    else if (problems.length < 100) problems.push(p);
  };
  let inScopeCount = 0;
  const key = auditDigestKey(signingKey);
  let keyedSeen = false;
  let expectedSeq = 1;
  let prevHash = GENESIS_HASH;
  let after = 0;
  for (;;) {
    const page = await readEntryPage(graph, after, pageSize);
    for (const e of page) {
      if (inScope(e.unit ?? null)) inScopeCount++;
      else hidden.add(e.seq);
      if (e.seq !== expectedSeq) {
        add({ seq: expectedSeq, kind: 'deleted', message: `entries ${expectedSeq}..${e.seq - 1} are missing` });
      }
      const { hash, ...rest } = e;
      const fields = { ...rest, resultCount: rest.resultCount ?? null } as Omit<AuditEntry, 'hash'>;
      const keyed = entryHash(key, fields) === hash;
      const unkeyed = !keyed && unkeyedEntryHash(fields) === hash;
      // unkeyed hashes only where an earlier version wrote them: up to the declared point, before the first keyed entry
      const selfOk = keyed || (unkeyed && !keyedSeen && e.seq <= unkeyedUntil);
      keyedSeen ||= keyed;
      if (!selfOk) {
        const why = unkeyed
          ? `its hash is the unkeyed form, valid only up to entry ${unkeyedUntil} (AUDIT_UNKEYED_UNTIL) and before the first keyed entry: rewritten without the key`
          : 'its content no longer matches its hash';
        add({ seq: e.seq, kind: 'edited', message: `entry ${e.seq} was changed after it was written: ${why}` });
      } else if (e.prevHash !== prevHash && e.seq === expectedSeq) {
        add({
          seq: e.seq,
          kind: 'reordered',
          message: `entry ${e.seq} does not follow entry ${e.seq - 1}: its link points at another entry (reordered or replaced)`,
        });
      } else if (e.prevHash !== prevHash) {
        add({ seq: e.seq, kind: 'deleted', message: `entry ${e.seq} links to an entry that is no longer before it` });
      }
      prevHash = hash;
      expectedSeq = e.seq + 1;
      after = e.seq;
    }
    if (page.length < pageSize) break;
  }
  const meta = await readHeadAndCheckpoints(graph);
  // the checkpointed entries' hashes, as stored (those walked above were checked against their content)
  const hashes = await readHashesBySeq(
    graph,
    meta.checkpoints.map((c) => c.seq),
  );
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
      add({
        seq: c.seq,
        kind: 'checkpoint_signature',
        message: `checkpoint at ${c.seq} has a signature that does not verify with this key`,
      });
    } else if (hashes.has(c.seq) && hashes.get(c.seq) !== c.hash) {
      add({
        seq: c.seq,
        kind: 'checkpoint_mismatch',
        message: `entry ${c.seq} differs from the signed checkpoint: the chain was rewritten`,
      });
    } else if (!hashes.has(c.seq)) {
      add({ seq: c.seq, kind: 'deleted', message: `checkpointed entry ${c.seq} is missing` });
    }
  }
  problems.sort((a, b) => a.seq - b.seq);
  return {
    ok: problems.length === 0 && problemsOutOfScope === 0,
    entries: inScopeCount,
    headSeq,
    checkpointsChecked: meta.checkpoints.length,
    problems,
    problemsOutOfScope,
  };
}

/**
 * A set of entry numbers (1, 2, …) as one bit each, growing as needed; a number no honest chain
 * reaches (not an integer in [0, 2^31): an edited entry's) in a small set of its own, so an edit
 * can neither allocate a huge bitset nor wrap onto another entry's bit.
 */
class SeqBits {
  private bits = new Uint8Array(1 << 16);
  private readonly odd = new Set<number>();
  add(seq: number): void {
    if (!SeqBits.fits(seq)) {
      this.odd.add(seq);
      return;
    }
    const i = seq >>> 3;
    if (i >= this.bits.length) {
      const grown = new Uint8Array(Math.max(this.bits.length * 2, i + 1));
      grown.set(this.bits);
      this.bits = grown;
    }
    this.bits[i]! |= 1 << (seq & 7);
  }
  has(seq: number): boolean {
    if (!SeqBits.fits(seq)) return this.odd.has(seq);
    const i = seq >>> 3;
    return i < this.bits.length && (this.bits[i]! & (1 << (seq & 7))) !== 0;
  }
  /** Numbers the bitset holds: up to 2^27 entries, 16 MiB of bits. */
  private static fits(seq: number): boolean {
    return Number.isInteger(seq) && seq >= 0 && seq < 2 ** 27;
  }
}

/** Verifies an exported checkpoint file against the key (for keeping checkpoints elsewhere). */
export function verifyCheckpointSignature(key: string, c: Checkpoint): boolean {
  return sameHex(signCheckpoint(key, c.seq, c.hash, c.at), c.signature);
}
