import { ANCHOR_KINDS, type EntityKind, type SourceCatalogEntry } from '@onemap/graph-schema';
import { mentionsToJson } from '../graph/load-index.ts';
import type { ChunkRows, EntityRow, SourceRecordRow } from '../graph/write-rows.ts';
import type { BatchRecord } from '../intake/read-batch.ts';
import { RecordIds } from '../resolve/record-ids.ts';
import { ResolutionIndex } from '../resolve/resolution-index.ts';
import type { Model } from '../scoring/model-settings.ts';
import type { Mention } from '../types.ts';
import { type AuthorityFn, GoldenFold } from './golden-values.ts';
import { mentionRolesOf, type RecordFacts, recordFacts } from './record-facts.ts';
import { RecordTable } from './record-table.ts';

export interface RecordResolverOptions {
  catalog: SourceCatalogEntry[];
  authority: AuthorityFn;
  models?: Partial<Record<EntityKind, Model>>;
  /** The key of the entity ids written to the graph (`entityIdKeyOf`: every writer of one graph the same). */
  eidKey: Uint8Array;
  /**
   * Keep each entity's golden-value fold (of at least `GOLDEN_KEPT_FROM` mentions) between calls of
   * `entityRow`, so a row costs the entity's new mentions only (the real-time leader, whose hubs are
   * touched by every group). Without it each row is folded from all the entity's mentions (a bulk
   * load asks once per entity).
   */
  keepGolden?: boolean;
  /** With `keepGolden`: at most this many folds kept, the least recently used dropped (default `GOLDEN_FOLDS_KEPT`). */
  goldenFoldsKept?: number;
  /** With `keepGolden`: the fewest mentions of an entity whose fold is kept (default `GOLDEN_KEPT_FROM`). */
  goldenKeptFrom?: number;
}

/**
 * Entities with fewer mentions are folded again each time (cheap: tens of microseconds), so the
 * kept folds are the hubs' (hotels, stations, cafés, checkpoints), which groups touch again and
 * again and whose refold would cost thousands of mentions. It was 8: on the 1 M graph under 500
 * pushes a second the 50,000 kept folds were mostly persons of 8–63 mentions, each touched once or
 * twice, turning over through the least-recently-used bound — ~190 MiB of the worker's live heap
 * and, sampled, 620 of 2,480 MiB of what its young generation promoted in two minutes (to be
 * collected by the next full collection, which marks the whole index: docs/ingestion.md).
 */
export const GOLDEN_KEPT_FROM = 64;

/**
 * Folds a worker keeps at most. Without a bound the kept folds grew with every entity of 8 or more
 * mentions a long-running worker ever wrote — at a province's scale most persons with a few stays
 * and logins, beside the index — while what they save is the refold of the busy entities (hubs,
 * frequent travellers) that groups touch again and again: those stay the recently used.
 */
export const GOLDEN_FOLDS_KEPT = 50_000;

/** An entity's golden-value fold and how far into its member keys it has read. */
interface KeptFold {
  fold: GoldenFold;
  /** the index's `removalsOf` the entity when folded: another count means its member order changed */
  removals: number;
}

/** How one mention of a record was resolved (its entity is read from the index when rows are built). */
export interface MentionOutcome {
  key: string;
  role: string;
  score: number;
  decision: string;
  candidate?: string;
}

/** A record resolved into the index, waiting to be turned into graph rows. */
export interface ResolvedRecord {
  rec: BatchRecord;
  facts: RecordFacts;
  resolved: MentionOutcome[];
  /** a corrected re-delivery of a record already resolved */
  updated: boolean;
  /** entities a corrected re-delivery's mentions left that keep other mentions (their golden values change) */
  left: { eid: string; kind: EntityKind }[];
}

/**
 * What `recordRows` reads of a resolved record: a `ResolvedRecord`, or a bulk load's spilled
 * record (mentions without their attributes, the source record's `attrs` / `mentions` JSON made
 * when it was read: `bulk-spill-record.ts`).
 */
export interface RecordRowsInput {
  rec: Pick<BatchRecord, 'rid' | 'recordId' | 'line' | 'hash'>;
  facts: { mentions: Pick<Mention, 'key' | 'role' | 'kind' | 'identifiers' | 'flags'>[]; relations: RecordFacts['relations']; visits: RecordFacts['visits'] };
  resolved: MentionOutcome[];
  updated: boolean;
  /** `mentionsToJson(facts.mentions)`, when made already */
  json?: { attrs: string; mentions: string };
}

/** Where a record came from (the batch it was delivered in). */
export interface RecordOrigin {
  batchId: string;
  receivedAt: string;
  originalName: string;
}

/** Identifiers written as anchors; a person's phone becomes a Phone entity instead. */
const ANCHOR_KINDS_OF = Object.fromEntries(
  Object.entries(ANCHOR_KINDS).map(([k, v]) => [k, new Set<string>(v)]),
) as Record<EntityKind, Set<string>>;

/**
 * Record-at-a-time resolution, shared by the incremental pipeline (`GraphResolver`, against an
 * index kept in step with the graph) and the bulk loader (`planBulkLoad`, in memory): both
 * resolve the same records in the same order through the same `ResolutionIndex`, so a bulk load
 * and an incremental load of the same files make the same entities with the same eids.
 */
export class RecordResolver {
  readonly index: ResolutionIndex;
  /** every record resolved: the content hash of its version resolved last, when it was received (epoch ms: the recency of the golden-value rule) */
  readonly known: RecordTable;
  private readonly catalogById: Map<string, SourceCatalogEntry>;
  /** eid -> its golden-value fold (`keepGolden`), least recently used first, at most `goldenFoldsKept` */
  private readonly folds = new Map<string, KeptFold>();

  constructor(private readonly opts: RecordResolverOptions) {
    // one number per record for the table and the index's mention keys: the rid held once
    const records = new RecordIds();
    this.known = new RecordTable(records);
    this.index = new ResolutionIndex({ records, eidKey: opts.eidKey, ...(opts.models ? { models: opts.models } : {}) });
    this.catalogById = new Map(opts.catalog.map((c) => [c.id, c]));
  }

  /**
   * Resolves one record's mentions into the index. Returns null when the same version was
   * resolved before. `onMerge(other, heldKey)` is called for every entity merged into another
   * (with a mention key it held, to find its survivor after later merges).
   */
  resolveRecord(entry: SourceCatalogEntry, rec: BatchRecord, receivedAt: string, onMerge?: (other: string, heldKey: string) => void): ResolvedRecord | null {
    if (this.known.hasHash(rec.rid, rec.hash)) return null;
    return this.resolveFacts(rec, recordFacts(entry, rec), receivedAt, onMerge);
  }

  /**
   * `resolveRecord` of a record whose facts were made elsewhere (`recordFacts` of the same record,
   * e.g. on a bulk load's read-ahead worker): the same decisions in the same order.
   */
  resolveFacts<R extends Pick<BatchRecord, 'rid' | 'hash'>>(
    rec: R,
    facts: RecordFacts,
    receivedAt: string,
    onMerge?: (other: string, heldKey: string) => void,
  ): (Omit<ResolvedRecord, 'rec'> & { rec: R }) | null {
    if (this.known.hasHash(rec.rid, rec.hash)) return null;
    const updated = this.known.known(rec.rid);
    this.known.setHash(rec.rid, rec.hash);
    const resolved: MentionOutcome[] = [];
    const left: { eid: string; kind: EntityKind }[] = [];
    for (const m of facts.mentions) {
      // A corrected re-delivery is resolved again from its new values: it may stay, move to
      // another entity or become one of its own. An entity it empties continues in the one it
      // went to (a merge, so the graph keeps a redirect); one it leaves keeps its other records.
      const was = updated ? this.index.withdraw(m.key) : undefined;
      let r = this.index.resolveOne(m);
      // an analyst's split holds: a correction never takes a record into an entity its own was split from
      if (was && r.entityId && this.index.cannotLink(was.entityId, r.entityId)) {
        const { mergeOf: _none, ...kept } = r;
        r = { ...kept, entityId: was.entityId };
      }
      const eid = r.entityId ?? (was?.emptied ? was.entityId : this.index.newEntityId(m));
      this.index.add(m, eid);
      for (const other of r.mergeOf?.slice(1) ?? []) {
        const held = this.index.firstKeyOfEntity(other);
        if (held === undefined || other === eid) continue;
        onMerge?.(other, held);
        this.index.mergeEntities(eid, other);
        this.folds.delete(other);
      }
      if (was && was.entityId !== this.index.entityOf(m.key)) {
        if (was.emptied) {
          onMerge?.(was.entityId, m.key);
          this.index.retire(was.entityId, this.index.entityOf(m.key)!);
          this.folds.delete(was.entityId);
        } else left.push({ eid: was.entityId, kind: m.kind });
      }
      const row: MentionOutcome = {
        key: m.key,
        role: m.role,
        score: Math.round(r.score * 1e4) / 1e4,
        decision: r.decision,
      };
      if (r.candidate) row.candidate = r.candidate;
      resolved.push(row);
    }
    // after its mentions moved: until then the entities they leave fold them at the time the graph
    // holds (`ResolutionIndex.beforeChange` reads what the graph holds of an entity there)
    this.noteReceived(rec.rid, Date.parse(receivedAt));
    return { rec, facts, resolved, updated, left };
  }

  /** Records when a record was received (the recency of the golden-value rule). */
  noteReceived(rid: string, at: number): void {
    this.noteReceivedOf(this.known.numberOf(rid), rid, at);
  }

  /** `noteReceived` for a record numbered already (`RecordTable.numberOf`). */
  noteReceivedOf(id: number, rid: string, at: number): void {
    const was = this.known.receivedAtOf(id);
    if (was !== undefined && was !== at) this.forgetFoldsOfRecord(rid);
    this.known.setReceivedAtOf(id, at);
  }

  /**
   * A record received again at another time may have mentions folded at its old time — a role its
   * correction no longer states is not withdrawn, and a sync notes the time before it moves the
   * mentions — so the entities holding one fold again: each role its source's catalog entry names,
   * and the phones derived from them (`mentionRolesOf`), found by its mention key (the record's rid
   * and the role). A source not in the catalog: every entity folds again. (One global counter made
   * every kept fold, every hub's, stale at each correction.)
   */
  private forgetFoldsOfRecord(rid: string): void {
    const entry = this.catalogById.get(rid.slice(0, rid.indexOf(':')));
    if (!entry) {
      this.folds.clear();
      return;
    }
    for (const role of mentionRolesOf(entry)) {
      const eid = this.index.entityOf(`${rid}:${role}`);
      if (eid !== undefined) this.folds.delete(eid);
    }
  }

  /** The current entity of a mention key. */
  eidOf(key: string): string {
    return this.index.entityOf(key)!;
  }

  /**
   * An entity's golden values, provenance and search text, from all its mentions in the index: the
   * same as `goldenValues` of `index.mentionsOf(eid)`. With `keepGolden` the fold of an entity is
   * kept and only the mentions that joined it since are added (members only grow at the end: new
   * mentions, a merged entity's mentions); a mention that left it (`removalsOf`) or a record received
   * again at another time folds it again from the start.
   */
  entityRow(eid: string, kind: EntityKind): EntityRow {
    const members = this.index.memberKeys(eid).size;
    const removals = this.index.removalsOf(eid);
    let kept = this.folds.get(eid);
    if (!kept || kept.removals !== removals || kept.fold.size > members || kept.fold.kind !== kind) {
      kept = { fold: new GoldenFold(kind, this.opts.authority), removals };
    }
    const { fold } = kept;
    this.index.eachMentionFrom(eid, fold.size, (m, record) => {
      fold.add(m, (record === undefined ? this.known.receivedAt(m.rid) : this.known.receivedAtOf(record)) ?? null);
    });
    // kept in the order of use (a Map keeps insertion order): the least recently used goes first
    this.folds.delete(eid);
    if (this.opts.keepGolden && members >= (this.opts.goldenKeptFrom ?? GOLDEN_KEPT_FROM)) {
      this.folds.set(eid, kept);
      if (this.folds.size > (this.opts.goldenFoldsKept ?? GOLDEN_FOLDS_KEPT)) this.folds.delete(this.folds.keys().next().value!);
    }
    const g = fold.result();
    const lon = g.props.lon !== undefined ? Number(g.props.lon) : null;
    const lat = g.props.lat !== undefined ? Number(g.props.lat) : null;
    return { eid, kind, props: g.props, provenance: JSON.stringify(g.provenance), searchText: g.searchText, lon, lat };
  }

  /** How many golden-value folds are kept now (at most `goldenFoldsKept`). */
  get keptFolds(): number {
    return this.folds.size;
  }

  /** Forgets the golden-value fold of an entity merged away (its mentions are folded into the survivor's). */
  forgetFold(eid: string): void {
    this.folds.delete(eid);
  }

  /**
   * Adds a resolved record's facts to `rows` with every mention's current entity: identifier
   * anchors, the source record with RESOLVED_TO, relations and VISITED edges. Returns the events
   * watches care about (new traces and relations, by entity).
   */
  recordRows(origin: RecordOrigin, entry: SourceCatalogEntry, p: RecordRowsInput, rows: Pick<ChunkRows, 'identifiers' | 'records' | 'relations' | 'visits'>) {
    const { rec, facts, resolved } = p;
    const touched: { eid: string; type: 'trace' | 'relation'; at: string | null; source: string; rid: string }[] = [];
    // each mention's entity read once (a record's outcomes are its mentions', in their order)
    const eids = facts.mentions.map((m) => this.eidOf(m.key));
    const roleEid = new Map(facts.mentions.map((m, i) => [m.role, eids[i]!]));
    for (const m of facts.mentions) {
      for (const id of m.identifiers) {
        if (ANCHOR_KINDS_OF[m.kind].has(id.kind))
          rows.identifiers.push({
            eid: roleEid.get(m.role)!,
            kind: id.kind,
            value: id.value,
            source: entry.id,
            rid: rec.rid,
          });
      }
    }
    const record: SourceRecordRow = {
      rid: rec.rid,
      source: entry.id,
      recordId: rec.recordId,
      receivedAt: origin.receivedAt,
      hash: rec.hash,
      file: origin.originalName,
      line: rec.line,
      batchId: origin.batchId,
      ...(p.json ?? mentionsToJson(facts.mentions as Mention[])),
      flags: facts.mentions.flatMap((m) => m.flags.map((f) => `${m.role}.${f}`)),
      resolved: resolved.map((r, i) => ({ ...r, eid: r.key === facts.mentions[i]?.key ? eids[i]! : this.eidOf(r.key) })),
    };
    if (!p.updated) record.isNew = true;
    rows.records.push(record);
    for (const rel of facts.relations) {
      const from = roleEid.get(rel.fromRole)!;
      const to = roleEid.get(rel.toRole)!;
      rows.relations.push({ type: rel.type, from, to, source: entry.id, rid: rec.rid, role: rel.role });
      touched.push({ eid: from, type: 'relation', at: null, source: entry.id, rid: rec.rid });
    }
    for (const v of facts.visits) {
      const subject = roleEid.get(v.subjectRole)!;
      rows.visits.push({
        subject,
        place: roleEid.get(v.placeRole)!,
        at: v.at,
        until: v.until,
        kind: v.kind,
        source: entry.id,
        rid: rec.rid,
      });
      touched.push({ eid: subject, type: 'trace', at: v.at, source: entry.id, rid: rec.rid });
    }
    return touched;
  }
}
