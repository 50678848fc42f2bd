import type { EntityKind, SourceCatalogEntry } from '@onemap/graph-schema';
import { EventLoopSlices, type Graph } from '@onemap/graph-schema/server';
import type { ManagedTransaction } from 'neo4j-driver';
import { cannotLinksOf, countSourceRecords, type DecisionFact, eachStoredRecord, readDecisions, readRecordsSince, readRedirectsSince, readSyncState } from '../graph/load-index.ts';
import { readRecordsSinceAhead } from '../graph/record-pages-thread.ts';
import { type KnownFacts, rehearseChunk, writeChunk } from '../graph/write-chunk.ts';
import { type ChunkRows, type EntityRow, emptyChunk } from '../graph/write-rows.ts';
import type { BatchRecord } from '../intake/read-batch.ts';
import type { StagedBatch } from '../intake/staged-batch.ts';
import type { ResolutionIndex } from '../resolve/resolution-index.ts';
import type { Model } from '../scoring/model-settings.ts';
import type { AuthorityFn } from './golden-values.ts';
import { RecordResolver, type ResolvedRecord } from './record-resolver.ts';
import { REHEARSAL_SOURCE, rehearsalChunk } from './rehearsal-chunk.ts';
import { WrittenFacts } from './written-facts.ts';
import { WrittenValues } from './written-values.ts';

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
  /**
   * Persons a corrected re-delivery may have taken sightings from (the persons its earlier version
   * resolved to that it left, and its own): their CO_TRAVELED edges are derived again, so a pair
   * built on a withdrawn sighting does not outlive it.
   */
  withdrawnTraces: string[];
  /** `tx`: of `write`, the statements of the transaction (the rest is its commit); group commit only */
  ms: { resolve: number; write: number; sync: number; tx?: number };
  /** touched entities whose golden values were already in the graph (not rewritten) */
  entitiesUnchanged: number;
  /** group commit: [rid, hash] of the batch's records already resolved before (for the quality rules) */
  prior?: [string, string][];
}

/** A group resolved into the rows of one transaction, waiting for `GraphResolver.writeGroup`. */
export interface PreparedGroup {
  rows: ChunkRows;
  /** what the graph held of the group's lists when it was resolved (see `WrittenFacts.covered`) */
  known: KnownFacts;
  stats: ProcessStats[];
  /** the resolver's generation when it was prepared: a write failed since means it is refused */
  generation: number;
  written: boolean;
}

/** A prepared group refused because a write failed after it was resolved: its records are to be resolved again. */
export class StaleGroupError extends Error {
  constructor() {
    super('an earlier group of the resolve leader failed after this one was resolved: it is resolved again on retry');
  }
}

/**
 * How long the resolve runs before it lets the event loop turn (ms). The leader resolves group N+1
 * while group N's transaction runs on the same thread: each statement of N is sent only when the
 * event loop turns, so a resolve that never yields holds N's write for the whole resolve.
 */
export const RESOLVE_SLICE_MS = 4;

function emptyStats(records: number): ProcessStats {
  return { records, written: 0, unchanged: 0, updated: 0, merges: 0, possibleMatches: 0, droppedFacts: [], chunks: 0, touched: [], withdrawnTraces: [], ms: { resolve: 0, write: 0, sync: 0 }, entitiesUnchanged: 0 };
}

export interface GraphResolverOptions {
  catalog: SourceCatalogEntry[];
  authority: AuthorityFn;
  /** The key of the entity ids it mints (`entityIdKeyOf`): every writer of the graph the same. */
  eidKey: Uint8Array;
  models?: Partial<Record<EntityKind, Model>>;
  chunkSize?: number;
  /** print the time of every write statement (`'profile'`: and its db hits) */
  traceWrites?: boolean | 'profile';
  /** told the sequence of each write once its commit has returned (`publishAppliedSequence`: what a standby may read up to) */
  onCommitted?: (seq: number) => Promise<void>;
  /** told how a long sync goes (`SyncProgress`): a province's index is read for a minute or two before a worker resolves anything */
  onSync?: (p: SyncProgress) => void;
  /** a whole sync of a graph of at least this many source records reads its pages ahead on a worker thread (`PAGES_AHEAD_FROM`) */
  pagesAheadFrom?: number;
}

/**
 * The graph size (source records) from which a whole sync reads its pages on a worker thread
 * (`readRecordsSinceAhead`): below it the sync takes seconds, and starting the thread a good part of them.
 */
export const PAGES_AHEAD_FROM = 50_000;

/**
 * How a sync of the index with the graph goes: every `SYNC_PROGRESS_EVERY_MS` while it reads, and
 * once at its end when it read the whole graph or took that long (a group's catch-up of a few
 * records says nothing).
 */
export interface SyncProgress {
  /** records read from the graph so far */
  records: number;
  /** a whole sync: the records the graph held when it began */
  of?: number;
  /** mentions added to the index so far */
  mentions: number;
  ms: number;
  /** the whole graph read (at start, after a failed write, a reset, an undone decision), not what was committed since */
  whole: boolean;
  done: boolean;
  /** entities the index holds (at the end only) */
  entities?: number;
}

/** How often a long sync says how far it got. */
export const SYNC_PROGRESS_EVERY_MS = 10_000;

/**
 * Incremental resolution into Neo4j. Holds the resolver core's real-time `ResolutionIndex`,
 * kept consistent with the graph by sequence number: before each batch it reads what other
 * workers (or analysts' merges) committed since, then resolves each record's mentions against
 * the index and writes the results chunk by chunk, one transaction per chunk.
 * Callers must serialize `processBatch` across processes (see `withResolveLock`).
 */
export class GraphResolver {
  private records: RecordResolver;
  private readonly persisted = new Set<string>();
  /** the golden values last written, field by field: an entity whose values did not change is not rewritten, one that did sends its changes */
  private readonly writtenValues = new WrittenValues();
  /**
   * Entities whose node analysts' decisions rewrote (applied to the index in place): what the graph
   * holds of them is not what the index folds, so their next row is written whole.
   */
  private readonly rowsRewritten = new Set<string>();
  /** the `inSources` and place facts this worker's writes put on entities: rows adding nothing are not sent */
  private readonly facts = new WrittenFacts();
  private lastSeq = 0;
  /** the sequence of this worker's last committed write (lastSeq may be ahead while groups are written) */
  private committedSeq = 0;
  /** groups prepared and not yet written (or refused) */
  private writing = 0;
  /** batches and groups being synced and resolved now (`processBatch`, `prepareGroup`): a standby's `catchUp` never runs beside them */
  private resolving = 0;
  /** wakes whoever waits for a write to end */
  private settled: { promise: Promise<void>; resolve: () => void } | null = null;
  /** raised by every failed write: a group prepared under an older generation is refused */
  private generation = 0;
  private dirty = true;
  private decisions = '';
  /** the analysts' decisions in force the index holds (by id): a new one is applied in place, an undone one rebuilds it */
  private applied = new Set<string>();
  /** how many times the index was rebuilt from the whole graph (the first sync is one) */
  private rebuildCount = 0;
  /** how many times the write was rehearsed beside a whole sync (`rehearseWrite`) */
  private rehearsalCount = 0;
  /** the sync running now, if any (see `sync`) */
  private syncing: Promise<void> | null = null;
  private readonly catalogById: Map<string, SourceCatalogEntry>;

  constructor(
    private readonly graph: Graph,
    private readonly opts: GraphResolverOptions,
  ) {
    this.records = new RecordResolver({ ...opts, keepGolden: true });
    this.catalogById = new Map(opts.catalog.map((c) => [c.id, c]));
  }

  private get index(): ResolutionIndex {
    return this.records.index;
  }

  get sequence(): number {
    return this.lastSeq;
  }

  /** How many times a batch's write was rehearsed beside a whole sync (`rehearseWrite`). */
  get rehearsals(): number {
    return this.rehearsalCount;
  }

  /** How many times the index was rebuilt from the whole graph: at start, after a failed write, a reset or an undone decision. */
  get rebuilds(): number {
    return this.rebuildCount;
  }

  /**
   * Catches the index up with the graph: incrementally by sequence number, analysts' new merges,
   * splits and confirmations applied in place (`applyDecisions`: they change entities outside the
   * pipeline's sequence), or wholly at start, after a failed write, a reset, and when a decision the
   * index holds is undone. Splits and confirmed non-matches become cannot-links that later records
   * respect. Never two at once in one process (a new leader's warm-up and a group's sync): a sync
   * called while another runs waits for it and then catches up.
   * @param upTo read no sequence past this one (a standby's `catchUp`)
   */
  async sync(upTo = Number.POSITIVE_INFINITY): Promise<void> {
    while (this.syncing) await this.syncing.catch(() => undefined);
    const run = this.syncNow(upTo);
    this.syncing = run;
    try {
      await run;
    } finally {
      if (this.syncing === run) this.syncing = null;
    }
  }

  private async syncNow(limit: number): Promise<void> {
    // One read: analysts' decisions and the committed sequence (the leader's common case ends here).
    const { seq: target, decisions: signature } = await readSyncState(this.graph);
    // A sequence behind ours means the graph was reset or restored from a backup: start over.
    if (target < this.lastSeq) this.dirty = true;
    // Analysts' decisions since: applied in place (an index of a million records takes a minute
    // to rebuild, and real time waits meanwhile), or the index rebuilt when one was undone.
    // Read before the records: a decision made while they are read is applied in place next time
    // (to records the read may have found moved already: applying it again moves nothing).
    const read = signature !== this.decisions || this.dirty ? await readDecisions(this.graph) : null;
    if (read && !this.dirty && !this.applyDecisions(read)) this.dirty = true;
    // a rebuild takes them whole (the same read: they change no record of the graph)
    const decisions = this.dirty ? read : null;
    if (this.dirty) {
      this.rebuildCount++;
      this.records = new RecordResolver({ ...this.opts, keepGolden: true });
      this.persisted.clear();
      this.writtenValues.clear();
      this.facts.clear();
      this.lastSeq = 0;
    }
    const upTo = Math.min(target, limit);
    if (!this.dirty && upTo <= this.lastSeq) {
      this.committedSeq = this.lastSeq;
      return;
    }
    // nothing past what the index holds may be read yet (a standby before any write is known applied)
    const progress: SyncProgress = { records: 0, mentions: 0, ms: 0, whole: this.dirty, done: false };
    // a whole sync says how much of the graph it has read (the count store: no scan), and reads a
    // large graph's pages ahead on a thread of their own
    if (this.dirty && upTo > this.lastSeq) progress.of = await countSourceRecords(this.graph);
    const ahead = (progress.of ?? 0) >= (this.opts.pagesAheadFrom ?? PAGES_AHEAD_FROM);
    const pages = upTo <= this.lastSeq ? [] : ahead ? readRecordsSinceAhead(this.graph, this.lastSeq) : readRecordsSince(this.graph, this.lastSeq);
    const t0 = performance.now();
    let told = t0;
    const known = this.records.known;
    for await (const page of pages) {
      for (const r of eachStoredRecord(page)) {
        if (r.seq > upTo) continue;
        progress.records++;
        // the record numbered once for its facts and its mentions' keys
        const n = known.numberOf(r.rid);
        known.setHashOf(n, r.hash);
        if (r.batchId) known.setWrittenByOf(n, r.batchId);
        if (r.receivedAt !== null) this.records.noteReceivedOf(n, r.rid, r.receivedAt);
        const keyRecord = r.keyedByRid ? n : undefined;
        for (const { mention, eid } of r.mentions) {
          this.index.add(mention, eid, keyRecord);
          this.persisted.add(eid);
          progress.mentions++;
        }
      }
      if (this.opts.onSync && performance.now() - told >= SYNC_PROGRESS_EVERY_MS) {
        told = performance.now();
        this.opts.onSync({ ...progress, ms: Math.round(told - t0) });
      }
    }
    for (const d of upTo > this.lastSeq ? await readRedirectsSince(this.graph, this.lastSeq) : []) {
      if (d.seq > upTo) continue;
      this.persisted.delete(d.eid);
      if (this.index.memberKeys(d.eid).size && this.index.memberKeys(d.to).size) this.index.mergeEntities(d.to, d.eid);
      this.records.forgetFold(d.eid);
    }
    this.lastSeq = Math.max(this.lastSeq, upTo);
    this.committedSeq = this.lastSeq;
    if (decisions) {
      for (const [a, b] of cannotLinksOf(decisions)) {
        if (this.index.mentionsOf(a).length && this.index.mentionsOf(b).length) this.index.addCannotLink(a, b);
      }
      this.applied = new Set(decisions.filter((d) => !d.undone).map((d) => d.id));
    }
    this.decisions = signature;
    this.dirty = false;
    const ms = performance.now() - t0;
    if (this.opts.onSync && ((progress.whole && progress.records) || ms >= SYNC_PROGRESS_EVERY_MS))
      this.opts.onSync({ ...progress, ms: Math.round(ms), done: true, entities: this.index.entityCount });
  }

  /**
   * Applies to the index the decisions in force it does not hold yet, as the graph already holds
   * them (the server moved the records): a merge moves the merged entities' mentions to the
   * survivor (`mergeEntities`: their anchors and keys lead there), a split moves its records'
   * mentions to the entity the server made and keeps the two apart, a confirmed non-match keeps
   * its pair apart; a confirmed match changes nothing a rebuild would. False — rebuild instead —
   * when a decision the index holds was undone (undoing takes back what later writes may have
   * built on), an entity it names is missing from the index, or a kind is unknown.
   */
  private applyDecisions(decisions: readonly DecisionFact[]): boolean {
    if (decisions.some((d) => d.undone && this.applied.has(d.id))) return false;
    const fresh = decisions.filter((d) => !d.undone && !this.applied.has(d.id));
    const idx = this.index;
    const has = (eid: string | undefined) => eid !== undefined && idx.memberKeys(eid).size > 0;
    const touched = new Set<string>();
    for (const d of fresh) {
      const [first, ...rest] = d.eids;
      if (first === undefined) return false;
      if (d.kind === 'merge') {
        for (const m of rest) {
          // merged before into the survivor (a rebuild read the graph after this decision): nothing to move
          if (!has(m)) continue;
          if (!has(first)) return false;
          idx.mergeEntities(first, m);
          this.persisted.delete(m);
          touched.add(m);
        }
      } else if (d.kind === 'split') {
        const [newEid] = rest;
        if (newEid === undefined) return false;
        if (has(first)) {
          const rids = new Set(d.rids);
          const moving = idx.mentionKeysOf(first).filter((k) => {
            const m = idx.mentionOf(k);
            return rids.has(`${m.source}:${m.recordId}`);
          });
          if (moving.length) {
            idx.splitEntity(first, moving, newEid);
            this.persisted.add(newEid);
          }
        }
        if (has(first) && has(newEid)) idx.addCannotLink(first, newEid);
      } else if (d.kind === 'confirm_non_match') {
        const [other] = rest;
        if (other !== undefined && has(first) && has(other)) idx.addCannotLink(first, other);
      } else if (d.kind !== 'confirm_match') return false;
      for (const e of d.eids) touched.add(e);
      this.applied.add(d.id);
    }
    // their golden values and what was last written of them are read again
    for (const e of touched) {
      this.records.forgetFold(e);
      this.writtenValues.delete(e);
      this.rowsRewritten.add(e);
    }
    if (touched.size) this.facts.clear();
    return true;
  }

  /**
   * Brings the index up to the graph now (a new resolve leader, before it takes any push). Nothing
   * to do while groups of this worker are still being written: its index is ahead of the graph.
   */
  async warm(): Promise<void> {
    if (!this.writing) await this.sync();
  }

  /**
   * A standby's catch-up (a worker that does not lead): the index brought up to the graph now, so
   * that when this worker takes the lease its warm-up reads the last seconds of records instead of
   * the whole graph (a minute at a million records, while every push waits). Skipped while this
   * worker resolves or writes anything itself: those sync on their own, its index may be ahead of
   * the graph meanwhile, and a group's resolve must see no other change to the index.
   * @param applied the highest sequence known applied (`readAppliedSequence`): it reads no
   *   further, as a sequence committed but not yet applied may show without its records.
   */
  async catchUp(applied: number): Promise<void> {
    if (this.writing || this.resolving) return;
    await this.sync(applied);
  }

  /**
   * Tells `onCommitted` a write's sequence, without waiting for it (a Redis round trip is not the
   * write path's business): a failure there loses nothing but a standby's warmth — it reads that
   * far at its next round or when it takes the lease.
   */
  private committed(seq: number): void {
    void this.opts.onCommitted?.(seq).catch(() => undefined);
  }

  /** Resolves and writes a standardized batch. Records already in the graph unchanged are skipped. */
  async processBatch(batch: StagedBatch, records: BatchRecord[], onChunk?: (done: number, total: number) => void): Promise<ProcessStats> {
    const entry = this.catalogById.get(batch.source);
    if (!entry) throw new Error(`source ${batch.source} is not in the catalog`);
    this.resolving++;
    try {
      return await this.processChunks(batch, entry, records, onChunk);
    } finally {
      this.resolving--;
    }
  }

  /**
   * Resolves and writes a batch chunk by chunk, one transaction per chunk, the next chunk resolved
   * while the one before it is written (resolving is the worker's CPU, writing mostly Neo4j's):
   * writes stay one at a time and in order, so a chunk's statements find every entity the chunks
   * before it made. As for pipelined groups, the index, the sequence and what this worker counts
   * as written include a chunk from its resolve on; a failed write marks the index for a rebuild
   * and no later chunk is written.
   */
  private async processChunks(batch: StagedBatch, entry: SourceCatalogEntry, records: BatchRecord[], onChunk?: (done: number, total: number) => void): Promise<ProcessStats> {
    const stats = emptyStats(records.length);
    let t = performance.now();
    // A whole sync (a worker's first batch, or after a failed write: Neo4j may have restarted) is
    // the worker's own CPU for a minute at a million records, Neo4j nearly idle: the write's
    // statements are compiled meanwhile, so the first chunks and the first merge do not (at 1 M:
    // ~13 s of the incremental day's 83 s of writes were first compiles, 0.3–0.9 s a statement).
    await Promise.all([this.sync(), this.dirty ? this.rehearseWrite() : undefined]);
    stats.ms.sync = performance.now() - t;
    const size = this.opts.chunkSize ?? 2000;
    let writing: Promise<void> = Promise.resolve();
    try {
      for (let i = 0; i < records.length; i += size) {
        const slice = records.slice(i, i + size);
        t = performance.now();
        let rows: ChunkRows;
        try {
          rows = await this.resolveChunk(batch, entry, slice, stats);
        } catch (e) {
          this.dirty = true;
          throw e;
        }
        stats.ms.resolve += performance.now() - t;
        // taken before the chunk is noted: what the graph holds of its lists before it
        const known = this.facts.covered(rows);
        if (rows.records.length) {
          this.lastSeq = rows.seq;
          this.afterWrite(rows);
        }
        const done = Math.min(i + size, records.length);
        await writing;
        writing = this.writeOneChunk(rows, known, stats).then(() => onChunk?.(done, records.length));
        // its failure is met at the next chunk's write or the end, not while the next is resolved
        writing.catch(() => undefined);
      }
      await writing;
    } finally {
      // a failure: the chunk written meanwhile ends before the batch does (nothing runs after it)
      await writing.catch(() => undefined);
    }
    return stats;
  }

  /**
   * Runs a chunk's write on a made-up chunk, rolled back (`rehearseChunk`, `rehearsalChunk`: nothing
   * is written), so Neo4j has compiled every statement of it, the merge's included. Never fails the
   * batch: a failed rehearsal only leaves the compiling to the first chunks.
   */
  async rehearseWrite(): Promise<number | null> {
    this.rehearsalCount++;
    try {
      return await rehearseChunk(this.graph, rehearsalChunk(REHEARSAL_SOURCE));
    } catch {
      return null;
    }
  }

  /** Writes one resolved chunk of a batch (see `processChunks`). */
  private async writeOneChunk(rows: ChunkRows, known: KnownFacts, stats: ProcessStats): Promise<void> {
    if (!rows.records.length) return;
    const t = performance.now();
    this.writing++;
    try {
      await writeChunk(this.graph, rows, { trace: this.opts.traceWrites ?? false, known });
    } catch (e) {
      // The index already holds this chunk's decisions (and maybe the next's); rebuild it from the graph next time.
      this.dirty = true;
      throw e;
    } finally {
      this.writing--;
      const wake = this.settled;
      this.settled = null;
      wake?.resolve();
    }
    stats.ms.write += performance.now() - t;
    this.committedSeq = rows.seq;
    this.committed(rows.seq);
    stats.chunks++;
  }

  private resolveChunk(batch: StagedBatch, entry: SourceCatalogEntry, slice: BatchRecord[], stats: ProcessStats): Promise<ChunkRows> {
    return this.resolveParts([{ batch, entry, records: slice, stats }]);
  }

  /**
   * Resolves the records of one or more batches (in order) into the rows of ONE transaction. It
   * yields to the event loop every few milliseconds (`EventLoopSlices`), so the previous group's
   * write goes on meanwhile; nothing else touches the index during the yields (one group is resolved at a time).
   */
  private async resolveParts(parts: { batch: StagedBatch; entry: SourceCatalogEntry; records: BatchRecord[]; stats: ProcessStats }[]): Promise<ChunkRows> {
    this.index.beforeChange = this.noteGraphRow;
    try {
      return await this.resolvePartsNow(parts);
    } finally {
      this.index.beforeChange = undefined;
    }
  }

  /**
   * Before a group first changes an entity of the graph this worker has not written since it read
   * it, notes the entity's row as the index holds it now — what the graph holds: every writer folds
   * the same records by the same rule (`RecordResolver.entityRow`), and the index holds the graph's
   * records. So a worker new to a graph (a restart, a new leader, the first file after a bulk load)
   * sends only the fields a record changes, and nothing for a hub whose values it leaves alone,
   * instead of every entity's whole row at its first touch (the incremental day at 1 M: 2,000
   * hotel records sent 5,111 whole rows, 4.7 MB). Entities an analyst's decision rewrote are left
   * out (`rowsRewritten`): their next row is written whole.
   */
  private readonly noteGraphRow = (eid: string, kind: EntityKind): void => {
    if (!this.persisted.has(eid) || this.writtenValues.has(eid) || this.rowsRewritten.has(eid)) return;
    this.writtenValues.note(this.records.entityRow(eid, kind));
  };

  private async resolvePartsNow(parts: { batch: StagedBatch; entry: SourceCatalogEntry; records: BatchRecord[]; stats: ProcessStats }[]): Promise<ChunkRows> {
    const slices = new EventLoopSlices(RESOLVE_SLICE_MS);
    const rows = emptyChunk(this.lastSeq + 1);
    const pending: ({ p: ResolvedRecord; part: (typeof parts)[number] } | undefined)[] = [];
    const pendingAt = new Map<string, number>();
    const mergedAway = new Map<string, { key: string; batchId: string }>(); // persisted eid -> a mention key it held
    for (const part of parts) {
      const { batch, entry, stats } = part;
      for (const rec of part.records) {
        await slices.next();
        const p = this.records.resolveRecord(entry, rec, batch.receivedAt, (other, heldKey) => {
          if (this.persisted.has(other) && !mergedAway.has(other)) mergedAway.set(other, { key: heldKey, batchId: batch.batchId });
          stats.merges++;
        });
        if (!p) {
          // The same content already in the graph: unchanged, unless an earlier attempt of THIS
          // batch wrote it (a retry after a failure between chunks): then this batch wrote it.
          if (this.records.known.writtenBy(rec.rid) === batch.batchId) stats.written++;
          else stats.unchanged++;
          continue;
        }
        for (const d of p.facts.dropped) stats.droppedFacts.push(`${rec.rid} ${d}`);
        stats.possibleMatches += p.resolved.filter((r) => r.decision === 'possible_match').length;
        if (p.updated) stats.updated++;
        else stats.written++;
        // A record delivered again in the same transaction: only its last version is written
        // (as new if the first one was).
        const earlier = pendingAt.get(rec.rid);
        if (earlier !== undefined) {
          const first = pending[earlier]!.p;
          pending[earlier] = undefined;
          p.updated = first.updated;
          p.left = [...first.left, ...p.left];
        }
        pendingAt.set(rec.rid, pending.length);
        pending.push({ p, part });
      }
    }
    const live = pending.filter((x) => x !== undefined);
    if (!live.length) return rows;

    // Final entity of every mention, after all merges in this chunk.
    const eidOf = (key: string) => this.records.eidOf(key);
    for (const [from, held] of mergedAway) {
      const into = eidOf(held.key);
      if (into !== from) rows.merges.push({ from, into, reason: `merged by ${held.batchId}` });
    }
    const touched = new Map<string, EntityKind>();
    for (const { p } of live) {
      for (const m of p.facts.mentions) touched.set(eidOf(m.key), m.kind);
      // an entity a corrected record left keeps its other records: its golden values change
      for (const l of p.left) if (this.index.mentionsOf(l.eid).length) touched.set(l.eid, l.kind);
    }
    for (const m of rows.merges) touched.set(m.into, this.index.mentionsOf(m.into)[0]!.kind);
    const survivors = new Set(rows.merges.map((m) => m.into));
    let unchangedEntities = 0;
    for (const [eid, kind] of touched) {
      await slices.next();
      const row = this.records.entityRow(eid, kind);
      // Hubs (hotels, stations) are touched by every chunk; rewrite only what changed.
      if (!survivors.has(eid) && this.persisted.has(eid)) {
        const changes = this.writtenValues.changes(row);
        if (changes === null) {
          unchangedEntities++;
          continue;
        }
        if (changes) row.changes = changes;
      }
      if (!this.persisted.has(eid)) row.isNew = true;
      rows.entities.push(row);
    }
    parts[0]!.stats.entitiesUnchanged += unchangedEntities;
    rows.kinds = touched;
    for (const { p, part } of live) {
      await slices.next();
      part.stats.touched.push(...this.records.recordRows(part.batch, part.entry, p, rows));
      if (!p.updated) continue;
      for (const l of p.left) if (l.kind === 'Person') part.stats.withdrawnTraces.push(l.eid);
      for (const m of p.facts.mentions) if (m.kind === 'Person') part.stats.withdrawnTraces.push(eidOf(m.key));
    }
    return rows;
  }

  /**
   * Group commit: resolves the records of several (small, pushed) batches and writes them in ONE
   * transaction, which also runs `inTx(stats)` first (the leader's fence and the batches'
   * bookkeeping, built from each batch's counts). Returns one stats object per batch.
   */
  async processGroup(
    items: { batch: StagedBatch; records: BatchRecord[] }[],
    inTx: (stats: ProcessStats[]) => (tx: ManagedTransaction) => Promise<void>,
  ): Promise<ProcessStats[]> {
    return this.writeGroup(await this.prepareGroup(items), inTx);
  }

  /**
   * The first half of a group commit: catches the index up and resolves the group into the rows of
   * one transaction. The index, the sequence and what this worker counts as written already include
   * the group when this returns, so the next group can be resolved while this one's write commits
   * (`writeGroup`, in the order the groups were prepared, one at a time). A write that fails marks
   * the index for a rebuild from the graph and refuses every group prepared before the failure.
   * Callers hold the resolve lock from the prepare until the write has ended.
   */
  async prepareGroup(items: { batch: StagedBatch; records: BatchRecord[] }[]): Promise<PreparedGroup> {
    this.resolving++;
    try {
      return await this.prepareParts(items);
    } finally {
      this.resolving--;
    }
  }

  private async prepareParts(items: { batch: StagedBatch; records: BatchRecord[] }[]): Promise<PreparedGroup> {
    const parts = items.map((it) => {
      const entry = this.catalogById.get(it.batch.source);
      if (!entry) throw new Error(`source ${it.batch.source} is not in the catalog`);
      return { batch: it.batch, entry, records: it.records, stats: emptyStats(it.records.length) };
    });
    let t = performance.now();
    await this.syncBeside();
    const syncMs = performance.now() - t;
    for (const p of parts) {
      const known = this.records.known;
      p.stats.prior = p.records.flatMap((r) => {
        const hash = known.hash(r.rid);
        return hash === undefined ? [] : [[r.rid, hash] as [string, string]];
      });
    }
    t = performance.now();
    const generation = this.generation;
    let rows: ChunkRows;
    try {
      rows = await this.resolveParts(parts);
    } catch (e) {
      this.failed();
      throw e;
    }
    const resolveMs = performance.now() - t;
    const stats = parts.map((p) => p.stats);
    for (const s of stats) s.ms = { sync: syncMs, resolve: resolveMs, write: 0 };
    // what the graph holds before this group (taken before the group itself is counted as written)
    const known = this.facts.covered(rows);
    // counted as written now: the next group is resolved against it while this one commits
    if (rows.records.length) this.lastSeq = rows.seq;
    this.afterWrite(rows);
    this.writing++;
    return { rows, known, stats, generation, written: false };
  }

  /**
   * Writes a prepared group (see `prepareGroup`); groups are written in the order they were prepared,
   * each after the one before it has ended. Throws `StaleGroupError` without writing when a write
   * failed after this group was prepared: its rows were resolved against decisions never committed.
   */
  async writeGroup(group: PreparedGroup, inTx: (stats: ProcessStats[]) => (tx: ManagedTransaction) => Promise<void>): Promise<ProcessStats[]> {
    if (group.written) throw new Error('a prepared group is written once');
    group.written = true;
    const { rows, stats } = group;
    const t = performance.now();
    let txMs: number;
    try {
      if (group.generation !== this.generation) throw new StaleGroupError();
      try {
        txMs = (await writeChunk(this.graph, rows, { trace: this.opts.traceWrites ?? false, inTx: inTx(stats), known: group.known })).statementsMs;
      } catch (e) {
        this.failed();
        throw e;
      }
      if (rows.records.length) {
        this.committedSeq = Math.max(this.committedSeq, rows.seq);
        this.committed(rows.seq);
      }
    } finally {
      this.writing--;
      const wake = this.settled;
      this.settled = null;
      wake?.resolve();
    }
    const writeMs = performance.now() - t;
    for (const s of stats) {
      s.ms.write = writeMs;
      s.ms.tx = txMs;
      s.chunks = 1;
    }
    return stats;
  }

  /** A write failed (or a resolve threw half way): rebuild the index from the graph, refuse every group prepared until now. */
  private failed(): void {
    this.dirty = true;
    this.generation++;
  }

  /**
   * `sync` for a group prepared while earlier groups of this worker are still being written: when
   * the graph shows nothing but those (the same analysts' decisions, a sequence between what this
   * worker has committed and what it has prepared), the index is already ahead of the graph and
   * nothing is read. Anything else (a decision, a reset) waits for those writes and syncs as usual.
   */
  private async syncBeside(): Promise<void> {
    if (!this.writing) return this.sync();
    const { seq, decisions } = await readSyncState(this.graph);
    if (!this.dirty && decisions === this.decisions && seq >= this.committedSeq && seq <= this.lastSeq) return;
    while (this.writing) {
      if (!this.settled) {
        let resolve!: () => void;
        this.settled = { promise: new Promise<void>((r) => (resolve = r)), resolve };
      }
      await this.settled.promise;
    }
    return this.sync();
  }

  private afterWrite(rows: ChunkRows): void {
    this.facts.note(rows);
    for (const r of rows.records) this.records.known.setWrittenBy(r.rid, r.batchId);
    for (const m of rows.merges) {
      this.persisted.delete(m.from);
      this.writtenValues.delete(m.from);
      this.rowsRewritten.delete(m.from);
    }
    for (const e of rows.entities) {
      this.persisted.add(e.eid);
      this.writtenValues.note(e);
      this.rowsRewritten.delete(e.eid);
    }
  }

  /** The in-memory index (read-only use: explanations, evaluation). */
  get resolutionIndex(): ResolutionIndex {
    return this.index;
  }
}
