import { toPlain } from '@onemap/graph-schema/server';
import { read, type Reader } from './reader.ts';
import type { VisibleRecord } from '../access/golden.ts';
import { KINDS, kindOf, visibleEdge, visibleEntity } from './cypher.ts';

export interface EntityRow {
  eid: string;
  kind: string;
  props: Record<string, unknown>;
  records: VisibleRecord[];
  visible: boolean;
}

/**
 * Follows `EidRedirect` nodes (left by merges) to the surviving eid.
 * @returns the current eid and the chain walked
 */
export async function resolveEid(graph: Reader, eid: string): Promise<{ eid: string; redirectedFrom: string | null }> {
  return read(graph, async (tx) => {
    let cur = eid;
    for (let i = 0; i < 10; i++) {
      const r = await tx.run('MATCH (x:EidRedirect {eid: $eid}) RETURN x.to AS to', { eid: cur });
      const to = r.records[0]?.get('to') as string | undefined;
      if (!to) break;
      cur = to;
    }
    return { eid: cur, redirectedFrom: cur === eid ? null : eid };
  });
}

const RECORD_LIMIT = 200;

/** Entities with their visible records (newest first, at most 200 each); invisible entities come back with `visible: false`. */
export async function readEntities(graph: Reader, eids: readonly string[], vs: readonly string[], recordLimit = RECORD_LIMIT): Promise<Map<string, EntityRow>> {
  if (eids.length === 0) return new Map();
  return read(graph, async (tx) => {
    const r = await tx.run(
      `UNWIND $eids AS id
       MATCH (e:Entity {eid: id})
       CALL (e) {
         OPTIONAL MATCH (e)<-[rt:RESOLVED_TO]-(sr:SourceRecord) WHERE sr.source IN $vs
         WITH rt, sr ORDER BY sr.receivedAt DESC LIMIT toInteger($lim)
         RETURN collect(CASE WHEN sr IS NULL THEN null ELSE {rid: sr.rid, source: sr.source, receivedAt: toString(sr.receivedAt), role: rt.role, attrs: sr.attrs} END) AS recs
       }
       RETURN e.eid AS eid, ${kindOf('e')} AS kind, properties(e) AS props, recs, ${visibleEntity('e')} AS visible`,
      { eids, vs, kinds: KINDS, lim: recordLimit },
    );
    const out = new Map<string, EntityRow>();
    for (const x of r.records) {
      out.set(x.get('eid'), {
        eid: x.get('eid'),
        kind: x.get('kind'),
        props: toPlain(x.get('props')) as Record<string, unknown>,
        records: (x.get('recs') as VisibleRecord[]).filter(Boolean),
        visible: x.get('visible') as boolean,
      });
    }
    return out;
  });
}

export interface IdentifierRow {
  kind: string;
  value: string;
  source: string;
  rid: string | null;
}

export interface RelationRow {
  type: string;
  outgoing: boolean;
  other: string;
  props: Record<string, unknown>;
}

export interface TraceRow {
  at: string;
  until: string | null;
  kind: string;
  source: string;
  rid: string | null;
  placeEid: string;
  placeName: string | null;
  placeKind: string | null;
  lon: number | null;
  lat: number | null;
}

/** The parts of a profile beyond golden values: identifiers, direct relations, recent traces, per-source counts — all filtered by `$vs`. */
export async function readProfileParts(graph: Reader, eid: string, vs: readonly string[], limits: { relations: number; traces: number }) {
  return read(graph, async (tx) => {
    const ids = await tx.run(
      `MATCH (e:Entity {eid: $eid})-[h:HAS_IDENTIFIER]->(i:Identifier) WHERE h.source IN $vs
       RETURN i.kind AS kind, i.value AS value, h.source AS source, h.rid AS rid ORDER BY kind, value`,
      { eid, vs },
    );
    const rels = await tx.run(
      `MATCH (e:Entity {eid: $eid})-[r]-(o:Entity)
       WHERE NOT r:VISITED AND NOT r:HAS_IDENTIFIER AND ${visibleEdge('r')} AND ${visibleEntity('o')}
       RETURN type(r) AS type, startNode(r) = e AS outgoing, o.eid AS other, properties(r) AS props
       LIMIT toInteger($lim)`,
      { eid, vs, lim: limits.relations },
    );
    const traces = await tx.run(
      `MATCH (e:Entity {eid: $eid})-[v:VISITED]->(p:Place) WHERE v.source IN $vs
       WITH v, p ORDER BY v.at DESC LIMIT toInteger($lim)
       RETURN toString(v.at) AS at, toString(v.until) AS until, v.kind AS kind, v.source AS source, v.rid AS rid,
              p.eid AS placeEid, p.name AS placeName, p.placeKind AS placeKind, p.location.x AS lon, p.location.y AS lat`,
      { eid, vs, lim: limits.traces },
    );
    const sources = await tx.run(
      `MATCH (e:Entity {eid: $eid})<-[:RESOLVED_TO]-(sr:SourceRecord) WHERE sr.source IN $vs
       RETURN sr.source AS source, count(*) AS records, toString(max(sr.receivedAt)) AS lastReceivedAt ORDER BY source`,
      { eid, vs },
    );
    return {
      identifiers: ids.records.map((x) => x.toObject() as IdentifierRow),
      relations: rels.records.map((x) => ({ ...(x.toObject() as RelationRow), props: toPlain(x.get('props')) as Record<string, unknown> })),
      traces: traces.records.map((x) => x.toObject() as TraceRow),
      sources: sources.records.map((x) => x.toObject() as { source: string; records: number; lastReceivedAt: string | null }),
    };
  });
}

/**
 * Full-text candidates from `entity_search`, kept only when visible through `$vs`.
 * @param lucene an escaped Lucene query
 */
export async function searchCandidates(graph: Reader, lucene: string, kinds: readonly string[] | null, vs: readonly string[], cap: number) {
  return read(graph, async (tx) => {
    const r = await tx.run(
      `CALL db.index.fulltext.queryNodes('entity_search', $q, {limit: toInteger($raw)}) YIELD node, score
       WHERE ($kindsFilter IS NULL OR any(l IN labels(node) WHERE l IN $kindsFilter)) AND ${visibleEntity('node')}
       WITH node, score LIMIT toInteger($cap)
       OPTIONAL MATCH (node)-[h:HAS_IDENTIFIER]->(i:Identifier) WHERE h.source IN $vs
       RETURN node.eid AS eid, score, node.name AS name, node.namePinyin AS namePinyin,
              [x IN collect(CASE WHEN i IS NULL THEN null ELSE {kind: i.kind, value: i.value, source: h.source} END) WHERE x IS NOT NULL] AS identifiers`,
      { q: lucene, raw: cap * 4, kindsFilter: kinds, vs, cap },
    );
    return r.records.map((x) => x.toObject() as { eid: string; score: number; name: string | null; namePinyin: string | null; identifiers: { kind: string; value: string; source: string }[] });
  });
}
