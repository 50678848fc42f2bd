import fs from 'node:fs';
import { availableParallelism } from 'node:os';
import type { EntityKind, SourceCatalogEntry } from '@onemap/graph-schema';
import type { BatchInfo } from '../graph/batches.ts';
import type { BulkGraph, BulkGraphRest, RecordCellBytes, SpilledRecordRow, StatedPoint } from '../graph/bulk-import-csv.ts';
import { type EntityRow, MAX_RIDS, type RelationRow, type SourceRecordRow, type VisitRow } from '../graph/write-rows.ts';
import type { BatchRecord } from '../intake/read-batch.ts';
import { writeFileFault, writeRejectsReport } from '../intake/rejects-report.ts';
import type { StagedBatch } from '../intake/staged-batch.ts';
import { ResolverError } from '../errors.ts';
import type { Model } from '../scoring/model-settings.ts';
import type { FieldProblem } from '../types.ts';
import { authorityFromCatalog } from './golden-values.ts';
import { openFileReader } from './bulk-read-ahead.ts';
import { parseSpillLine, spillLine } from './bulk-spill-record.ts';
import { readSpillLineBytes, SpillWriter } from './bulk-spill.ts';
import type { RecordFacts } from './record-facts.ts';
import { type RecordOrigin, RecordResolver, type ResolvedRecord } from './record-resolver.ts';

export interface BulkLoadOptions {
  catalog: SourceCatalogEntry[];
  stagingDir: string;
  rejectsDir: string;
  /** where the first pass keeps what it resolved until every entity is final (removed after the second pass) */
  spillFile: string;
  models?: Partial<Record<EntityKind, Model>>;
  /** The key of the entity ids (`entityIdKeyOf`): the same as the workers' that continue from this graph. */
  eidKey: Uint8Array;
  /** worker threads that stage, read and standardize ahead of the resolving loop (default `defaultReadWorkers()`; 0: none) */
  readWorkers?: number;
  /** records per chunk from a worker and records a worker may have ahead (tests; `bulk-read-ahead.ts`) */
  readAhead?: { chunkRecords?: number; maxRecordsAhead?: number };
  /** Told when a file's fault found late starts the first pass again without it. */
  onRestart?: (file: string, reason: string) => void;
}

/** What the first pass of a bulk load resolved: the index in memory, the records on disk. */
export interface BulkResolved {
  rr: RecordResolver;
  catalogById: Map<string, SourceCatalogEntry>;
  batches: (BatchInfo & { names: string[]; hash: string })[];
  origins: RecordOrigin[];
  spillFile: string;
  /** rid -> the spill position of its last version, for rids delivered again with other content */
  lastVersion: Map<string, number>;
  loadedAt: string;
  rows: number;
  written: number;
  rejected: number;
  ms: { read: number; resolve: number };
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
 * The first pass of a bulk load of an empty graph: every file is staged (the delivery is kept,
 * and a later incremental delivery of the same content is a no-op), read and standardized with
 * the one reader, and its records resolved with the same record-at-a-time logic and order as the
 * incremental pipeline — so the graph it describes is the one an incremental load of the same
 * files writes. What a record's rows need is spilled to `opts.spillFile` as it resolves (its
 * mentions' entities are read at the second pass, `bulkRows`, when every merge is known), so
 * memory holds the resolution index and the batches, not the records.
 *
 * The readers hand a file over as it is read, so the loop resolves a big file (a household
 * registry of 250,000 rows) while the rest of it is read. A file-level fault found late (after
 * some of the file's records were resolved) starts the pass again from the first file, that file
 * rejected from the start: the index holds no trace of a rejected file's records, as when the
 * fault is found before any (rare: a read error, a JSON lines column no line has; the cost is one
 * more pass).
 */
export async function resolveBulkLoad(files: { source: string; path: string }[], opts: BulkLoadOptions): Promise<BulkResolved> {
  const lateFaults = new Map<number, FileFault>();
  for (;;) {
    try {
      return await resolvePass(files, opts, lateFaults);
    } catch (e) {
      if (!(e instanceof LateFileFault)) throw e;
      lateFaults.set(e.file, e.error);
      opts.onRestart?.(files[e.file]!.path, e.error.message);
    }
  }
}

type FileFault = Pick<ResolverError, 'code' | 'message' | 'location'>;

/** A file's fault found after some of its records were resolved: the pass starts again without them. */
class LateFileFault extends Error {
  constructor(
    readonly file: number,
    readonly error: FileFault,
  ) {
    super(`file ${file}: ${error.message}`);
  }
}

/** One first pass; `lateFaults`: files rejected from the start (their fault was found late before). */
async function resolvePass(files: { source: string; path: string }[], opts: BulkLoadOptions, lateFaults: ReadonlyMap<number, FileFault>): Promise<BulkResolved> {
  const catalogById = new Map(opts.catalog.map((c) => [c.id, c]));
  for (const f of files) if (!catalogById.has(f.source)) throw new ResolverError('ONEMAP_ERR_USAGE', { detail: `unknown source "${f.source}"` });
  const rr = new RecordResolver({ catalog: opts.catalog, authority: authorityFromCatalog(opts.catalog), eidKey: opts.eidKey, ...(opts.models ? { models: opts.models } : {}) });
  const ms = { read: 0, resolve: 0 };
  const batches = new Map<string, { batch: StagedBatch; info: BatchInfo & { names: string[] } }>();
  const origins: RecordOrigin[] = [];
  const lastVersion = new Map<string, number>();
  const spill = new SpillWriter(opts.spillFile);
  const now = new Date().toISOString();
  const reader = openFileReader(files, { catalog: opts.catalog, stagingDir: opts.stagingDir, workers: opts.readWorkers ?? defaultReadWorkers(), ...opts.readAhead });
  let rows = 0;
  let written = 0;
  let rejected = 0;
  // the time the loop waits for the reader: reading and standardizing that did not overlap resolving
  const next = async (i: number) => {
    const t = performance.now();
    const e = await reader.next(i);
    ms.read += performance.now() - t;
    return e;
  };
  try {
    for (let fi = 0; fi < files.length; fi++) {
      const entry = catalogById.get(files[fi]!.source)!;
      const staged = await next(fi);
      if (staged.type !== 'staged') throw new Error(`file ${fi}: ${staged.type} before staged`);
      // received when the loop reaches it, as when it was staged here (the recency of golden values)
      const batch: StagedBatch = { ...staged.batch, receivedAt: new Date().toISOString() };
      const known = batches.get(batch.batchId);
      if (known) {
        // The same content delivered again: one batch, one more delivery.
        known.info.deliveries = (known.info.deliveries ?? 1) + 1;
        if (!known.info.names.includes(batch.originalName)) known.info.names.push(batch.originalName);
        for (let e = await next(fi); e.type === 'records'; e = await next(fi));
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
      let e = await next(fi);
      const late = lateFaults.get(fi);
      if (late) {
        // read again by the reader: its records are passed over, its fault is the one found before
        while (e.type === 'records') e = await next(fi);
        e = { type: 'fault', error: late };
      }
      if (e.type === 'fault') {
        const rejectsFile = writeFileFault(opts.rejectsDir, batch, e.error);
        Object.assign(info, { status: 'rejected', error: e.error.message, rejected: 1, finishedAt: now, ...(rejectsFile ? { rejectsFile } : {}) });
        rejected++;
        continue;
      }
      const stats = { written: 0, unchanged: 0, updated: 0, merges: 0, possibleMatches: 0 };
      const dropped: FieldProblem[] = [];
      const origin = origins.push({ batchId: batch.batchId, receivedAt: batch.receivedAt, originalName: batch.originalName }) - 1;
      for (; e.type === 'records'; e = await next(fi)) {
        const t = performance.now();
        for (const rec of e.records) {
          const p = rr.resolveFacts(rec, rec.facts, batch.receivedAt, () => stats.merges++);
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
          // Only what the rows need (not the mapped record, its problems, nor the record as
          // delivered: staging keeps it, the graph does not).
          if (p.updated) lastVersion.set(rec.rid, spill.count);
          spill.writeLine(spillLine(rec.spill, origin, entry.id, p.resolved, p.updated));
        }
        ms.resolve += performance.now() - t;
      }
      if (e.type === 'fault') throw new LateFileFault(fi, e.error);
      if (e.type !== 'done') throw new Error(`file ${fi}: ${e.type} after its records`);
      const rejectsFile = writeRejectsReport(opts.rejectsDir, batch.batchId, [...e.rejects, ...dropped]);
      Object.assign(info, {
        rows: e.rows,
        ...stats,
        rejected: e.rejects.length,
        flagged: e.flagged,
        finishedAt: now,
        ...(rejectsFile ? { rejectsFile } : {}),
      });
      rows += e.rows;
      written += stats.written;
      rejected += e.rejects.length;
    }
  } finally {
    spill.close();
    await reader.close();
  }
  return {
    rr,
    catalogById,
    batches: [...batches.values()].map((b) => ({ ...b.info, hash: b.batch.hash })),
    origins,
    spillFile: opts.spillFile,
    lastVersion,
    loadedAt: now,
    rows,
    written,
    rejected,
    ms,
  };
}

/**
 * Read-ahead workers of a bulk load by default: the cores but the one that resolves, at least one
 * (on 2 cores: one reader beside the resolving loop), at most 3.
 */
export function defaultReadWorkers(): number {
  return Math.max(1, Math.min(3, availableParallelism() - 1));
}

/** A source record row's JSON cells when the sink takes them as bytes (`BulkRowSink.spilledRecord`). */
const CELLS_AS_BYTES = { attrs: '', mentions: '' };

/** Where the second pass hands the rows that come one per record. */
export interface BulkRowSink {
  /**
   * One source record, its `attrs` and `mentions` JSON decoded (the graph held whole, tests).
   * @param points the point each place mention of the record states (`spillParts`)
   */
  record(r: SourceRecordRow, points?: readonly StatedPoint[]): void;
  /** When given, called instead of `record`: the JSON cells as the spill holds them, bytes never decoded (the CSV writer copies them). */
  spilledRecord?(r: SpilledRecordRow, cells: RecordCellBytes): void;
  visit(v: VisitRow): void;
  /** Every record and visit has been handed over (the entity rows come next). */
  recordsDone?(): void;
}

/**
 * The second pass of a bulk load: every record's facts with every mention's final entity, read
 * back from the spill in the order they resolved (a corrected re-delivery's earlier versions
 * skipped). Source records and VISITED go to `out` as they are made; what the incremental MERGEs
 * deduplicate (identifiers, relations) and the entities are returned, bounded by the entities.
 * @param entities filled with each entity's kind as records name it (known to `out` for every
 *   entity of the record it is handed), returned as `kindOf`
 */
export function bulkRows(res: BulkResolved, out: BulkRowSink, entities = new Map<string, EntityKind>()): BulkGraphRest & { kindOf: Map<string, EntityKind> } {
  const { rr } = res;
  const identifiers = new RowsByEntity<{ kind: string; value: string }, { eid: string; kind: string; value: string; source: string; rid: string; rids: string[] }>(
    (x) => `${x.kind}|${x.value}`,
    (r, x) => r.value === x.value && r.kind === x.kind,
  );
  const relations = new RowsByEntity<Pick<RelationRow, 'type' | 'to' | 'source'>, RelationRow & { rids: string[] }>(
    (x) => `${x.type}|${x.to}|${x.source}`,
    (r, x) => r.to === x.to && r.type === x.type && r.source === x.source,
  );
  let n = 0;
  for (const line of readSpillLineBytes(res.spillFile)) {
    const at = n++;
    const x = parseSpillLine(line);
    // a version a later delivery corrected
    if (res.lastVersion.size && (res.lastVersion.get(x.rec.rid) ?? at) !== at) continue;
    const entry = res.catalogById.get(x.source)!;
    const r = { identifiers: [] as { eid: string; kind: string; value: string; source: string; rid: string }[], records: [] as SourceRecordRow[], relations: [] as RelationRow[], visits: [] as VisitRow[] };
    // the JSON cells stay bytes for a sink that takes them so (the row's `attrs` and `mentions` are then empty)
    const json = out.spilledRecord ? CELLS_AS_BYTES : { attrs: x.cells.attrs.toString('utf8'), mentions: x.cells.mentions.toString('utf8') };
    rr.recordRows(res.origins[x.origin]!, entry, { rec: x.rec, facts: { mentions: x.mentions, relations: x.relations, visits: x.visits }, resolved: x.resolved, updated: x.updated, json }, r);
    // each mention's entity as the record's row resolved it (its outcomes are its mentions', in order)
    const outcomes = r.records[0]!.resolved;
    for (let i = 0; i < x.mentions.length; i++) {
      const m = x.mentions[i]!;
      entities.set(outcomes[i]?.role === m.role ? outcomes[i]!.eid : rr.eidOf(m.key), m.kind);
    }
    for (const i of r.identifiers) {
      const x = identifiers.find(i.eid, i);
      if (!x) identifiers.add(i.eid, { ...i, rids: [i.rid] });
      else if (!x.rids.includes(i.rid) && x.rids.length < MAX_RIDS) x.rids.push(i.rid);
    }
    for (const s of r.records) {
      if (out.spilledRecord) out.spilledRecord(s, x.cells);
      else out.record(s, x.cells.points);
    }
    for (const rel of r.relations) {
      const x = relations.find(rel.from, rel);
      if (!x) relations.add(rel.from, { ...rel, rids: [rel.rid] });
      else {
        if (!x.rids.includes(rel.rid) && x.rids.length < MAX_RIDS) x.rids.push(rel.rid);
        x.role = rel.role ?? x.role;
      }
    }
    // one VISITED per (subject, place, record, kind): the record's last such fact
    if (r.visits.length === 1) out.visit(r.visits[0]!);
    else if (r.visits.length) for (const v of new Map(r.visits.map((v) => [`${v.subject}|${v.place}|${v.kind}`, v])).values()) out.visit(v);
  }
  out.recordsDone?.();
  const entityRows: EntityRow[] = [];
  for (const [eid, kind] of entities) entityRows.push(rr.entityRow(eid, kind));
  return { entities: entityRows, identifiers: identifiers.all, relations: relations.all, batches: res.batches, kindOf: entities };
}

/** Rows of an entity kept in a list up to this many, beyond in a `Map` by their key. */
const ENTITY_ROWS_LISTED = 16;

/**
 * Rows deduplicated per entity (an identifier of an entity, a relation from it), in the order
 * they were added (`all`). An entity has a few: a row is found by comparing the entity's own rows,
 * in the map by its eid (the index's string, hashed once), not by a key string made for every
 * record's row and looked up in a map of a million; past `ENTITY_ROWS_LISTED` rows, by their key.
 * @typeParam K what identifies a row within its entity
 */
export class RowsByEntity<K, R extends K> {
  private readonly byEntity = new Map<string, R[] | Map<string, R>>();
  readonly all: R[] = [];

  /**
   * @param keyOf a row's key within its entity (for an entity of many rows)
   * @param same whether a row is the one `x` identifies (as `keyOf` of both would say)
   */
  constructor(
    private readonly keyOf: (x: K) => string,
    private readonly same: (r: R, x: K) => boolean,
  ) {}

  /** The entity's row `x` identifies. */
  find(eid: string, x: K): R | undefined {
    const rows = this.byEntity.get(eid);
    if (rows === undefined) return undefined;
    if (!Array.isArray(rows)) return rows.get(this.keyOf(x));
    for (let i = 0; i < rows.length; i++) if (this.same(rows[i]!, x)) return rows[i];
    return undefined;
  }

  /** Adds a row `find` did not find. */
  add(eid: string, row: R): void {
    this.all.push(row);
    const rows = this.byEntity.get(eid);
    if (rows === undefined) this.byEntity.set(eid, [row]);
    else if (!Array.isArray(rows)) rows.set(this.keyOf(row), row);
    else if (rows.length < ENTITY_ROWS_LISTED) rows.push(row);
    else this.byEntity.set(eid, new Map([...rows, row].map((r) => [this.keyOf(r), r])));
  }
}

/**
 * A bulk load's graph held whole in memory (both passes, the rows collected): the reference the
 * streamed CSVs are checked against, and what tests read. A load writes its CSVs as the second
 * pass goes instead (`runBulkLoad`).
 */
export async function planBulkLoad(files: { source: string; path: string }[], opts: BulkLoadOptions): Promise<BulkPlan> {
  const res = await resolveBulkLoad(files, opts);
  const t = performance.now();
  const records: SourceRecordRow[] = [];
  const visits: VisitRow[] = [];
  const { kindOf: _kinds, ...rest } = bulkRows(res, { record: (r) => records.push(r), visit: (v) => visits.push(v) });
  fs.rmSync(res.spillFile, { force: true });
  return {
    graph: { ...rest, records, visits, seq: 1, loadedAt: res.loadedAt },
    batches: res.batches.length,
    rows: res.rows,
    written: res.written,
    rejected: res.rejected,
    ms: { ...res.ms, rows: performance.now() - t },
  };
}
