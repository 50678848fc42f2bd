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

/** Reads source records written after `sinceSeq`, in pages ordered by (seq, rid) (`RECORDS_PAGE_CYPHER`). */
export async function* readRecordsSince(
  graph: Graph,
  sinceSeq: number,
  pageSize = 20_000,
): AsyncGenerator<StoredRecord[]> {
  let afterSeq = sinceSeq;
  let afterRid = '\uffff'; // nothing sorts after it: records AT sinceSeq are excluded
  for (;;) {
    const page = await readTx(graph, async (tx) => {
      const r = await tx.run(RECORDS_PAGE_CYPHER, { afterSeq, afterRid, limit: neo4j.int(pageSize) });
      return r.records.map((x) => {
        const source = x.get('source') as string;
        const recordId = x.get('recordId') as string;
        const attrs = JSON.parse(x.get('attrs') as string) as Record<string, Mention['attrs']>;
        const stored = JSON.parse((x.get('meta') as string | null) ?? '{}') as Record<string, StoredMention>;
        const eidOf = new Map((x.get('resolved') as { role: string; eid: string }[]).map((y) => [y.role, y.eid]));
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
        return {
          rid: x.get('rid') as string,
          hash: x.get('hash') as string,
          seq: x.get('seq') as number,
          batchId: (x.get('batchId') as string | null) ?? null,
          receivedAt: (x.get('receivedAt') as number | null) ?? null,
          mentions,
        };
      });
    });
    if (!page.length) return;
    yield page;
    const last = page[page.length - 1]!;
    afterSeq = last.seq;
    afterRid = last.rid;
    if (page.length < pageSize) return;
  }
}

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
