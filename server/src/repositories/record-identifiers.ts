import { IDENTIFIER_SEEN } from './cypher.ts';
import { read, type Reader } from './reader.ts';

/**
 * Per record, the identifiers the persons it resolves to hold as sources in `vs` state them: of
 * the given kinds by `HAS_IDENTIFIER` (as a profile lists them), and of the given attributes by
 * the attrs of their records (as a profile's golden values show them), each with its source (and
 * the record's role for the latter) — what a value of that record (a birth date) may complete.
 * Only persons: a completing value (a birth date) is a person's. Records without any are absent.
 */
export async function readRecordEntityIdentifiers(
  graph: Reader,
  rids: readonly string[],
  kinds: readonly string[],
  attributes: readonly string[],
  vs: readonly string[],
): Promise<Map<string, { kind: string | null; attribute: string | null; source: string; role: string | null }[]>> {
  if (rids.length === 0) return new Map();
  return read(graph, async (tx) => {
    const r = await tx.run(
      `UNWIND $rids AS rid
       MATCH (:SourceRecord {rid: rid})-[:RESOLVED_TO]->(e:Person)
       CALL (e) {
         OPTIONAL MATCH (e)-[h:HAS_IDENTIFIER]->(i:Identifier) WHERE i.kind IN $kinds
         WITH i, ${IDENTIFIER_SEEN('h')} AS seen
         RETURN collect(DISTINCT {kind: i.kind, attribute: null, source: seen.source, role: null}) AS byEdge
       }
       CALL (e) {
         OPTIONAL MATCH (e)<-[rt:RESOLVED_TO]-(sr:SourceRecord) WHERE sr.source IN $vs
         UNWIND [a IN $attributes WHERE sr.attrs CONTAINS '"' + a + '"'] AS a
         RETURN collect(DISTINCT {kind: null, attribute: a, source: sr.source, role: rt.role}) AS byRecord
       }
       WITH rid, byEdge + byRecord AS ids
       UNWIND ids AS id
       WITH rid, id WHERE id.source IS NOT NULL
       RETURN rid, collect(DISTINCT id) AS ids`,
      { rids: [...new Set(rids)], kinds: [...kinds], attributes: [...attributes], vs: [...vs] },
    );
    return new Map(r.records.map((x) => [x.get('rid') as string, x.get('ids')]));
  });
}
