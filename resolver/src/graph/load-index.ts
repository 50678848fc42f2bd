import { Label } from '@onemap/graph-schema';
import { type Graph, readTx } from '@onemap/graph-schema/server';
import neo4j from 'neo4j-driver';
import type { Mention } from '../types.ts';

/** What the index needs of a mention besides its attributes (`SourceRecord.mentions`, by role). */
export interface StoredMention {
  kind: Mention['kind'];
  identifiers: Mention['identifiers'];
  flags: string[];
}

/** A source record as the index needs it back: its mentions, each with its current entity. */
export interface StoredRecord {
  rid: string;
  hash: string;
  seq: number;
  /** The batch that wrote this version of the record. */
  batchId: string | null;
  /** `SourceRecord.receivedAt` in epoch ms (null if missing): the recency the golden-value rule uses. */
  receivedAt: number | null;
  mentions: { mention: Mention; eid: string }[];
  /**
   * Its mentions' keys (`source:recordId:role`) begin with its rid: the rid is `source:recordId`, as
   * every writer makes it. Then a key is numbered from the record's number (`ResolutionIndex.add`).
   */
  keyedByRid: boolean;
}

/**
 * Serializes a record's mentions: `attrs` = role -> standardized attributes (what the server
 * shows, per viewer), `mentions` = role -> kind, valid identifiers and flags (what the index
 * needs to rebuild itself).
 */
export function mentionsToJson(mentions: Mention[]): { attrs: string; mentions: string } {
  const attrs: Record<string, Mention['attrs']> = {};
  const meta: Record<string, StoredMention> = {};
  for (const m of mentions) {
    attrs[m.role] = m.attrs;
    meta[m.role] = { kind: m.kind, identifiers: m.identifiers, flags: m.flags };
  }
  return { attrs: JSON.stringify(attrs), mentions: JSON.stringify(meta) };
}

/**
 * One page of source records after (afterSeq, afterRid) in (seq, rid) order: the rest of the
 * current seq after the last rid, then the seqs after it — two seeks on the (seq, rid) index, each
 * stopping at the page size, so a page costs the page whatever the store holds (one disjunction
 * over both read every record of the seq and sorted them, for every page: quadratic after a bulk
 * load, where all records share one seq). Both seeks are pinned by index hints: left to its
 * statistics, the planner once answered the second branch by scanning the whole `rid` index
 * (a store shaped by other data tilts it), which makes a page cost the store again.
 */
export const RECORDS_PAGE_CYPHER = `CALL () {
   MATCH (r:SourceRecord) USING INDEX r:SourceRecord(seq, rid) WHERE r.seq = $afterSeq AND r.rid > $afterRid
   RETURN r ORDER BY r.seq, r.rid LIMIT $limit
   UNION ALL
   MATCH (r:SourceRecord) USING INDEX r:SourceRecord(seq, rid) WHERE r.seq > $afterSeq AND r.rid IS NOT NULL
   RETURN r ORDER BY r.seq, r.rid LIMIT $limit
 }
 WITH r ORDER BY r.seq, r.rid LIMIT $limit
 RETURN r.rid AS rid, r.hash AS hash, r.seq AS seq, r.batchId AS batchId, r.receivedAt.epochMillis AS receivedAt, r.source AS source, r.recordId AS recordId, r.attrs AS attrs, r.mentions AS meta,
        [(r)-[x:RESOLVED_TO]->(e:Entity) | {role: x.role, eid: e.eid}] AS resolved`;

/**
 * One page of `RECORDS_PAGE_CYPHER`'s answer, column by column: strings and numbers only, so a
 * thread that reads pages ahead (`record-pages-thread.ts`) hands them over as a cheap copy, and the
 * JSON is parsed where the records are used. `attrs` and `meta` are the record's JSON as stored;
 * each record's RESOLVED_TO edges are `roles[i]`/`eids[i]` for i from the previous record's
 * `resolvedEnd` up to its own.
 */
export interface RecordPage {
  rid: string[];
  hash: string[];
  seq: number[];
  batchId: (string | null)[];
  receivedAt: (number | null)[];
  source: string[];
  recordId: string[];
  attrs: string[];
  meta: (string | null)[];
  roles: string[];
  eids: string[];
  resolvedEnd: number[];
}

/** Source records after (afterSeq, afterRid) in (seq, rid) order, at most `pageSize` of them (`RECORDS_PAGE_CYPHER`). */
export async function readRecordPage(graph: Graph, afterSeq: number, afterRid: string, pageSize: number): Promise<RecordPage> {
  return readTx(graph, async (tx) => {
    const r = await tx.run(RECORDS_PAGE_CYPHER, { afterSeq, afterRid, limit: neo4j.int(pageSize) });
    const page: RecordPage = { rid: [], hash: [], seq: [], batchId: [], receivedAt: [], source: [], recordId: [], attrs: [], meta: [], roles: [], eids: [], resolvedEnd: [] };
    for (const x of r.records) {
      page.rid.push(x.get('rid') as string);
      page.hash.push(x.get('hash') as string);
      page.seq.push(x.get('seq') as number);
      page.batchId.push((x.get('batchId') as string | null) ?? null);
      page.receivedAt.push((x.get('receivedAt') as number | null) ?? null);
      page.source.push(x.get('source') as string);
      page.recordId.push(x.get('recordId') as string);
      page.attrs.push(x.get('attrs') as string);
      page.meta.push((x.get('meta') as string | null) ?? null);
      for (const y of x.get('resolved') as { role: string; eid: string }[]) {
        page.roles.push(y.role);
        page.eids.push(y.eid);
      }
      page.resolvedEnd.push(page.roles.length);
    }
    return page;
  });
}

/** The records of a page, each with its mentions (from its stored JSON) and their current entities. */
export function storedRecordsOf(page: RecordPage): StoredRecord[] {
  return [...eachStoredRecord(page)];
}

/**
 * `storedRecordsOf` one record at a time: each record's objects (its parsed JSON, its mentions) are
 * made when it is taken, so those the index does not keep die young. Made a page at a time (20,000
 * records), they outlived the young generation and were promoted, and the old generation's
 * collections paid for them: a whole sync of the 1 M bench graph took 75–76 s and left 3.4 GiB of
 * RSS; one record at a time (and pages of 2,000) 64 s and 1.85 GiB.
 */
export function* eachStoredRecord(page: RecordPage): Generator<StoredRecord> {
  let from = 0;
  for (let i = 0; i < page.rid.length; i++) {
    const rid = page.rid[i]!;
    const source = page.source[i]!;
    const recordId = page.recordId[i]!;
    const end = page.resolvedEnd[i]!;
    const eidOf = new Map<string, string>();
    for (let j = from; j < end; j++) eidOf.set(page.roles[j]!, page.eids[j]!);
    from = end;
    const attrs = JSON.parse(page.attrs[i]!) as Record<string, Mention['attrs']>;
    const stored = JSON.parse(page.meta[i] ?? '{}') as Record<string, StoredMention>;
    const mentions: StoredRecord['mentions'] = [];
    for (const [role, s] of Object.entries(stored)) {
      const eid = eidOf.get(role);
      if (!eid) continue;
      mentions.push({
        eid,
        mention: {
          key: `${source}:${recordId}:${role}`,
          source,
          recordId,
          role,
          kind: s.kind,
          attrs: attrs[role] ?? {},
          identifiers: s.identifiers,
          flags: s.flags,
        },
      });
    }
    const keyedByRid = rid.length === source.length + 1 + recordId.length && rid.startsWith(source) && rid.charCodeAt(source.length) === 58 && rid.endsWith(recordId);
    yield { rid, hash: page.hash[i]!, seq: page.seq[i]!, batchId: page.batchId[i]!, receivedAt: page.receivedAt[i]!, mentions, keyedByRid };
  }
}

/** Where the page after `page` begins, or null when `page` was the last (shorter than a full page). */
export function pageAfter(page: RecordPage, pageSize: number): { afterSeq: number; afterRid: string } | null {
  const n = page.rid.length;
  return n < pageSize || n === 0 ? null : { afterSeq: page.seq[n - 1]!, afterRid: page.rid[n - 1]! };
}

/** Before the first record after `sinceSeq`: nothing sorts after this rid, so records AT sinceSeq are excluded. */
export function pageAtStart(sinceSeq: number): { afterSeq: number; afterRid: string } {
  return { afterSeq: sinceSeq, afterRid: '\uffff' };
}

/**
 * Reads source records written after `sinceSeq`, in pages ordered by (seq, rid) (`RECORDS_PAGE_CYPHER`), on this
 * thread; a page's records are taken with `eachStoredRecord`.
 */
export async function* readRecordsSince(graph: Graph, sinceSeq: number, pageSize = RECORDS_PAGE_SIZE): AsyncGenerator<RecordPage> {
  let at: { afterSeq: number; afterRid: string } | null = pageAtStart(sinceSeq);
  while (at) {
    const page = await readRecordPage(graph, at.afterSeq, at.afterRid, pageSize);
    if (page.rid.length) yield page;
    at = pageAfter(page, pageSize);
  }
}

/**
 * Records a page of the index's read holds: few, so a page's strings die young too (pages of
 * 20,000 took 2 s more of a 1 M sync; a page costs one seek of the (seq, rid) index).
 */
export const RECORDS_PAGE_SIZE = 2_000;

/** Redirects written after `sinceSeq` (merges made by any worker or analyst). */
export async function readRedirectsSince(graph: Graph, sinceSeq: number): Promise<{ eid: string; to: string; seq: number }[]> {
  return readTx(graph, async (tx) => {
    const r = await tx.run(
      `MATCH (d:${Label.Redirect}) WHERE d.seq > $since RETURN d.eid AS eid, d.to AS to, d.seq AS seq ORDER BY d.seq`,
      { since: sinceSeq },
    );
    return r.records.map((x) => ({ eid: x.get('eid') as string, to: x.get('to') as string, seq: Number(x.get('seq')) }));
  });
}

/**
 * Analysts' decisions as two counts, each from Neo4j's count store (one lookup, however many
 * decisions were ever made): all of them, and the undone ones (`Label.UndoneDecision`, set by the
 * server's undo and by migration V053 on older graphs). Every resolve group reads it.
 */
const DECISION_COUNTS = `CALL () { MATCH (d:${Label.Decision}) RETURN count(d) AS n }
       CALL () { MATCH (u:${Label.UndoneDecision}) RETURN count(u) AS u }`;

/**
 * What a sync checks first, in one read: the highest sequence committed (`PipelineState.seq`) and
 * the fingerprint of analysts' decisions (how many, how many undone: when it changes, the index reloads).
 */
export async function readSyncState(graph: Graph): Promise<{ seq: number; decisions: string }> {
  return readTx(graph, async (tx) => {
    const r = await tx.run(
      `OPTIONAL MATCH (s:PipelineState {id: "main"})
       ${DECISION_COUNTS}
       RETURN s.seq AS seq, n, u`,
    );
    const x = r.records[0];
    return { seq: (x?.get('seq') as number | null) ?? 0, decisions: `${x?.get('n') ?? 0}/${x?.get('u') ?? 0}` };
  });
}

/** How many source records the graph holds (Neo4j's count store: no scan), for a whole sync's progress. */
export async function countSourceRecords(graph: Graph): Promise<number> {
  return readTx(graph, async (tx) => {
    const r = await tx.run(`MATCH (r:${Label.SourceRecord}) RETURN count(r) AS n`);
    return Number(r.records[0]?.get('n') ?? 0);
  });
}

/** An analyst's decision as the resolve leader applies it (server `repositories/resolution.ts` writes them). */
export interface DecisionFact {
  id: string;
  kind: 'merge' | 'split' | 'confirm_match' | 'confirm_non_match' | string;
  /** merge: the survivor, then the merged; split: the entity, then the new one; confirmations: the pair */
  eids: string[];
  /** a split's records moved to the new entity */
  rids: string[];
  undone: boolean;
}

/** Every analyst's decision, oldest first: one short row each (decisions are an analyst's pace, not the records'). */
export async function readDecisions(graph: Graph): Promise<DecisionFact[]> {
  return readTx(graph, async (tx) => {
    const r = await tx.run(
      `MATCH (d:${Label.Decision})
       RETURN d.id AS id, d.kind AS kind, coalesce(d.eids, []) AS eids, coalesce(d.rids, []) AS rids, coalesce(d.undone, false) AS undone
       ORDER BY d.at, d.id`,
    );
    return r.records.map((x) => x.toObject() as DecisionFact);
  });
}

/** Pairs of entities analysts kept apart (splits, confirmed non-matches) that are still in force. */
export function cannotLinksOf(decisions: readonly DecisionFact[]): [string, string][] {
  return decisions.filter((d) => (d.kind === 'split' || d.kind === 'confirm_non_match') && !d.undone && d.eids.length >= 2).map((d) => [d.eids[0]!, d.eids[1]!]);
}
