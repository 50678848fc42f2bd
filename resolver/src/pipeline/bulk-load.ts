import type { EntityKind, SourceCatalogEntry } from '@onemap/graph-schema';
import type { BatchInfo } from '../graph/batches.ts';
import type { BulkGraph } from '../graph/bulk-import-csv.ts';
import { type EntityRow, MAX_RIDS, type RelationRow, type SourceRecordRow, type VisitRow } from '../graph/write-rows.ts';
import { readBatch } from '../intake/read-batch.ts';
import { writeRejectsReport } from '../intake/rejects-report.ts';
import { type StagedBatch, stageFile } from '../intake/staged-batch.ts';
import { ResolverError } from '../errors.ts';
import type { Model } from '../scoring/model-settings.ts';
import type { FieldProblem } from '../types.ts';
import { authorityFromCatalog } from './golden-values.ts';
import { type RecordOrigin, RecordResolver, type ResolvedRecord } from './record-resolver.ts';

export interface BulkLoadOptions {
  catalog: SourceCatalogEntry[];
  stagingDir: string;
  rejectsDir: string;
  models?: Partial<Record<EntityKind, Model>>;
}

export interface BulkPlan {
  graph: BulkGraph;
  batches: number;
  rows: number;
  written: number;
  rejected: number;
  ms: { read: number; resolve: number; rows: number };
}

/**
 * Resolves delivery files for a bulk load of an empty graph, in memory: every file is staged
 * (the delivery is kept, and a later incremental delivery of the same content is a no-op), read
 * and standardized with the one reader, and its records resolved with the same record-at-a-time
 * logic and order as the incremental pipeline — so the graph it describes is the one an
 * incremental load of the same files writes: entities with golden values and provenance,
 * identifier anchors, source records with RESOLVED_TO, relations, VISITED, one Batch per
 * delivery and the pipeline state that lets later incremental batches continue from it.
 * Facts are computed once at the end with every mention's final entity, so merges need no
 * redirects (no merged-away entity was ever written).
 */
export function planBulkLoad(files: { source: string; path: string }[], opts: BulkLoadOptions): BulkPlan {
  const catalogById = new Map(opts.catalog.map((c) => [c.id, c]));
  const rr = new RecordResolver({ catalog: opts.catalog, authority: authorityFromCatalog(opts.catalog), ...(opts.models ? { models: opts.models } : {}) });
  const ms = { read: 0, resolve: 0, rows: 0 };
  const batches = new Map<string, { batch: StagedBatch; info: BatchInfo & { names: string[] } }>();
  const resolved: ({ origin: RecordOrigin; entry: SourceCatalogEntry; p: ResolvedRecord } | undefined)[] = [];
  /** rids delivered again with other content: only their last version's facts are written */
  const corrected = new Set<string>();
  const now = new Date().toISOString();
  let rows = 0;
  let written = 0;
  let rejected = 0;
  for (const f of files) {
    const entry = catalogById.get(f.source);
    if (!entry) throw new ResolverError('ONEMAP_ERR_USAGE', { detail: `unknown source "${f.source}"` });
    const batch = stageFile(opts.stagingDir, f.source, f.path, entry.file);
    const known = batches.get(batch.batchId);
    if (known) {
      // The same content delivered again: one batch, one more delivery.
      known.info.deliveries = (known.info.deliveries ?? 1) + 1;
      if (!known.info.names.includes(batch.originalName)) known.info.names.push(batch.originalName);
      continue;
    }
    const info: BatchInfo & { names: string[] } = {
      batchId: batch.batchId,
      source: batch.source,
      originalName: batch.originalName,
      way: batch.way,
      status: 'done',
      receivedAt: batch.receivedAt,
      deliveries: 1,
      names: [batch.originalName],
    };
    batches.set(batch.batchId, { batch, info });
    let t = performance.now();
    let read: ReturnType<typeof readBatch>;
    try {
      read = readBatch(batch, entry);
    } catch (e) {
      if (!(e instanceof ResolverError)) throw e;
      const problem: FieldProblem = { source: batch.source, file: batch.originalName, code: e.code, reason: e.message };
      if (e.location.line !== undefined) problem.line = e.location.line;
      if (e.location.field !== undefined) problem.field = e.location.field;
      const rejectsFile = writeRejectsReport(opts.rejectsDir, batch.batchId, [problem]);
      Object.assign(info, { status: 'rejected', error: e.message, rejected: 1, finishedAt: now, ...(rejectsFile ? { rejectsFile } : {}) });
      rejected++;
      continue;
    }
    ms.read += performance.now() - t;
    t = performance.now();
    const stats = { written: 0, unchanged: 0, updated: 0, merges: 0, possibleMatches: 0 };
    const dropped: FieldProblem[] = [];
    const origin: RecordOrigin = { batchId: batch.batchId, receivedAt: batch.receivedAt, originalName: batch.originalName };
    for (const rec of read.records) {
      const p = rr.resolveRecord(entry, rec, batch.receivedAt, () => stats.merges++);
      if (!p) {
        stats.unchanged++;
        continue;
      }
      for (const d of p.facts.dropped) {
        const [field, reason] = d.split(':');
        dropped.push({ source: batch.source, file: batch.originalName, recordId: rec.recordId, field, code: 'ONEMAP_ERR_BAD_VALUE', reason: reason ?? d });
      }
      stats.possibleMatches += p.resolved.filter((r) => r.decision === 'possible_match').length;
      if (p.updated) stats.updated++;
      else stats.written++;
      // Kept until the CSVs are written: only what the rows need (not the mapped record, its
      // problems or a second list of its mentions).
      // (nor the record as delivered: staging keeps it, the graph does not)
      const { rid, recordId, line, hash } = p.rec;
      if (p.updated) corrected.add(rid);
      resolved.push({ origin, entry, p: { ...p, rec: { rid, recordId, line, hash, raw: {}, record: {}, mentions: [], problems: [] } } });
    }
    ms.resolve += performance.now() - t;
    const rejectsFile = writeRejectsReport(opts.rejectsDir, batch.batchId, [...read.rejects, ...dropped]);
    Object.assign(info, {
      rows: read.rows,
      ...stats,
      rejected: read.rejects.length,
      flagged: read.flagged.length,
      finishedAt: now,
      ...(rejectsFile ? { rejectsFile } : {}),
    });
    rows += read.rows;
    written += stats.written;
    rejected += read.rejects.length;
  }

  // Facts with every mention's final entity, deduplicated the way the incremental MERGEs do.
  const t = performance.now();
  const entities = new Map<string, EntityKind>();
  const identifiers = new Map<string, { eid: string; kind: string; value: string; source: string; rid: string; rids: string[] }>();
  const records = new Map<string, SourceRecordRow>();
  const relations = new Map<string, RelationRow & { rids: string[] }>();
  const visits = new Map<string, VisitRow>();
  // A corrected re-delivery replaces its record's facts: earlier versions are dropped.
  const seen = new Set<string>();
  for (let i = resolved.length - 1; i >= 0 && corrected.size; i--) {
    const rid = resolved[i]!.p.rec.rid;
    if (!corrected.has(rid)) continue;
    if (seen.has(rid)) resolved[i] = undefined;
    else seen.add(rid);
  }
  for (let i = 0; i < resolved.length; i++) {
    const at = resolved[i];
    if (!at) continue; // a version a later delivery corrected
    const { origin, entry, p } = at;
    // Released as its rows are made: the resolved records and the rows never coexist whole.
    resolved[i] = undefined;
    for (const m of p.facts.mentions) entities.set(rr.eidOf(m.key), m.kind);
    const r = { identifiers: [] as { eid: string; kind: string; value: string; source: string; rid: string }[], records: [] as SourceRecordRow[], relations: [] as RelationRow[], visits: [] as VisitRow[] };
    rr.recordRows(origin, entry, p, r);
    for (const i of r.identifiers) {
      const k = `${i.eid}|${i.kind}|${i.value}`;
      const x = identifiers.get(k);
      if (!x) identifiers.set(k, { ...i, rids: [i.rid] });
      else if (!x.rids.includes(i.rid) && x.rids.length < MAX_RIDS) x.rids.push(i.rid);
    }
    for (const s of r.records) records.set(s.rid, s);
    for (const rel of r.relations) {
      const k = `${rel.type}|${rel.from}|${rel.to}|${rel.source}`;
      const x = relations.get(k);
      if (!x) relations.set(k, { ...rel, rids: [rel.rid] });
      else {
        if (!x.rids.includes(rel.rid) && x.rids.length < MAX_RIDS) x.rids.push(rel.rid);
        x.role = rel.role ?? x.role;
      }
    }
    for (const v of r.visits) visits.set(`${v.subject}|${v.place}|${v.rid}|${v.kind}`, v);
  }
  resolved.length = 0;
  const entityRows: EntityRow[] = [];
  for (const [eid, kind] of entities) entityRows.push(rr.entityRow(eid, kind));
  ms.rows = performance.now() - t;
  return {
    graph: {
      entities: entityRows,
      identifiers: [...identifiers.values()],
      records: [...records.values()],
      relations: [...relations.values()],
      visits: [...visits.values()],
      batches: [...batches.values()].map((b) => ({ ...b.info, hash: b.batch.hash })),
      seq: 1,
      loadedAt: now,
    },
    batches: batches.size,
    rows,
    written,
    rejected,
    ms,
  };
}
