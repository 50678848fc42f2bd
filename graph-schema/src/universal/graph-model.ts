/**
 * The OneMap graph model as constants and types. Import-safe for browser and Node
 * (no driver, no Node built-ins). Every label, relationship type and property name
 * used in Cypher anywhere in the repo comes from here.
 */

export const Label = {
  /** Shared label of every resolved entity node; `eid` is unique across all of them. */
  Entity: 'Entity',
  Person: 'Person',
  Organization: 'Organization',
  Place: 'Place',
  Vehicle: 'Vehicle',
  Phone: 'Phone',
  Case: 'Case',
  Identifier: 'Identifier',
  SourceRecord: 'SourceRecord',
  Unit: 'Unit',
  Source: 'Source',
  Migration: '__OneMapMigration',
  /** A merged-away entity id that still answers: it points to the surviving entity. */
  Redirect: 'EidRedirect',
  /** A unit's watch on an entity (`eid` as it was watched; merges are followed when it is read: `watches.ts`). */
  Watch: 'Watch',
  /** An analyst's merge, split or confirmation (server `repositories/resolution.ts`). */
  Decision: 'ResolutionDecision',
  /**
   * A decision that was undone also carries this label (with `undone = true`): how many there are
   * is read from Neo4j's count store, not by scanning every decision (resolver `readSyncState`).
   */
  UndoneDecision: 'UndoneDecision',
  /** One per eid a decision names (`{entity, decision}`, index `decision_eid`; not `eid`: a node with an `eid` is an entity or a redirect): an entity's decisions found by a seek. */
  DecisionEid: 'DecisionEid',
  /**
   * How many hits a warning rule fired from one set of sources (`{ruleId, sourcesKey, sources,
   * hits, lastAt}`, unique on `(ruleId, sourcesKey)`, migration V058): the rules page sums the
   * tallies a viewer may see instead of reading every hit (resolver `writeWarningHits` counts).
   */
  WarningHitTally: 'WarningHitTally',
} as const;
export type Label = (typeof Label)[keyof typeof Label];

/** Labels of resolved real-world entities (one node per entity, each with a stable `eid`). */
export const ENTITY_LABELS = [
  Label.Person,
  Label.Organization,
  Label.Place,
  Label.Vehicle,
  Label.Phone,
  Label.Case,
] as const;
export type EntityKind = (typeof ENTITY_LABELS)[number];

export const Rel = {
  ResolvedTo: 'RESOLVED_TO',
  HasIdentifier: 'HAS_IDENTIFIER',
  HasPhone: 'HAS_PHONE',
  Owns: 'OWNS',
  LegalRepOf: 'LEGAL_REP_OF',
  WorksFor: 'WORKS_FOR',
  ResidesAt: 'RESIDES_AT',
  InvolvedIn: 'INVOLVED_IN',
  Visited: 'VISITED',
  CoTraveled: 'CO_TRAVELED',
  Parent: 'PARENT',
  OwnedBy: 'OWNED_BY',
  RedirectsTo: 'REDIRECTS_TO',
} as const;
export type Rel = (typeof Rel)[keyof typeof Rel];

/**
 * Relations a source record states between the entities it mentions: the catalog's
 * `relations[].type` values, and the only relations the pipeline writes from records.
 */
export const RECORD_RELATION_TYPES = [Rel.HasPhone, Rel.Owns, Rel.LegalRepOf, Rel.WorksFor, Rel.ResidesAt, Rel.InvolvedIn] as const;
export type RecordRelationType = (typeof RECORD_RELATION_TYPES)[number];

/** Most records an edge lists as stating it (`rids` on identifier and relation edges); the first is its stamp (`rid`, `source`). */
export const MAX_RIDS = 100;

/**
 * What makes edges of a type between the same two nodes ONE edge, as the pipeline's writers MERGE
 * them: a record resolves once per role, an identifier is linked once per entity, a relation is
 * stated once per source, a visit once per record and kind. Whoever moves edges between entities
 * (the pipeline's merges, an analyst's merge, split or undo) folds an edge into the one it becomes
 * (their `rids` joined) instead of creating a second. Types not listed (`CO_TRAVELED`, derived) are
 * not folded.
 */
export const EDGE_IDENTITY: Readonly<Partial<Record<Rel, readonly string[]>>> = {
  [Rel.ResolvedTo]: ['role'],
  [Rel.HasIdentifier]: [],
  [Rel.Visited]: ['rid', 'kind'],
  ...Object.fromEntries(RECORD_RELATION_TYPES.map((t) => [t, ['source']])),
};

/** The relation network between entities: stated relations and derived `CO_TRAVELED` (no trajectory edges). A relation query's default. */
export const NETWORK_RELATION_TYPES = [...RECORD_RELATION_TYPES, Rel.CoTraveled] as const;
export type NetworkRelationType = (typeof NETWORK_RELATION_TYPES)[number];

/** Relationship types between entities that a user may traverse in relation queries: the network plus `VISITED`. */
export const ENTITY_RELATION_TYPES = [...NETWORK_RELATION_TYPES, Rel.Visited] as const;
export type EntityRelationType = (typeof ENTITY_RELATION_TYPES)[number];

/**
 * The identifier's value reversed (`Identifier.valueReversed`, range index `identifier_value_reversed`,
 * migration V060), set when the node is created: a search by an ID's or phone's last digits is a
 * prefix seek on it (`STARTS WITH`), with no Lucene index to update in every commit.
 */
export const IDENTIFIER_VALUE_REVERSED = 'valueReversed';

/** A value reversed as Cypher's `reverse()` reverses a string (by code point). */
export function reversedValue(value: string): string {
  return [...value].reverse().join('');
}

/** Kinds of identifier anchors; `(Identifier.kind, Identifier.value)` is unique. */
export const IDENTIFIER_KINDS = [
  'resident_id', // 18-digit PRC resident identity number (GB 11643)
  'passport',
  'national_id', // a generic national id (non-Chinese data)
  'credit_code', // unified social credit code (GB 32100)
  'plate', // vehicle plate
  'vin',
  'phone', // E.164
  'place_code', // a venue's code in its source system
  'case_number',
] as const;
export type IdentifierKind = (typeof IDENTIFIER_KINDS)[number];

/**
 * Identifier kinds written as `Identifier` anchors per entity kind, and the default anchors of
 * each kind's resolution model. A person's phone is not an anchor: it becomes a `Phone` entity.
 */
export const ANCHOR_KINDS: Readonly<Record<EntityKind, readonly IdentifierKind[]>> = {
  Person: ['resident_id', 'passport', 'national_id'],
  Organization: ['credit_code'],
  Place: ['place_code'],
  Vehicle: ['plate', 'vin'],
  Phone: ['phone'],
  Case: ['case_number'],
};

/** Kinds of sightings on a trajectory edge `VISITED.kind`. */
export const TRACE_KINDS = [
  'hotel_stay',
  'internet_login',
  'rail_departure',
  'rail_arrival',
  'checkpoint_pass',
  'incident',
  'residence',
] as const;
export type TraceKind = (typeof TRACE_KINDS)[number];

export const PLACE_KINDS = [
  'home',
  'hotel',
  'internet_cafe',
  'rail_station',
  'checkpoint',
  'company',
  'incident_site',
  'other',
] as const;
export type PlaceKind = (typeof PLACE_KINDS)[number];

/** Property names shared by code that writes and code that reads. */
export const Prop = {
  eid: 'eid',
  kind: 'kind',
  value: 'value',
  rid: 'rid',
  source: 'source',
  receivedAt: 'receivedAt',
  hash: 'hash',
  location: 'location',
  at: 'at',
  until: 'until',
  name: 'name',
  namePinyin: 'namePinyin',
  searchText: 'searchText',
  /** A person's Pinyin words (syllable groups and joined, of every name), space-separated: full-text index `entity_pinyin`. */
  pinyinKeys: 'pinyinKeys',
  /** A person's Pinyin initials (of every name, 2+ letters), space-separated: full-text index `entity_pinyin`. */
  pinyinInitials: 'pinyinInitials',
  unitCode: 'unitCode',
} as const;

/**
 * Properties of a `VISITED` edge beside `rid`, `kind`, `at`, `until` and `source`.
 * `place`: the eid of the place the visit is at (the edge's end). Set by every writer of a visit
 * and by every move of one onto another place (a merge, split or undo), so "who was at this place
 * within ±N minutes" seeks the composite index `visited_place_at` on `(place, at)` and reads the
 * visits in the window, not a hub's every visit (`visit-place.ts`).
 */
export const VisitedProp = { place: 'place' } as const;

/** Decision attached to `RESOLVED_TO`. */
export type ResolutionDecision = 'anchor' | 'match' | 'possible_match' | 'new' | 'manual';

/** Sharing classes of a source (R8). */
export const SHARE_CLASSES = ['unconditional', 'conditional', 'none'] as const;
export type ShareClass = (typeof SHARE_CLASSES)[number];

/** Sensitivity grade of a field or source: 1 public .. 4 most sensitive. */
export type Grade = 1 | 2 | 3 | 4;

/** Unit levels, province down to police station (科所队). */
export const UNIT_LEVELS = ['province', 'city', 'county', 'station'] as const;
export type UnitLevel = (typeof UNIT_LEVELS)[number];
