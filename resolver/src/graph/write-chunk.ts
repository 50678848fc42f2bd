import { EDGE_IDENTITY, ENTITY_LABELS, IDENTIFIER_VALUE_REVERSED, Label, type PlaceFacts, RECORD_RELATION_TYPES, Rel } from '@onemap/graph-schema';
import { addPlaceFacts, type Graph, PipelinedStatements, rolledBackTx, setVisitPlaceCypher, writeTx } from '@onemap/graph-schema/server';
import { integer, type ManagedTransaction } from 'neo4j-driver';
import { recordPlaceFacts } from './place-facts.ts';
import { type ChunkRows, type EntityRow, MAX_RIDS, type RelationRow } from './write-rows.ts';

/**
 * How a merge moves each relationship type from the merged-away entity to the survivor: the
 * properties that identify one edge of that type (MERGE on them, so an edge the survivor already
 * has is never doubled: one HAS_IDENTIFIER per identifier, one relation per pair and source), and
 * its direction as seen from the entity. CO_TRAVELED is not moved: it is derived again.
 */
/**
 * The edges a merge moves, each folded into the edge it becomes by the graph model's identity
 * (`EDGE_IDENTITY`); `out` / `inc`: whether the merged-away entity is their start or their end
 * (a record resolves INTO an entity; an entity has identifiers; a subject visits a place, so a
 * merged-away place's visits move to the surviving place, which they then say they are at; relations
 * go both ways).
 */
const MOVES: { type: string; key: readonly string[]; out: boolean; inc: boolean }[] = Object.entries(EDGE_IDENTITY).map(([type, key]) => ({
  type,
  key: key ?? [],
  out: type !== Rel.ResolvedTo,
  inc: type !== Rel.HasIdentifier,
}));
const WRITABLE_RELATIONS = new Set<string>(RECORD_RELATION_TYPES);

/**
 * With `trace` (config ONEMAP_TRACE_WRITES) prints the time of every statement (for tuning): the
 * wall time this process saw, and the server's (`resultAvailableAfter + resultConsumedAfter`). They
 * differ when this process's event loop was busy as the answer came (the leader resolves the next
 * group while this one's statements run), so compare statements by the server's time.
 */
function traced(tx: ManagedTransaction, trace: boolean | 'profile'): ManagedTransaction {
  if (!trace) return tx;
  return new Proxy(tx, {
    get(target, prop) {
      if (prop !== 'run') return Reflect.get(target, prop);
      return async (q: string, p?: Record<string, unknown>) => {
        const t = performance.now();
        // PROFILE runs the statement as written and counts its db hits per operator.
        const r = await target.run(trace === 'profile' ? `PROFILE ${q}` : q, p);
        const n = Array.isArray(p?.rows) ? p.rows.length : 0;
        const server = integer.toNumber(r.summary.resultAvailableAfter) + integer.toNumber(r.summary.resultConsumedAfter);
        const hits = r.summary.profile ? ` dbHits=${profileHits(r.summary.profile)}` : '';
        console.error(`write ${(performance.now() - t).toFixed(0)} ms server ${server} ms bytes=${Buffer.byteLength(JSON.stringify(p ?? {}))} rows=${n}${hits} ${q.replace(/\s+/g, ' ').slice(0, 90)}`);
        return r;
      };
    },
  });
}

/**
 * The transaction with each statement's plan kept once made (`CYPHER replan=skip`): for statements
 * that find their nodes by a unique key (an entity's eid, a record's rid, an identifier's kind and
 * value, a batch's id, the pipeline's state) and go on from them, a plan made again is the same plan.
 * Neo4j discards a plan as stale when the statistics it read change by three quarters (a small
 * graph growing under pushes: every 10 s, `Discarded stale query` in its debug.log) and plans it
 * again on the next run, on the leader's path: on a Neo4j started a minute before, 0.1–0.3 s a
 * statement, 0.5–0.8 s the place facts' (the sample's graph, 20 pushes/s: a group's statements
 * took 1.1 s where the others took 40 ms). With it, a cold run of that bench still met one
 * place-facts compile of 0.7 s (p99 1.1–1.3 s → 0.9 s): its cause is not known.
 * Not for statements that find nodes by a key that is not unique (a merge's redirects by `to`):
 * a plan made on an empty label may scan it.
 */
function keepingPlans(tx: ManagedTransaction): ManagedTransaction {
  return new Proxy(tx, {
    get(target, prop) {
      if (prop !== 'run') return Reflect.get(target, prop);
      // called at once, not after an await: statements reach the server in the order they were run
      return (q: string, p?: Record<string, unknown>) => target.run(`CYPHER replan=skip ${q}`, p);
    },
  });
}

/** Every operator's db hits of a PROFILE plan, summed. */
function profileHits(plan: { dbHits: number; children: unknown[] }): number {
  return plan.dbHits + plan.children.reduce<number>((s, c) => s + profileHits(c as typeof plan), 0);
}

/**
 * Applies a chunk's merges, all at once, AFTER the chunk's entities are written: a survivor
 * created in this very chunk exists by now, so every edge of the merged-away entity moves to it
 * before that entity is deleted (nothing is lost to a `MATCH (new)` that finds nothing).
 * A chunk's merges go from distinct merged-away entities to final survivors, never in chains.
 */
async function applyMerges(tx: ManagedTransaction, merges: ChunkRows['merges'], seq: number) {
  if (!merges.length) return;
  const rows = merges;
  for (const { type, key, out, inc } of MOVES) {
    // Types and key names come from the table above, never from input.
    const keyMap = `{${key.map((k) => `${k}: r.${k}`).join(', ')}}`;
    const onMatch =
      key[0] === 'source' || type === Rel.HasIdentifier
        ? `ON MATCH SET r2.rids = (coalesce(r2.rids, [r2.rid]) + [x IN coalesce(r.rids, [r.rid]) WHERE NOT x IN coalesce(r2.rids, [r2.rid])])[..${MAX_RIDS}]`
        : '';
    if (out) {
      await tx.run(
        `UNWIND $rows AS m
         MATCH (old:Entity {eid: m.from})-[r:${type}]->(x) WHERE x.eid IS NULL OR x.eid <> m.into
         MATCH (new:Entity {eid: m.into})
         MERGE (new)-[r2:${type} ${keyMap}]->(x) ON CREATE SET r2 = properties(r) ${onMatch}
         DELETE r`,
        { rows },
      );
    }
    if (inc) {
      await tx.run(
        `UNWIND $rows AS m
         MATCH (x)-[r:${type}]->(old:Entity {eid: m.from}) WHERE x.eid IS NULL OR x.eid <> m.into
         MATCH (new:Entity {eid: m.into})
         MERGE (x)-[r2:${type} ${keyMap}]->(new) ON CREATE SET r2 = properties(r)${type === Rel.Visited ? `, ${setVisitPlaceCypher('r2', 'new')}` : ''} ${onMatch}
         DELETE r`,
        { rows },
      );
    }
  }
  await tx.run(
    `UNWIND $rows AS m
     MATCH (old:Entity {eid: m.from}), (new:Entity {eid: m.into})
     CALL (old, new) {
       UNWIND coalesce(new.inSources, []) + coalesce(old.inSources, []) AS s
       WITH DISTINCT s ORDER BY s
       RETURN collect(s) AS seen
     }
     SET new.inSources = CASE WHEN old.inSources IS NULL OR new.inSources IS NULL THEN null ELSE seen END`,
    { rows },
  );
  // Place facts: the survivor gains the merged place's (both known: their union; else none, and
  // the chunk's `addPlaceFacts` recounts them from the records the survivor now has).
  await tx.run(
    `UNWIND $rows AS m
     MATCH (old:Entity {eid: m.from}), (new:Entity {eid: m.into}) WHERE new:Place
     CALL (old, new) {
       UNWIND coalesce(new.recordRoles, []) + coalesce(old.recordRoles, []) AS x
       WITH DISTINCT x ORDER BY x
       RETURN collect(x) AS roles
     }
     CALL (old, new) {
       UNWIND coalesce(new.homeSources, []) + coalesce(old.homeSources, []) AS x
       WITH DISTINCT x ORDER BY x
       RETURN collect(x) AS homes
     }
     CALL (old, new) {
       UNWIND coalesce(new.pointStatements, []) + coalesce(old.pointStatements, []) AS x
       WITH DISTINCT x ORDER BY x
       RETURN collect(x) AS points
     }
     WITH old, new, roles, homes, points, old.recordRoles IS NULL OR new.recordRoles IS NULL AS unknown
     SET new.recordRoles = CASE WHEN unknown THEN null ELSE roles END, new.homeSources = CASE WHEN unknown OR size(homes) = 0 THEN null ELSE homes END,
         new.pointStatements = CASE WHEN unknown OR size(points) = 0 THEN null ELSE points END`,
    { rows },
  );
  await tx.run(
    `UNWIND $rows AS m
     MATCH (old:Entity {eid: m.from}) DETACH DELETE old
     WITH m
     MERGE (r:${Label.Redirect} {eid: m.from}) SET r.to = m.into, r.at = datetime(), r.reason = m.reason, r.seq = $seq
     WITH m
     MATCH (older:${Label.Redirect} {to: m.from}) SET older.to = m.into`,
    { rows, seq },
  );
}

/**
 * A corrected re-delivery replaces its record's facts: before they are written again, the edges
 * the record's earlier version made — its RESOLVED_TO and VISITED edges, and its share of the
 * identifier edges and relations it stated (its id leaves the edge's `rids`, the edge is stamped
 * again with the first record left, and goes only when no record is left) — are removed from the entities
 * it resolved to (after this chunk's merges moved them), so a value the correction changed (a
 * place, an id number, a guest who was someone else) leaves nothing behind. Returns the entities the
 * record no longer resolves to (`left`: their `inSources` is computed again from what they keep)
 * and every place it resolved to (`places`: their facts are cleared here and recounted once the
 * record's new version is written).
 */
async function withdrawRecordFacts(tx: ManagedTransaction, records: ChunkRows['records']): Promise<{ left: string[]; places: string[] }> {
  if (!records.length) return { left: [], places: [] };
  const rows = records.map((r) => ({ rid: r.rid, eids: r.resolved.map((x) => x.eid) }));
  const res = await tx.run(
    `UNWIND $rows AS row
     MATCH (r:SourceRecord {rid: row.rid})-[x:RESOLVED_TO]->(e:Entity)
     CALL (r, e) {
       MATCH (e)-[v:VISITED]->() WHERE v.rid = r.rid
       DELETE v
     }
     CALL (r, e) {
       MATCH (e)-[h:HAS_IDENTIFIER]->() WHERE h.rid = r.rid OR r.rid IN h.rids
       SET h.rids = [i IN coalesce(h.rids, [h.rid]) WHERE i <> r.rid]
       WITH h, size(h.rids) = 0 AS gone
       CALL (h, gone) {
         WITH h WHERE NOT gone AND NOT h.rid IN h.rids
         OPTIONAL MATCH (s:SourceRecord {rid: h.rids[0]})
         SET h.rid = h.rids[0], h.source = coalesce(s.source, h.source)
       }
       CALL (h, gone) {
         WITH h WHERE gone
         DELETE h
       }
     }
     CALL (r, e) {
       MATCH (e)-[y:${RECORD_RELATION_TYPES.join('|')}]->() WHERE r.rid IN y.rids
       SET y.rids = [i IN y.rids WHERE i <> r.rid]
       WITH y, size(y.rids) = 0 AS gone
       CALL (y, gone) {
         WITH y WHERE NOT gone AND NOT y.rid IN y.rids
         SET y.rid = y.rids[0]
       }
       CALL (y, gone) {
         WITH y WHERE gone
         DELETE y
       }
     }
     DELETE x
     WITH DISTINCT e, row
     CALL (e) {
       WITH e WHERE e:Place
       SET e.recordRoles = null, e.homeSources = null, e.pointStatements = null
     }
     CALL (e, row) {
       WITH e WHERE NOT e.eid IN row.eids
       SET e.inSources = null
     }
     RETURN collect(DISTINCT CASE WHEN NOT e.eid IN row.eids THEN e.eid END) AS left, collect(DISTINCT CASE WHEN e:Place THEN e.eid END) AS places`,
    { rows },
  );
  const x = res.records[0];
  return { left: (x?.get('left') as string[] | undefined) ?? [], places: (x?.get('places') as string[] | undefined) ?? [] };
}

/**
 * Entities in two statements whatever their kinds (the kind label is set from the row, from the
 * closed set of entity labels): CREATE for entities this chunk makes, MERGE for the ones it changes.
 */
function writeEntities(ahead: PipelinedStatements, rows: EntityRow[]) {
  for (const label of new Set(rows.map((r) => r.kind))) {
    if (!(ENTITY_LABELS as readonly string[]).includes(label)) throw new Error(`${label} is not an entity label`);
  }
  const set = `SET e += row.props, e.updatedAt = datetime()
       WITH e, row WHERE row.lon IS NOT NULL AND row.lat IS NOT NULL
       SET e.location = point({longitude: row.lon, latitude: row.lat})`;
  const created = rows.filter((r) => r.isNew).map(entityWrite);
  const changed = rows.filter((r) => !r.isNew).map(entityWrite);
  if (created.length) ahead.send(`UNWIND $rows AS row CREATE (e:Entity:$(row.kind) {eid: row.eid}) ${set}`, { rows: created });
  if (changed.length) ahead.send(`UNWIND $rows AS row MERGE (e:Entity {eid: row.eid}) SET e:$(row.kind) ${set}`, { rows: changed });
}

/**
 * What an entity's statement row sends: the whole row, or only its changed fields (`changes`; the
 * location only when the point changed, a gone property as null, which removes it).
 */
export function entityWrite(r: EntityRow): { eid: string; kind: string; props: Record<string, string | null>; lon: number | null; lat: number | null } {
  if (r.changes) {
    const point = r.changes.point;
    return { eid: r.eid, kind: r.kind, props: r.changes.props, lon: point ? r.lon : null, lat: point ? r.lat : null };
  }
  return { eid: r.eid, kind: r.kind, props: { ...r.props, provenance: r.provenance, searchText: r.searchText }, lon: r.lon, lat: r.lat };
}

/**
 * A `RESOLVED_TO` edge's time (`at`), for Cypher where `res` is the edge's row: kept only on a
 * possible match's edge, the review queue's one reader of it (when the pipeline put the record
 * there); on every other edge it cost two db hits a write and was never read.
 */
export const RESOLVED_AT = "CASE WHEN res.decision = 'possible_match' THEN datetime() END";

/**
 * One row per entity and identifier with the record ids the chunk adds to its edge, in order (a
 * chunk names a hotel guest's id once per stay): the edge is stamped (`source`, `rid`) by the first
 * record that linked it and lists every record that states it (`rids`, up to MAX_RIDS).
 */
export function identifierEdges(rows: ChunkRows['identifiers']): { eid: string; kind: string; value: string; source: string; rids: string[] }[] {
  const edges = new Map<string, { eid: string; kind: string; value: string; source: string; rids: string[] }>();
  for (const i of rows) {
    const k = `${i.eid}|${i.kind}|${i.value}`;
    const e = edges.get(k);
    if (!e) edges.set(k, { eid: i.eid, kind: i.kind, value: i.value, source: i.source, rids: [i.rid] });
    else if (!e.rids.includes(i.rid)) e.rids.push(i.rid);
  }
  return [...edges.values()];
}

/**
 * One row per edge (type, pair, source) with the record ids the chunk adds to it, in order: an edge
 * the chunk states several times (a guest pushed twice in a group) is one MERGE, with the same
 * result as one per statement (rids appended once each, up to MAX_RIDS; the last role stated wins).
 */
export function relationEdges(rows: RelationRow[]): { type: string; from: string; to: string; source: string; rids: string[]; role: string | null }[] {
  const edges = new Map<string, { type: string; from: string; to: string; source: string; rids: string[]; role: string | null }>();
  for (const r of rows) {
    const k = `${r.type}|${r.from}|${r.to}|${r.source}`;
    const e = edges.get(k);
    if (!e) edges.set(k, { type: r.type, from: r.from, to: r.to, source: r.source, rids: [r.rid], role: r.role });
    else {
      if (!e.rids.includes(r.rid)) e.rids.push(r.rid);
      if (r.role !== null) e.role = r.role;
    }
  }
  return [...edges.values()];
}

function writeRelations(ahead: PipelinedStatements, rows: RelationRow[]) {
  const edges = relationEdges(rows);
  for (const type of new Set(edges.map((r) => r.type))) {
    if (!WRITABLE_RELATIONS.has(type)) throw new Error(`relation type ${type} is not writable`);
    ahead.send(
      `UNWIND $rows AS row
       MATCH (a:Entity {eid: row.from}), (b:Entity {eid: row.to})
       MERGE (a)-[x:${type} {source: row.source}]->(b)
       ON CREATE SET x.rid = row.rids[0], x.rids = row.rids[..${MAX_RIDS}], x.role = row.role, x.firstAt = datetime()
       ON MATCH SET x.rids = CASE WHEN size(x.rids) >= ${MAX_RIDS} OR all(i IN row.rids WHERE i IN x.rids) THEN x.rids
                                  ELSE (x.rids + [i IN row.rids WHERE NOT i IN x.rids])[..${MAX_RIDS}] END,
                    x.role = coalesce(row.role, x.role)`,
      { rows: edges.filter((r) => r.type === type) },
    );
  }
}

/**
 * The sources each entity of the chunk is seen in (its records, identifier edges, relations and
 * visits; none for an entity the chunk only writes or merges into), sorted by eid so concurrent writers lock hubs in one order. The list on the node is
 * kept sorted, so it never depends on the order chunks arrive in.
 */
export function entitySources(rows: ChunkRows): { eid: string; sources: string[] }[] {
  const by = new Map<string, Set<string>>();
  const add = (eid: string, source: string) => {
    let set = by.get(eid);
    if (!set) by.set(eid, (set = new Set()));
    set.add(source);
  };
  // Every entity the chunk writes or merges into is listed, so one that has no list yet gets it.
  for (const e of rows.entities) if (!by.has(e.eid)) by.set(e.eid, new Set());
  for (const m of rows.merges) if (!by.has(m.into)) by.set(m.into, new Set());
  for (const r of rows.records) for (const res of r.resolved) add(res.eid, r.source);
  for (const i of rows.identifiers) add(i.eid, i.source);
  for (const r of rows.relations) {
    add(r.from, r.source);
    add(r.to, r.source);
  }
  for (const v of rows.visits) {
    add(v.subject, v.source);
    add(v.place, v.source);
  }
  return [...by].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([eid, set]) => ({ eid, sources: [...set].sort() }));
}

/**
 * Keeps `inSources` (visibility as a property, read by the server's `visibleEntity`): adds the
 * given sources an entity does not list yet (the chunk writer's rows: `entitySources`; the trace
 * writer knows them directly). Only entities that gain a source are written, under
 * their write lock (taken before the list is read again, so two writers never lose each other's).
 * An entity without the list yet (new, or written by something that does not keep it) gets it
 * from its records and edges first, so the list is never a subset of what the graph says.
 */
export async function addSourcesToEntities(tx: ManagedTransaction, list: { eid: string; sources: string[] }[]) {
  if (!list.length) return;
  await tx.run(
    `UNWIND $rows AS row
     MATCH (e:Entity {eid: row.eid})
     WITH e, row WHERE e.inSources IS NULL OR any(s IN row.sources WHERE NOT s IN e.inSources)
     SET e._lock = true
     WITH e, row
     CALL (e) {
       WITH e WHERE e.inSources IS NULL
       OPTIONAL MATCH (e)<-[:RESOLVED_TO]-(r:SourceRecord)
       RETURN collect(DISTINCT r.source) AS recs
     }
     CALL (e) {
       WITH e WHERE e.inSources IS NULL
       OPTIONAL MATCH (e)-[x]-() WHERE NOT x:RESOLVED_TO AND x.source IS NOT NULL
       RETURN collect(DISTINCT x.source) AS edges
     }
     CALL (e, recs, edges, row) {
       UNWIND coalesce(e.inSources, []) + recs + edges + row.sources AS s
       WITH DISTINCT s ORDER BY s
       RETURN collect(s) AS seen
     }
     SET e.inSources = seen
     REMOVE e._lock`,
    { rows: list },
  );
}

/**
 * What a writer knows the graph already holds of the lists a chunk keeps on its entities
 * (`inSources`, a place's facts), from its own earlier writes (`WrittenFacts` in
 * pipeline/written-facts.ts): a row it covers would add nothing, and is not sent.
 */
export interface KnownFacts {
  hasSources(eid: string, sources: readonly string[]): boolean;
  hasPlaceFacts(eid: string, facts: PlaceFacts): boolean;
}

/**
 * The rows of the chunk's `inSources` and place-facts statements: every entity the chunk names,
 * less those whose lists `known` says hold them already, and (with `rows.kinds`) the place facts of
 * places only. Entities whose lists this very chunk may have taken entries from or set to unknown
 * (`must`: merge survivors, places a withdrawal cleared) are always written.
 */
export function listRows(
  rows: ChunkRows,
  must: ReadonlySet<string>,
  known?: KnownFacts,
): { sources: { eid: string; sources: string[] }[]; places: ({ eid: string } & PlaceFacts)[] } {
  const sources = entitySources(rows).filter((x) => must.has(x.eid) || !known?.hasSources(x.eid, x.sources));
  const places = recordPlaceFacts(rows.records, must, rows.kinds).filter((x) => {
    if (must.has(x.eid)) return true;
    const kind = rows.kinds?.get(x.eid);
    return (kind === undefined || kind === 'Place') && !known?.hasPlaceFacts(x.eid, x);
  });
  return { sources, places };
}

/**
 * Writes one chunk in ONE transaction: entities with golden values, then merges into them, identifier anchors,
 * source records with RESOLVED_TO, relations and VISITED edges, and the pipeline sequence.
 * Either all of a record's facts are in the graph or none are, so a retried job is safe.
 * @returns `statementsMs`: the time the (last attempt's) statements took; the rest of the call is the commit
 */
export async function writeChunk(
  graph: Graph,
  rows: ChunkRows,
  opts: {
    trace?: boolean | 'profile';
    /** runs first in the same transaction (the leader's fence, the group's batch bookkeeping) */
    inTx?: (tx: ManagedTransaction) => Promise<void>;
    /** lists the graph holds already: their rows are not sent (`listRows`) */
    known?: KnownFacts;
  } = {},
): Promise<{ statementsMs: number }> {
  let statementsMs = 0;
  await writeTx(graph, async (rawTx) => {
    const t0 = performance.now();
    await chunkStatements(traced(rawTx, opts.trace ?? false), rows, opts);
    statementsMs = performance.now() - t0;
  });
  return { statementsMs };
}

/**
 * Runs a chunk's statements as `writeChunk` does, then rolls them back: nothing is written. A resolve
 * leader runs it on a made-up chunk before it takes its first push (`rehearsalChunk`), so that
 * Neo4j has compiled every statement of the group write (on a Neo4j just started the first
 * groups took 0.4–1.4 s each, compiling, where later ones take 20–60 ms). `last` runs after the
 * chunk's statements (the fence and the batch bookkeeping, which lock the pipeline's state node:
 * held only from there to the rollback). Returns the time the statements took.
 */
export async function rehearseChunk(graph: Graph, rows: ChunkRows, last?: (tx: ManagedTransaction) => Promise<void>): Promise<number> {
  return rolledBackTx(graph, async (tx) => {
    const t0 = performance.now();
    await chunkStatements(tx, rows, {});
    // as the write's first statements run (`chunkStatements`' `inTx`): the same plans
    await last?.(keepingPlans(tx));
    return performance.now() - t0;
  });
}

/** The statements of one chunk's transaction (`writeChunk`), in order; the caller commits or rolls back. */
async function chunkStatements(
  tx: ManagedTransaction,
  rows: ChunkRows,
  opts: { inTx?: (tx: ManagedTransaction) => Promise<void>; known?: KnownFacts },
): Promise<void> {
  // Statements whose answers are not read are sent without waiting (one round trip for the
  // chunk, not one per statement); the merges and a correction's withdrawal, which the statements
  // after them depend on, wait for their answers (and so for everything sent before them).
  // statements keyed by unique keys keep their plans (`keepingPlans`); the merges and the
  // withdrawal, which also match by keys that are not unique, are planned as usual
  const kept = keepingPlans(tx);
  const ahead = new PipelinedStatements(kept);
  try {
    ahead.add(opts.inTx?.(kept));
    writeEntities(ahead, rows.entities);
    await applyMerges(tx, rows.merges, rows.seq);
    const { left, places: withdrawnFrom } = await withdrawRecordFacts(tx, rows.records.filter((r) => !r.isNew));
    if (rows.identifiers.length) {
      ahead.send(
        `UNWIND $rows AS row
         MATCH (e:Entity {eid: row.eid})
         MERGE (i:Identifier {kind: row.kind, value: row.value}) ON CREATE SET i.${IDENTIFIER_VALUE_REVERSED} = reverse(row.value)
         MERGE (e)-[h:HAS_IDENTIFIER]->(i)
         ON CREATE SET h.source = row.source, h.rid = row.rids[0], h.rids = row.rids[..${MAX_RIDS}]
         // an edge that lists these records already (or is full) is not written again
         WITH h, row, coalesce(h.rids, [h.rid]) AS had
         WHERE size(had) < ${MAX_RIDS} AND any(x IN row.rids WHERE NOT x IN had)
         SET h.rids = (had + [x IN row.rids WHERE NOT x IN had])[..${MAX_RIDS}]`,
        { rows: identifierEdges(rows.identifiers) },
      );
    }
    // A record delivered for the first time has no node and no edge yet: CREATE them (no lookup
    // of existing edges on hubs); a corrected re-delivery MERGEs its node (its old edges were withdrawn).
    // The record as delivered is not stored: staging keeps it (`batchId`, `line`; read back by
    // `readDeliveredValues` in quality/delivered-values.ts); an older graph's `raw` goes on correction.
    const created = rows.records.filter((r) => r.isNew);
    const updated = rows.records.filter((r) => !r.isNew);
    const recordProps = `r.source = row.source, r.recordId = row.recordId, r.receivedAt = datetime(row.receivedAt), r.hash = row.hash,
             r.file = row.file, r.line = row.line, r.batchId = row.batchId, r.seq = $seq, r.attrs = row.attrs, r.mentions = row.mentions,
             r.flags = CASE WHEN size(row.flags) = 0 THEN null ELSE row.flags END`;
    if (created.length) {
      ahead.send(
        `UNWIND $rows AS row
         CREATE (r:SourceRecord {rid: row.rid}) SET ${recordProps}
         WITH r, row
         UNWIND row.resolved AS res
         MATCH (e:Entity {eid: res.eid})
         CREATE (r)-[:RESOLVED_TO {role: res.role, score: res.score, decision: res.decision, candidate: res.candidate, at: ${RESOLVED_AT}}]->(e)`,
        { rows: created, seq: rows.seq },
      );
    }
    if (updated.length) {
      ahead.send(
        `UNWIND $rows AS row
         MERGE (r:SourceRecord {rid: row.rid})
         SET ${recordProps}
         REMOVE r.raw
         WITH r, row
         UNWIND row.resolved AS res
         MATCH (e:Entity {eid: res.eid})
         MERGE (r)-[x:RESOLVED_TO {role: res.role}]->(e)
         SET x.score = res.score, x.decision = res.decision, x.candidate = res.candidate, x.at = ${RESOLVED_AT}`,
        { rows: updated, seq: rows.seq },
      );
    }
    writeRelations(ahead, rows.relations);
    if (rows.visits.length) {
      // every visit is new by now (a corrected record's earlier ones were withdrawn above); one
      // edge per (subject, place, rid, kind), the last row winning
      const fresh = [...new Map(rows.visits.map((v) => [`${v.subject}|${v.place}|${v.rid}|${v.kind}`, v])).values()];
      const until = 'CASE WHEN row.until IS NULL THEN null ELSE datetime(row.until) END';
      ahead.send(
        `UNWIND $rows AS row
         MATCH (s:Entity {eid: row.subject}), (p:Place {eid: row.place})
         CREATE (s)-[v:VISITED {rid: row.rid, kind: row.kind, at: datetime(row.at), until: ${until}, source: row.source}]->(p)
         SET ${setVisitPlaceCypher('v', 'p')}`,
        { rows: fresh },
      );
    }
    const lists = listRows(rows, new Set([...rows.merges.map((m) => m.into), ...withdrawnFrom]), opts.known);
    ahead.add(addSourcesToEntities(kept, lists.sources));
    ahead.add(addSourcesToEntities(kept, left.map((eid) => ({ eid, sources: [] }))));
    ahead.add(addPlaceFacts(kept, lists.places));
    ahead.send('MERGE (s:PipelineState {id: "main"}) SET s.seq = CASE WHEN coalesce(s.seq, 0) < $seq THEN $seq ELSE s.seq END', { seq: rows.seq });
    await ahead.settle();
  } catch (e) {
    // the first failure in order is the cause (a later statement only says the transaction failed)
    await ahead.settle();
    throw e;
  }
}
