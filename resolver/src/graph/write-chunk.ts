import { ENTITY_LABELS, ENTITY_RELATION_TYPES, Label, RECORD_RELATION_TYPES, Rel } from '@onemap/graph-schema';
import { type Graph, writeTx } from '@onemap/graph-schema/server';
import type { ManagedTransaction } from 'neo4j-driver';
import type { ChunkRows, EntityRow, RelationRow } from './write-rows.ts';

/** Relationship types a merge moves from the merged-away entity to the survivor. */
const MOVABLE = [Rel.ResolvedTo, Rel.HasIdentifier, ...ENTITY_RELATION_TYPES.filter((t) => t !== Rel.CoTraveled)];
const WRITABLE_RELATIONS = new Set<string>(RECORD_RELATION_TYPES);

/** With `trace` (config ONEMAP_TRACE_WRITES) prints the time of every statement (for tuning). */
function traced(tx: ManagedTransaction, trace: boolean): ManagedTransaction {
  if (!trace) return tx;
  return new Proxy(tx, {
    get(target, prop) {
      if (prop !== 'run') return Reflect.get(target, prop);
      return async (q: string, p?: Record<string, unknown>) => {
        const t = performance.now();
        const r = await target.run(q, p);
        const n = Array.isArray(p?.rows) ? p.rows.length : 0;
        console.error(`write ${(performance.now() - t).toFixed(0)} ms rows=${n} ${q.replace(/\s+/g, ' ').slice(0, 90)}`);
        return r;
      };
    },
  });
}

async function applyMerge(tx: ManagedTransaction, m: { from: string; into: string; reason: string }, seq: number) {
  for (const type of MOVABLE) {
    // Labels and types come from the whitelist above, never from input.
    await tx.run(
      `MATCH (old:Entity {eid: $from})-[r:${type}]->(x) WHERE x.eid IS NULL OR x.eid <> $into
       MATCH (new:Entity {eid: $into})
       CREATE (new)-[r2:${type}]->(x) SET r2 = properties(r) DELETE r`,
      m,
    );
    await tx.run(
      `MATCH (x)-[r:${type}]->(old:Entity {eid: $from}) WHERE x.eid IS NULL OR x.eid <> $into
       MATCH (new:Entity {eid: $into})
       CREATE (x)-[r2:${type}]->(new) SET r2 = properties(r) DELETE r`,
      m,
    );
  }
  await tx.run(
    `MATCH (old:Entity {eid: $from}) DETACH DELETE old
     WITH 1 AS one
     MERGE (r:${Label.Redirect} {eid: $from}) SET r.to = $into, r.at = datetime(), r.reason = $reason, r.seq = $seq
     WITH 1 AS one
     MATCH (older:${Label.Redirect} {to: $from}) SET older.to = $into`,
    { ...m, seq },
  );
}

async function writeEntities(tx: ManagedTransaction, rows: EntityRow[]) {
  for (const label of ENTITY_LABELS) {
    const mine = rows.filter((r) => r.kind === label);
    if (!mine.length) continue;
    await tx.run(
      `UNWIND $rows AS row
       MERGE (e:Entity {eid: row.eid})
       SET e:${label}, e += row.props, e.provenance = row.provenance, e.searchText = row.searchText, e.updatedAt = datetime()
       WITH e, row WHERE row.lon IS NOT NULL AND row.lat IS NOT NULL
       SET e.location = point({longitude: row.lon, latitude: row.lat})`,
      { rows: mine },
    );
  }
}

async function writeRelations(tx: ManagedTransaction, rows: RelationRow[]) {
  const types = new Set(rows.map((r) => r.type));
  for (const type of types) {
    if (!WRITABLE_RELATIONS.has(type)) throw new Error(`relation type ${type} is not writable`);
    await tx.run(
      `UNWIND $rows AS row
       MATCH (a:Entity {eid: row.from}), (b:Entity {eid: row.to})
       MERGE (a)-[x:${type} {source: row.source}]->(b)
       ON CREATE SET x.rid = row.rid, x.rids = [row.rid], x.role = row.role, x.firstAt = datetime()
       ON MATCH SET x.rids = CASE WHEN row.rid IN x.rids OR size(x.rids) >= 100 THEN x.rids ELSE x.rids + row.rid END,
                    x.role = coalesce(row.role, x.role)`,
      { rows: rows.filter((r) => r.type === type) },
    );
  }
}

/**
 * Writes one chunk in ONE transaction: merges, entities with golden values, identifier anchors,
 * source records with RESOLVED_TO, relations and VISITED edges, and the pipeline sequence.
 * Either all of a record's facts are in the graph or none are, so a retried job is safe.
 */
export async function writeChunk(graph: Graph, rows: ChunkRows, opts: { trace?: boolean } = {}): Promise<void> {
  await writeTx(graph, async (rawTx) => {
    const tx = traced(rawTx, opts.trace ?? false);
    for (const m of rows.merges) await applyMerge(tx, m, rows.seq);
    await writeEntities(tx, rows.entities);
    if (rows.identifiers.length) {
      await tx.run(
        `UNWIND $rows AS row
         MATCH (e:Entity {eid: row.eid})
         MERGE (i:Identifier {kind: row.kind, value: row.value})
         MERGE (e)-[h:HAS_IDENTIFIER]->(i) ON CREATE SET h.source = row.source, h.rid = row.rid`,
        { rows: rows.identifiers },
      );
    }
    if (rows.records.length) {
      await tx.run(
        `UNWIND $rows AS row
         MERGE (r:SourceRecord {rid: row.rid})
         SET r.source = row.source, r.recordId = row.recordId, r.receivedAt = datetime(row.receivedAt), r.hash = row.hash,
             r.file = row.file, r.line = row.line, r.batchId = row.batchId, r.seq = $seq, r.attrs = row.attrs, r.mentions = row.mentions, r.raw = row.raw,
             r.flags = row.flags
         WITH r, row
         UNWIND row.resolved AS res
         MATCH (e:Entity {eid: res.eid})
         MERGE (r)-[x:RESOLVED_TO {role: res.role}]->(e)
         SET x.score = res.score, x.decision = res.decision, x.candidate = res.candidate, x.at = datetime()`,
        { rows: rows.records, seq: rows.seq },
      );
    }
    await writeRelations(tx, rows.relations);
    if (rows.visits.length) {
      await tx.run(
        `UNWIND $rows AS row
         MATCH (s:Entity {eid: row.subject}), (p:Place {eid: row.place})
         MERGE (s)-[v:VISITED {rid: row.rid, kind: row.kind}]->(p)
         SET v.at = datetime(row.at), v.until = CASE WHEN row.until IS NULL THEN null ELSE datetime(row.until) END, v.source = row.source`,
        { rows: rows.visits },
      );
    }
    await tx.run('MERGE (s:PipelineState {id: "main"}) SET s.seq = CASE WHEN coalesce(s.seq, 0) < $seq THEN $seq ELSE s.seq END', { seq: rows.seq });
  });
}
