import { type Graph, readTx, rolledBackTx, runAutoCommit, writeTx } from '@onemap/graph-schema/server';
import type { ManagedTransaction } from 'neo4j-driver';
import type { AuditEntry, AuditOutcome, Checkpoint } from '../audit/chain.ts';

/** The chain's head: the last entry's sequence number and hash. */
export interface AuditHead {
  seq: number;
  hash: string;
}

/** One entry of a group `appendAuditEntries` writes once it knows the head: the entry, and a checkpoint when one is due. */
export interface AuditAppend {
  entry: Omit<AuditEntry, 'hash'>;
  hash: string;
  checkpoint: Omit<Checkpoint, 'seq' | 'hash'> | null;
}

/** A group's rows as the append statements take them: entries with their hashes, and the checkpoints due. */
function groupParams(group: AuditAppend[]) {
  const last = group[group.length - 1];
  if (!last) throw new Error('unreachable: empty audit group');
  return {
    rows: group.map(({ entry, hash }) => ({ entry, hash })),
    cps: group.flatMap(({ entry, hash, checkpoint }) =>
      checkpoint ? [{ seq: entry.seq, hash, at: checkpoint.at, sig: checkpoint.signature, by: checkpoint.by }] : [],
    ),
    seq: last.entry.seq,
    hash: last.hash,
  };
}

/** The one-statement append of a group onto an expected head (`appendAuditEntriesAtHead`; rehearsed by `rehearseAuditAppend`). */
const APPEND_AT_HEAD_CYPHER = `MATCH (h:AuditHead {id: 'main'})
     SET h._lock = true
     WITH h, h.seq = $expectSeq AND h.hash = $expectHash AS atHead
     CALL (h, atHead) {
       WITH h WHERE atHead
       SET h.seq = toInteger($seq), h.hash = $hash
       WITH h
       CALL () {
         UNWIND $rows AS row
         CREATE (a:AuditEntry) SET a = row.entry, a.seq = toInteger(row.entry.seq), a.status = toInteger(row.entry.status),
                                   a.resultCount = toInteger(row.entry.resultCount), a.hash = row.hash
       }
       CALL () {
         UNWIND $cps AS c
         CREATE (:AuditCheckpoint {seq: toInteger(c.seq), hash: c.hash, at: c.at, signature: c.sig, by: c.by})
       }
     }
     REMOVE h._lock
     RETURN h.seq AS seq, h.hash AS hash`;

/**
 * Appends a group chained onto `expected` in ONE auto-commit statement — one round trip, where a
 * transaction takes three (head, entries, commit) — if the head is still `expected`: the head is
 * write-locked first and compared under the lock, so a group chained onto a head another writer
 * has moved on writes nothing (the chain stays gapless across replicas; the caller chains again).
 * The statement commits before it answers, so a returned head that is the group's last entry
 * means the group is durable.
 * @returns the head after the statement (the group's last entry when it was written, else the
 *   head as found), or null when there is no head yet (the locked transaction creates it)
 */
export async function appendAuditEntriesAtHead(
  graph: Graph,
  expected: AuditHead,
  group: AuditAppend[],
): Promise<AuditHead | null> {
  const r = await runAutoCommit(graph, APPEND_AT_HEAD_CYPHER, {
    expectSeq: expected.seq,
    expectHash: expected.hash,
    ...groupParams(group),
  });
  const row = r.records[0];
  return row ? { seq: row.get('seq') as number, hash: row.get('hash') as string } : null;
}

/**
 * Appends a group of entries in ONE transaction (group commit). The single `(:AuditHead {id:'main'})`
 * node is write-locked first, so groups from any number of server replicas form one chain without
 * gaps; `next` builds the group's entries (chained, with their hashes and any due checkpoints) from
 * the head it was given under that lock. A retried transaction calls `next` again with the new head.
 * `unlessWritten`: the last entry of a group a failed statement may have committed; if it is in
 * the chain, nothing is written.
 * @returns the head after the group (the last entry's sequence number and hash); null when
 *   `unlessWritten` was found
 */
export async function appendAuditEntries(
  graph: Graph,
  genesis: string,
  next: (head: AuditHead) => AuditAppend[],
  unlessWritten: AuditHead | null = null,
): Promise<AuditHead | null> {
  return writeTx(graph, (tx) => appendAuditEntriesTx(tx, genesis, next, unlessWritten));
}

/** `appendAuditEntries`' statements in `tx` (its commit is the caller's). */
async function appendAuditEntriesTx(
  tx: ManagedTransaction,
  genesis: string,
  next: (head: AuditHead) => AuditAppend[],
  unlessWritten: AuditHead | null,
): Promise<AuditHead | null> {
  // Take the head's write lock straight away (MATCH reads take no lock): MERGE would take a shared lock
  // first, and two replicas upgrading theirs at once deadlock and wait out the driver's retry backoff.
  let head = await tx.run(`MATCH (h:AuditHead {id: 'main'}) SET h._lock = true RETURN h.seq AS seq, h.hash AS hash`);
  if (head.records.length === 0) {
    head = await tx.run(
      `MERGE (h:AuditHead {id: 'main'}) ON CREATE SET h.seq = 0, h.hash = $genesis
       SET h._lock = true
       RETURN h.seq AS seq, h.hash AS hash`,
      { genesis },
    );
  }
  if (unlessWritten) {
    // Under the head's lock a statement that failed has either committed or rolled back.
    const landed = await tx.run(
      'MATCH (a:AuditEntry {seq: toInteger($seq)}) WHERE a.hash = $hash RETURN count(a) AS n',
      { seq: unlessWritten.seq, hash: unlessWritten.hash },
    );
    if ((landed.records[0]?.get('n') as number) > 0) {
      await tx.run(`MATCH (h:AuditHead {id: 'main'}) REMOVE h._lock`);
      return null;
    }
  }
  const group = next({
    seq: (head.records[0]?.get('seq') as number) ?? 0,
    hash: (head.records[0]?.get('hash') as string) ?? genesis,
  });
  const { rows, cps: checkpoints, seq, hash } = groupParams(group);
  // Entries, the new head and any due checkpoints in ONE statement: one round trip after the head's.
  await tx.run(
    `UNWIND $rows AS row
     CREATE (a:AuditEntry) SET a = row.entry, a.seq = toInteger(row.entry.seq), a.status = toInteger(row.entry.status),
                               a.resultCount = toInteger(row.entry.resultCount), a.hash = row.hash
     WITH count(a) AS written
     MATCH (h:AuditHead {id: 'main'}) SET h.seq = toInteger($seq), h.hash = $hash REMOVE h._lock
     WITH h
     UNWIND $cps AS c
     CREATE (:AuditCheckpoint {seq: toInteger(c.seq), hash: c.hash, at: c.at, signature: c.sig, by: c.by})`,
    { rows, seq, hash, cps: checkpoints },
  );
  return { seq, hash };
}

/**
 * Records a checkpoint of the current head (idempotent per sequence number); `sign` gives the
 * checkpoint's time and signature for the head read in the same transaction. Null when the chain is empty.
 */
export async function mergeAuditCheckpoint(
  graph: Graph,
  by: string,
  sign: (head: AuditHead) => { at: string; signature: string },
): Promise<Checkpoint | null> {
  return writeTx(graph, async (tx) => {
    const r = await tx.run(`MATCH (h:AuditHead {id: 'main'}) WHERE h.seq > 0 RETURN h.seq AS seq, h.hash AS hash`);
    const row = r.records[0];
    if (!row) return null;
    const seq = row.get('seq') as number;
    const hash = row.get('hash') as string;
    const { at, signature } = sign({ seq, hash });
    const c = await tx.run(
      `MERGE (c:AuditCheckpoint {seq: toInteger($seq)}) ON CREATE SET c.hash = $hash, c.at = $at, c.signature = $sig, c.by = $by
       RETURN c {.seq, .hash, .at, .signature, .by} AS c`,
      { seq, hash, at, sig: signature, by },
    );
    return c.records[0]?.get('c') as Checkpoint;
  });
}

export async function listCheckpoints(graph: Graph): Promise<Checkpoint[]> {
  return readTx(graph, async (tx) => {
    const r = await tx.run(
      'MATCH (c:AuditCheckpoint) RETURN c {.seq, .hash, .at, .signature, .by} AS c ORDER BY c.seq',
    );
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

/** Newest entries first, filtered. */
export async function listEntries(graph: Graph, f: EntryFilter): Promise<AuditEntry[]> {
  return readTx(graph, async (tx) => {
    const r = await tx.run(
      // newest first in the order of index audit_entry_seq, stopped at the page: every request
      // appends an entry, and sorting the whole trail for each page grew with it
      `MATCH (a:AuditEntry) WHERE a.seq > $after AND ($user IS NULL OR a.user = $user) AND ($outcome IS NULL OR a.outcome = $outcome)
         AND ($units IS NULL OR a.unit IN $units)
       WITH a ORDER BY a.seq DESC LIMIT toInteger($limit)
       RETURN properties(a) AS a`,
      {
        after: f.afterSeq ?? 0,
        user: f.user ?? null,
        outcome: f.outcome ?? null,
        units: f.units ?? null,
        limit: f.limit,
      },
    );
    return r.records.map((x) => x.get('a') as AuditEntry);
  });
}

/** One page of the chain in sequence order, after `after`. */
export async function readEntryPage(graph: Graph, after: number, pageSize: number): Promise<AuditEntry[]> {
  return readTx(graph, async (tx) => {
    const r = await tx.run(
      'MATCH (a:AuditEntry) WHERE a.seq > $after RETURN properties(a) AS a ORDER BY a.seq LIMIT toInteger($n)',
      { after, n: pageSize },
    );
    return r.records.map((x) => x.get('a') as AuditEntry);
  });
}

/** The head (undefined before the first entry) and every checkpoint, read together. */
export async function readHeadAndCheckpoints(
  graph: Graph,
): Promise<{ head: AuditHead | undefined; checkpoints: Checkpoint[] }> {
  return readTx(graph, async (tx) => {
    const h = await tx.run("MATCH (h:AuditHead {id: 'main'}) RETURN h.seq AS seq, h.hash AS hash");
    const c = await tx.run(
      'MATCH (c:AuditCheckpoint) RETURN c {.seq, .hash, .at, .signature, .by} AS c ORDER BY c.seq',
    );
    return {
      head: h.records[0]?.toObject() as AuditHead | undefined,
      checkpoints: c.records.map((x) => x.get('c') as Checkpoint),
    };
  });
}

/** Stored hashes of some entries, by sequence number. */
export async function readHashesBySeq(graph: Graph, seqs: number[]): Promise<Map<number, string>> {
  return readTx(graph, async (tx) => {
    const r = await tx.run(
      'UNWIND $seqs AS s MATCH (a:AuditEntry {seq: toInteger(s)}) RETURN a.seq AS seq, a.hash AS hash',
      { seqs },
    );
    return new Map(r.records.map((x) => [x.get('seq') as number, x.get('hash') as string]));
  });
}

/** The unit recorded in some entries, by sequence number (null for an entry without a caller). */
export async function readUnitsBySeq(graph: Graph, seqs: number[]): Promise<Map<number, string | null>> {
  return readTx(graph, async (tx) => {
    const r = await tx.run(
      'UNWIND $seqs AS s MATCH (a:AuditEntry {seq: toInteger(s)}) RETURN a.seq AS seq, a.unit AS unit',
      { seqs },
    );
    return new Map(r.records.map((x) => [x.get('seq') as number, (x.get('unit') as string | null) ?? null]));
  });
}

/**
 * Runs both ways a group is appended for the group `chain` makes of the head as it is, each in a
 * transaction that is then rolled back: the one statement chained onto a known head
 * (`APPEND_AT_HEAD_CYPHER`, every group of a process after its first) and the transaction that
 * locks the head, reads it and writes (`appendAuditEntries`: a process's first group, and any group
 * after another writer moved the head or a statement failed). Neo4j executes the writes — the
 * head's lock, the entries and their index entries in the transaction's state — and nothing is
 * committed, so the chain is untouched. The server's warm-ups rehearse them: every answer appends
 * to the audit, and on a store just started that write path was the third of a search's cost the
 * reads did not warm (docs/api.md, "Kept warm while idle"); the locking way alone cost a server's
 * first answer 0.2–0.3 s (2026-12-06). The head stays locked for the statements' milliseconds.
 */
export async function rehearseAuditAppend(graph: Graph, chain: (head: AuditHead) => AuditAppend[], genesis: string): Promise<void> {
  await rolledBackTx(graph, async (tx) => {
    const r = await tx.run("MATCH (h:AuditHead {id: 'main'}) RETURN h.seq AS seq, h.hash AS hash");
    const row = r.records[0];
    if (!row) return;
    const head = { seq: Number(row.get('seq')), hash: row.get('hash') as string };
    await tx.run(APPEND_AT_HEAD_CYPHER, { expectSeq: head.seq, expectHash: head.hash, ...groupParams(chain(head)) });
  });
  await rolledBackTx(graph, (tx) => appendAuditEntriesTx(tx, genesis, chain, null));
}
