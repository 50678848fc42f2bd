import { ANCHOR_KINDS, type EntityKind, type SourceCatalogEntry } from '@onemap/graph-schema';
import type { Graph } from '@onemap/graph-schema/server';
import { mentionsToJson, readCannotLinks, readDecisionsSignature, readPipelineSeq, readRecordsSince, readRedirectsSince } from '../graph/load-index.ts';
import { writeChunk } from '../graph/write-chunk.ts';
import { type ChunkRows, emptyChunk } from '../graph/write-rows.ts';
import type { BatchRecord } from '../intake/read-batch.ts';
import type { StagedBatch } from '../intake/staged-batch.ts';
import { ResolutionIndex } from '../resolve/resolution-index.ts';
import type { Model } from '../scoring/model-settings.ts';
import type { Mention } from '../types.ts';
import { type AuthorityFn, goldenValues } from './golden-values.ts';
import { type RecordFacts, recordFacts } from './record-facts.ts';

export interface ProcessStats {
  records: number;
  written: number;
  unchanged: number;
  updated: number;
  merges: number;
  possibleMatches: number;
  droppedFacts: string[];
  chunks: number;
  /** eids that got a new trace or relation (for watches) */
  touched: { eid: string; type: 'trace' | 'relation'; at: string | null; source: string; rid: string }[];
  ms: { resolve: number; write: number; sync: number };
}

export interface GraphResolverOptions {
  catalog: SourceCatalogEntry[];
  authority: AuthorityFn;
  models?: Partial<Record<EntityKind, Model>>;
  chunkSize?: number;
  /** golden values are computed from at most this many mentions (plus authoritative ones) */
  goldenSample?: number;
  /** print the time of every write statement */
  traceWrites?: boolean;
}

/** Identifiers written as anchors; a person's phone becomes a Phone entity instead. */
const ANCHOR_KINDS_OF = Object.fromEntries(Object.entries(ANCHOR_KINDS).map(([k, v]) => [k, new Set<string>(v)])) as Record<EntityKind, Set<string>>;

/**
 * Incremental resolution into Neo4j. Holds the resolver core's real-time `ResolutionIndex`,
 * kept consistent with the graph by sequence number: before each batch it reads what other
 * workers (or analysts' merges) committed since, then resolves each record's mentions against
 * the index and writes the results chunk by chunk, one transaction per chunk.
 * Callers must serialize `processBatch` across processes (see `withResolveLock`).
 */
export class GraphResolver {
  private index: ResolutionIndex;
  private readonly persisted = new Set<string>();
  private readonly recordHashes = new Map<string, string>();
  /** rid -> when the record was received (epoch ms): the recency of the golden-value rule. */
  private readonly receivedAt = new Map<string, number>();
  private lastSeq = 0;
  private dirty = true;
  private decisions = '';
  private readonly catalogById: Map<string, SourceCatalogEntry>;

  constructor(
    private readonly graph: Graph,
    private readonly opts: GraphResolverOptions,
  ) {
    this.index = this.newIndex();
    this.catalogById = new Map(opts.catalog.map((c) => [c.id, c]));
  }

  private newIndex() {
    return new ResolutionIndex(this.opts.models ? { models: this.opts.models } : {});
  }

  get sequence(): number {
    return this.lastSeq;
  }

  /**
   * Catches the index up with the graph: incrementally by sequence number, or wholly at start,
   * after a failed write, and after analysts' merges, splits or confirmations (rare; they change
   * entities outside the pipeline's sequence). Splits and confirmed non-matches become
   * cannot-links that later records respect.
   */
  async sync(): Promise<void> {
    const signature = await readDecisionsSignature(this.graph);
    if (signature !== this.decisions) this.dirty = true;
    // A sequence behind ours means the graph was reset or restored from a backup: start over.
    if ((await readPipelineSeq(this.graph)) < this.lastSeq) this.dirty = true;
    if (this.dirty) {
      this.index = this.newIndex();
      this.persisted.clear();
      this.recordHashes.clear();
      this.receivedAt.clear();
      this.lastSeq = 0;
    }
    const target = await readPipelineSeq(this.graph);
    if (!this.dirty && target === this.lastSeq) return;
    for await (const page of readRecordsSince(this.graph, this.lastSeq)) {
      for (const r of page) {
        this.recordHashes.set(r.rid, r.hash);
        if (r.receivedAt !== null) this.receivedAt.set(r.rid, r.receivedAt);
        for (const { mention, eid } of r.mentions) {
          this.index.add(mention, eid);
          this.persisted.add(eid);
        }
      }
    }
    for (const d of await readRedirectsSince(this.graph, this.lastSeq)) {
      this.persisted.delete(d.eid);
      if (this.index.mentionsOf(d.eid).length && this.index.mentionsOf(d.to).length) this.index.mergeEntities(d.to, d.eid);
    }
    this.lastSeq = Math.max(this.lastSeq, target);
    if (this.dirty) {
      for (const [a, b] of await readCannotLinks(this.graph)) {
        if (this.index.mentionsOf(a).length && this.index.mentionsOf(b).length) this.index.addCannotLink(a, b);
      }
    }
    this.decisions = signature;
    this.dirty = false;
  }

  /** Resolves and writes a standardized batch. Records already in the graph unchanged are skipped. */
  async processBatch(batch: StagedBatch, records: BatchRecord[], onChunk?: (done: number, total: number) => void): Promise<ProcessStats> {
    const entry = this.catalogById.get(batch.source);
    if (!entry) throw new Error(`source ${batch.source} is not in the catalog`);
    const stats: ProcessStats = {
      records: records.length,
      written: 0,
      unchanged: 0,
      updated: 0,
      merges: 0,
      possibleMatches: 0,
      droppedFacts: [],
      chunks: 0,
      touched: [],
      ms: { resolve: 0, write: 0, sync: 0 },
    };
    let t = performance.now();
    await this.sync();
    stats.ms.sync = performance.now() - t;
    const size = this.opts.chunkSize ?? 2000;
    for (let i = 0; i < records.length; i += size) {
      const slice = records.slice(i, i + size);
      t = performance.now();
      const rows = this.resolveChunk(batch, entry, slice, stats);
      stats.ms.resolve += performance.now() - t;
      if (rows.records.length) {
        t = performance.now();
        try {
          await writeChunk(this.graph, rows, { trace: this.opts.traceWrites ?? false });
        } catch (e) {
          // The index already holds this chunk's decisions; rebuild it from the graph next time.
          this.dirty = true;
          throw e;
        }
        stats.ms.write += performance.now() - t;
        this.lastSeq = rows.seq;
        for (const m of rows.merges) this.persisted.delete(m.from);
        for (const e of rows.entities) this.persisted.add(e.eid);
        stats.chunks++;
      }
      onChunk?.(Math.min(i + size, records.length), records.length);
    }
    return stats;
  }

  private resolveChunk(batch: StagedBatch, entry: SourceCatalogEntry, slice: BatchRecord[], stats: ProcessStats): ChunkRows {
    const rows = emptyChunk(this.lastSeq + 1);
    const pending: { rec: BatchRecord; facts: RecordFacts; resolved: { key: string; role: string; score: number; decision: string; candidate?: string }[] }[] = [];
    const mergedAway = new Map<string, string>(); // persisted eid -> a mention key it held
    for (const rec of slice) {
      const prev = this.recordHashes.get(rec.rid);
      if (prev === rec.hash) {
        stats.unchanged++;
        continue;
      }
      const facts = recordFacts(entry, rec);
      for (const d of facts.dropped) stats.droppedFacts.push(`${rec.rid} ${d}`);
      const resolved: (typeof pending)[number]['resolved'] = [];
      for (const m of facts.mentions) {
        const current = prev !== undefined ? this.index.entityOf(m.key) : undefined;
        if (current) {
          // A corrected re-delivery keeps its entity; its values replace the old ones.
          this.index.add(m, current);
          resolved.push({ key: m.key, role: m.role, score: 1, decision: 'update' });
          continue;
        }
        const r = this.index.resolveOne(m);
        const eid = r.entityId ?? this.index.newEntityId(m);
        this.index.add(m, eid);
        for (const other of r.mergeOf?.slice(1) ?? []) {
          const members = this.index.mentionsOf(other);
          if (!members.length || other === eid) continue;
          if (this.persisted.has(other) && !mergedAway.has(other)) mergedAway.set(other, members[0]!.key);
          this.index.mergeEntities(eid, other);
          stats.merges++;
        }
        if (r.decision === 'possible_match') stats.possibleMatches++;
        const row: (typeof resolved)[number] = { key: m.key, role: m.role, score: Math.round(r.score * 1e4) / 1e4, decision: r.decision };
        if (r.candidate) row.candidate = r.candidate;
        resolved.push(row);
      }
      if (prev !== undefined) stats.updated++;
      else stats.written++;
      this.receivedAt.set(rec.rid, Date.parse(batch.receivedAt));
      pending.push({ rec, facts, resolved });
    }
    if (!pending.length) return rows;

    // Final entity of every mention, after all merges in this chunk.
    const eidOf = (key: string) => this.index.entityOf(key)!;
    for (const [from, key] of mergedAway) {
      const into = eidOf(key);
      if (into !== from) rows.merges.push({ from, into, reason: `merged by ${batch.batchId}` });
    }
    const touched = new Map<string, EntityKind>();
    for (const p of pending) for (const m of p.facts.mentions) touched.set(eidOf(m.key), m.kind);
    for (const m of rows.merges) touched.set(m.into, this.index.mentionsOf(m.into)[0]!.kind);
    for (const [eid, kind] of touched) rows.entities.push(this.entityRow(eid, kind));

    for (const { rec, facts, resolved } of pending) {
      const roleEid = new Map(facts.mentions.map((m) => [m.role, eidOf(m.key)]));
      for (const m of facts.mentions) {
        for (const id of m.identifiers) {
          if (ANCHOR_KINDS_OF[m.kind].has(id.kind)) rows.identifiers.push({ eid: roleEid.get(m.role)!, kind: id.kind, value: id.value, source: entry.id, rid: rec.rid });
        }
      }
      rows.records.push({
        rid: rec.rid,
        source: entry.id,
        recordId: rec.recordId,
        receivedAt: batch.receivedAt,
        hash: rec.hash,
        file: batch.originalName,
        line: rec.line,
        batchId: batch.batchId,
        ...mentionsToJson(facts.mentions),
        raw: JSON.stringify(rec.raw),
        flags: facts.mentions.flatMap((m) => m.flags.map((f) => `${m.role}.${f}`)),
        resolved: resolved.map((r) => ({ ...r, eid: eidOf(r.key) })),
      });
      for (const rel of facts.relations) {
        const from = roleEid.get(rel.fromRole)!;
        const to = roleEid.get(rel.toRole)!;
        rows.relations.push({ type: rel.type, from, to, source: entry.id, rid: rec.rid, role: rel.role });
        stats.touched.push({ eid: from, type: 'relation', at: null, source: entry.id, rid: rec.rid });
      }
      for (const v of facts.visits) {
        const subject = roleEid.get(v.subjectRole)!;
        rows.visits.push({ subject, place: roleEid.get(v.placeRole)!, at: v.at, until: v.until, kind: v.kind, source: entry.id, rid: rec.rid });
        stats.touched.push({ eid: subject, type: 'trace', at: v.at, source: entry.id, rid: rec.rid });
      }
    }
    return rows;
  }

  private entityRow(eid: string, kind: EntityKind) {
    let mentions: Mention[] = this.index.mentionsOf(eid);
    const cap = this.opts.goldenSample ?? 200;
    if (mentions.length > cap) {
      // A bounded sample: authoritative mentions and the latest ones (mentions are kept in arrival order).
      const auth = mentions.filter((m) => this.catalogById.get(m.source)?.authorityFor.some((a) => a.startsWith(`${kind}.`)));
      mentions = [...new Set([...auth.slice(0, cap), ...mentions.slice(-cap)])];
    }
    const g = goldenValues(kind, mentions, this.opts.authority, (m) => this.receivedAt.get(`${m.source}:${m.recordId}`) ?? null);
    const lon = g.props.lon !== undefined ? Number(g.props.lon) : null;
    const lat = g.props.lat !== undefined ? Number(g.props.lat) : null;
    return { eid, kind, props: g.props, provenance: JSON.stringify(g.provenance), searchText: g.searchText, lon, lat };
  }

  /** The in-memory index (read-only use: explanations, evaluation). */
  get resolutionIndex(): ResolutionIndex {
    return this.index;
  }
}
