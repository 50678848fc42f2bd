/**
 * Bounded reads the data-quality rules make over what the pipeline wrote (SourceRecord, entities,
 * Batch). The rules themselves live in quality/.
 */
import { type Graph, readTx, toPlain } from '@onemap/graph-schema/server';
import neo4j from 'neo4j-driver';

/** Records of `source` resolved to a person with provenance: stored attrs (JSON), role, the person's provenance (JSON). */
export async function readPersonRecordsWithProvenance(
  graph: Graph,
  source: string,
  limit: number,
): Promise<{ rid: string; attrs: string; role: string; provenance: string }[]> {
  return readTx(graph, async (tx) => {
    const res = await tx.run(
      `MATCH (r:SourceRecord {source: $source})-[x:RESOLVED_TO]->(e:Person)
       WHERE e.provenance IS NOT NULL
       RETURN r.rid AS rid, r.attrs AS attrs, x.role AS role, e.provenance AS provenance LIMIT $limit`,
      { source, limit: neo4j.int(limit) },
    );
    return res.records.map((r) => ({
      rid: String(r.get('rid')),
      attrs: String(r.get('attrs') ?? '{}'),
      role: String(r.get('role')),
      provenance: String(r.get('provenance') ?? '{}'),
    }));
  });
}

/** Stored `attrs` JSON of the given source records, by rid (missing records are absent). */
export async function readRecordAttrs(graph: Graph, rids: string[]): Promise<Map<string, string>> {
  const res = await readTx(graph, (tx) =>
    tx.run('UNWIND $rids AS rid MATCH (r:SourceRecord {rid: rid}) RETURN r.rid AS rid, r.attrs AS attrs', { rids }),
  );
  return new Map(res.records.map((r) => [String(r.get('rid')), String(r.get('attrs') ?? '{}')]));
}

/** Stored content hashes of the given source records, by rid (missing records are absent). */
export async function readRecordHashes(graph: Graph, rids: string[]): Promise<Map<string, string>> {
  if (!rids.length) return new Map();
  const res = await readTx(graph, (tx) =>
    tx.run('UNWIND $rids AS rid MATCH (r:SourceRecord {rid: rid}) RETURN r.rid AS rid, r.hash AS hash', { rids }),
  );
  return new Map(res.records.map((r) => [String(r.get('rid')), String(r.get('hash'))]));
}

/** Entities that records of `source` resolved to in `role`, and whether any entity OWNS each. */
export async function readRoleEntitiesOwned(
  graph: Graph,
  source: string,
  role: string,
  limit: number,
): Promise<{ rid: string; eid: string; owned: boolean }[]> {
  const res = await readTx(graph, (tx) =>
    tx.run(
      `MATCH (r:SourceRecord {source: $source})-[:RESOLVED_TO {role: $role}]->(v:Entity)
       WITH r, v LIMIT $limit
       RETURN r.rid AS rid, v.eid AS eid, EXISTS { MATCH (:Entity)-[o:OWNS]->(v) } AS owned`,
      { source, role, limit: neo4j.int(limit) },
    ),
  );
  return res.records.map((r) => ({
    rid: String(r.get('rid')),
    eid: String(r.get('eid')),
    owned: Boolean(r.get('owned')),
  }));
}

/** Deliveries of `source`: the last `receivedAt` (ISO, null when none), batch count, batches delivered more than once. */
export async function readDeliveryStats(
  graph: Graph,
  source: string,
): Promise<{ last?: string | null; batches?: number; redelivered?: number }> {
  const res = await readTx(graph, (tx) =>
    tx.run(
      `MATCH (b:Batch {source: $source})
       RETURN toString(max(b.receivedAt)) AS last, count(b) AS batches, sum(CASE WHEN coalesce(b.deliveries, 1) > 1 THEN 1 ELSE 0 END) AS redelivered`,
      { source },
    ),
  );
  return toPlain(res.records[0]?.toObject() ?? {}) as { last?: string | null; batches?: number; redelivered?: number };
}

/**
 * The stale-authority graph rule's read: persons with two or more records of the authoritative
 * `source`, each person's records oldest first (by `receivedAt`, then rid), at most `limit` persons.
 */
export async function readAuthorityHistories(
  graph: Graph,
  source: string,
  limit: number,
): Promise<{ eid: string; records: { rid: string; role: string; attrs: string }[] }[]> {
  return readTx(graph, async (tx) => {
    const res = await tx.run(
      `MATCH (r:SourceRecord {source: $source})-[x:RESOLVED_TO]->(p:Person)
       WITH p, r, x ORDER BY r.receivedAt, r.rid
       WITH p, collect({rid: r.rid, role: x.role, attrs: coalesce(r.attrs, '{}')}) AS records
       WHERE size(records) > 1
       RETURN p.eid AS eid, records LIMIT $limit`,
      { source, limit: neo4j.int(limit) },
    );
    return res.records.map((r) => ({ eid: String(r.get('eid')), records: r.get('records') as { rid: string; role: string; attrs: string }[] }));
  });
}
