import type { EntityKind } from '@onemap/graph-schema';

/**
 * How many of the records stating a link (an identifier edge, a relation) the edge lists in `rids`
 * (the graph model's). A withdrawn record takes its id off the list, and the edge goes when the
 * list is empty: past this many records, a link whose listed records are all withdrawn goes though
 * unlisted ones state it.
 */
export { MAX_RIDS } from '@onemap/graph-schema';

/** What one chunk of a batch writes to Neo4j, all in one transaction. */
export interface ChunkRows {
  seq: number;
  merges: { from: string; into: string; reason: string }[];
  entities: EntityRow[];
  identifiers: { eid: string; kind: string; value: string; source: string; rid: string }[];
  records: SourceRecordRow[];
  relations: RelationRow[];
  visits: VisitRow[];
  /**
   * The kind of the entities the chunk's records resolve to, when the writer knows them (the
   * resolver does): statements that keep facts of one kind only (a place's facts) skip the others.
   */
  kinds?: ReadonlyMap<string, EntityKind>;
}

export interface EntityRow {
  eid: string;
  kind: EntityKind;
  props: Record<string, string>;
  provenance: string;
  searchText: string;
  lon: number | null;
  lat: number | null;
  /** made by this chunk (written with CREATE); otherwise it exists and is MERGEd */
  isNew?: boolean;
  /**
   * Only these fields changed since the writer last wrote the entity (`WrittenValues`): they alone
   * are sent and set; absent, the whole row is.
   */
  changes?: EntityChanges;
}

/** The changed fields of an entity the writer wrote before. */
export interface EntityChanges {
  /** golden properties, `provenance` and `searchText` that changed (null: the property is gone) */
  props: Record<string, string | null>;
  /** whether `lon`/`lat` changed (the location is set again) */
  point: boolean;
}

export interface SourceRecordRow {
  rid: string;
  source: string;
  recordId: string;
  receivedAt: string;
  hash: string;
  file: string;
  line: number;
  batchId: string;
  /** JSON: role -> standardized attributes */
  attrs: string;
  /** JSON: role -> {kind, identifiers, flags} (for rebuilding the resolution index) */
  mentions: string;
  flags: string[];
  resolved: { eid: string; role: string; score: number; decision: string }[];
  /** first delivery of this record (no SourceRecord with its rid in the graph): its node and edges are CREATEd */
  isNew?: boolean;
}

export interface RelationRow {
  type: string;
  from: string;
  to: string;
  source: string;
  rid: string;
  role: string | null;
}

export interface VisitRow {
  subject: string;
  place: string;
  at: string;
  until: string | null;
  kind: string;
  source: string;
  rid: string;
}

export function emptyChunk(seq: number): ChunkRows {
  return { seq, merges: [], entities: [], identifiers: [], records: [], relations: [], visits: [] };
}
