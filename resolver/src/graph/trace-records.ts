import { Label } from '@onemap/graph-schema';
import { addPlaceFacts, type Graph, setVisitPlaceCypher, writeTx } from '@onemap/graph-schema/server';
import type { ManagedTransaction } from 'neo4j-driver';
import { recordPlaceFacts } from './place-facts.ts';
import { addSourcesToEntities, RESOLVED_AT } from './write-chunk.ts';
import type { SourceRecordRow, VisitRow } from './write-rows.ts';

/** An anchor a trace record names: an entity of `kind` holding identifier `idKind = value`. */
export interface TraceAnchor {
  kind: string;
  idKind: string;
  value: string;
}

/** A trace record's rows, its entities still named by anchor (`role -> anchor key`). */
export interface TraceRecordRows {
  record: Omit<SourceRecordRow, 'resolved'> & { resolved: { role: string; score: number; decision: string }[] };
  /** role -> key of the anchor (`kind|idKind|value`) whose entity the role resolves to */
  anchors: Record<string, string>;
  visits: (Omit<VisitRow, 'subject' | 'place'> & { subjectRole: string; placeRole: string })[];
}

export const anchorKey = (a: TraceAnchor) => `${a.kind}|${a.idKind}|${a.value}`;

/**
 * Writes the records of trace-only sources (a checkpoint pass: a plate at a known checkpoint)
 * in one transaction WITHOUT the resolve lock and without touching the pipeline state, so any
 * number of workers write in parallel. Inside the transaction it finds each anchor's entity; a
 * group (a batch) whose every record has all its entities, and none of whose records was resolved
 * by the leader in another version, is written (source record with RESOLVED_TO, VISITED);
 * the others are returned to be resolved by the leader. These records carry no `seq`: the
 * resolution index never loads them (traces are not kept as mentions). A corrected re-delivery
 * moves its edges to the entities its new values name. `inTx(written)` runs last in the same
 * transaction with the groups written (their bookkeeping).
 * @returns per group: its records' prior hashes and unchanged count, or 'leader'; and each anchor's entity
 */
export async function writeTraceRecords(
  graph: Graph,
  groups: { id: string; records: TraceRecordRows[] }[],
  anchors: TraceAnchor[],
  inTx: (
    tx: ManagedTransaction,
    written: Map<string, { prior: Map<string, string>; unchanged: number }>,
  ) => Promise<void>,
): Promise<{
  groups: Map<string, { prior: Map<string, string>; unchanged: number } | 'leader'>;
  eidOf: Map<string, string>;
}> {
  return writeTx(graph, async (tx) => {
    const found = await tx.run(
      `UNWIND $anchors AS a
       MATCH (:${Label.Identifier} {kind: a.idKind, value: a.value})<-[:HAS_IDENTIFIER]-(e:Entity)
       WHERE a.kind IN labels(e)
       RETURN a.key AS key, collect(e.eid) AS eids`,
      { anchors: anchors.map((a) => ({ ...a, key: anchorKey(a) })) },
    );
    // An anchor held by exactly one entity; two holders (a conflict the leader decides) is no anchor.
    const eidOf = new Map<string, string>();
    for (const r of found.records) {
      const eids = r.get('eids') as string[];
      if (eids.length === 1) eidOf.set(r.get('key') as string, eids[0]!);
    }
    const rids = groups.flatMap((g) => g.records.map((r) => r.record.rid));
    const existing = await tx.run(
      'UNWIND $rids AS rid MATCH (r:SourceRecord {rid: rid}) RETURN r.rid AS rid, r.hash AS hash, r.seq IS NOT NULL AS byLeader',
      { rids },
    );
    const prior = new Map(
      existing.records.map((r) => [
        r.get('rid') as string,
        { hash: r.get('hash') as string, byLeader: r.get('byLeader') as boolean },
      ]),
    );

    const out = new Map<string, { prior: Map<string, string>; unchanged: number } | 'leader'>();
    const written = new Map<string, { prior: Map<string, string>; unchanged: number }>();
    const records: SourceRecordRow[] = [];
    const visits: VisitRow[] = [];
    const corrected: string[] = [];
    for (const g of groups) {
      const ok = g.records.every((r) => {
        const p = prior.get(r.record.rid);
        if (p && p.hash !== r.record.hash && p.byLeader) return false;
        return Object.values(r.anchors).every((k) => eidOf.has(k));
      });
      if (!ok) {
        out.set(g.id, 'leader');
        continue;
      }
      const priorHashes = new Map<string, string>();
      let unchanged = 0;
      for (const r of g.records) {
        const p = prior.get(r.record.rid);
        if (p) priorHashes.set(r.record.rid, p.hash);
        if (p?.hash === r.record.hash) {
          unchanged++;
          continue;
        }
        if (p) corrected.push(r.record.rid);
        const eid = (role: string) => eidOf.get(r.anchors[role]!)!;
        records.push({ ...r.record, resolved: r.record.resolved.map((x) => ({ ...x, eid: eid(x.role) })) });
        for (const v of r.visits) {
          const { subjectRole, placeRole, ...rest } = v;
          visits.push({ ...rest, subject: eid(subjectRole), place: eid(placeRole) });
        }
      }
      const w = { prior: priorHashes, unchanged };
      out.set(g.id, w);
      written.set(g.id, w);
    }
    // Places a corrected record resolved to: their facts are cleared and recounted below.
    let withdrawnFrom: string[] = [];
    if (corrected.length) {
      const w = await tx.run(
        `UNWIND $rids AS rid
         MATCH (:SourceRecord {rid: rid})-[x:RESOLVED_TO]->(e)
         OPTIONAL MATCH (e)-[v:VISITED {rid: rid}]->()
         DELETE v, x
         WITH DISTINCT e WHERE e:Place
         SET e.recordRoles = null, e.homeSources = null, e.pointStatements = null
         RETURN collect(e.eid) AS places`,
        { rids: corrected },
      );
      withdrawnFrom = (w.records[0]?.get('places') as string[] | undefined) ?? [];
    }
    if (records.length) {
      const r = await tx.run(
        `UNWIND $rows AS row
         MERGE (r:SourceRecord {rid: row.rid})
         SET r.source = row.source, r.recordId = row.recordId, r.receivedAt = datetime(row.receivedAt), r.hash = row.hash,
             r.file = row.file, r.line = row.line, r.batchId = row.batchId, r.attrs = row.attrs, r.mentions = row.mentions,
             r.flags = row.flags
         REMOVE r.raw
         WITH r, row
         UNWIND row.resolved AS res
         MATCH (e:Entity {eid: res.eid})
         MERGE (r)-[x:RESOLVED_TO {role: res.role}]->(e)
         SET x.score = res.score, x.decision = res.decision, x.at = ${RESOLVED_AT}
         RETURN count(x) AS n`,
        { rows: records },
      );
      // An entity found above was merged away meanwhile (by the leader): roll back, the job retries.
      const expected = records.reduce((n, x) => n + x.resolved.length, 0);
      if (Number(r.records[0]!.get('n')) !== expected)
        throw new Error('an anchor entity changed while trace records were written; the job is retried');
    }
    if (visits.length) {
      await tx.run(
        `UNWIND $rows AS row
         MATCH (s:Entity {eid: row.subject}), (p:Place {eid: row.place})
         MERGE (s)-[v:VISITED {rid: row.rid, kind: row.kind}]->(p)
         SET v.at = datetime(row.at), v.until = CASE WHEN row.until IS NULL THEN null ELSE datetime(row.until) END, v.source = row.source,
             ${setVisitPlaceCypher('v', 'p')}`,
        { rows: visits },
      );
    }
    // Visibility as a property: the entities these records and visits touch list their source.
    const touched = new Map<string, Set<string>>();
    const touch = (eid: string, source: string) => (touched.get(eid) ?? touched.set(eid, new Set()).get(eid)!).add(source);
    for (const r of records) for (const x of r.resolved) touch(x.eid, r.source);
    for (const v of visits) {
      touch(v.subject, v.source);
      touch(v.place, v.source);
    }
    await addSourcesToEntities(tx, [...touched].map(([eid, sources]) => ({ eid, sources: [...sources].sort() })));
    await addPlaceFacts(tx, recordPlaceFacts(records, withdrawnFrom));
    await inTx(tx, written);
    return { groups: out, eidOf };
  });
}
