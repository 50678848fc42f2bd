/**
 * The source catalog entry and field-mapping format (数据资源目录). The resolver reads
 * this format to onboard a source: a new source is a new catalog entry, not new code.
 * Import-safe (no Node built-ins).
 */
import type { EntityKind, Grade, ShareClass, TraceKind, PlaceKind } from './graph-model.ts';

/**
 * Attributes a column can map to, per entity kind. A field's `target` is
 * `<role>.<attribute>` where role is declared in `entities` (e.g. `guest.name`).
 */
export const ATTRIBUTES = {
  Person: [
    'name', // full name as written (Hanzi or Latin); standardizer splits it
    'familyName',
    'givenName',
    'namePinyin', // a Pinyin-only rendering
    'residentId', // PRC 18-digit resident id
    'passport',
    'nationalId', // generic national id (non-Chinese data)
    'nationality',
    'sex',
    'birthDate',
    'phone',
    'email',
    'address',
    'postcode',
    'ethnicity',
  ],
  Organization: ['name', 'creditCode', 'address', 'phone', 'industry', 'registeredAt', 'status'],
  Place: ['name', 'placeKind', 'placeCode', 'address', 'divisionCode', 'lon', 'lat'],
  Vehicle: ['plate', 'plateColor', 'vin', 'brand', 'model', 'color'],
  Phone: ['phone', 'carrier', 'activatedAt'],
  Case: ['caseNumber', 'caseType', 'occurredAt', 'description', 'address', 'lon', 'lat'],
} as const satisfies Record<EntityKind, readonly string[]>;

export type AttributeOf<K extends EntityKind> = (typeof ATTRIBUTES)[K][number];

/** Attributes of the record itself rather than of an entity (prefix `record.`). */
export const RECORD_ATTRIBUTES = ['id', 'at', 'until', 'role', 'note', 'origin', 'destination'] as const;

export interface FieldMapping {
  /** Column name in CSV header or key in a JSON line. */
  column: string;
  /** `<role>.<attribute>` or `record.<attr>`; `null` = kept as raw provenance only. */
  target: string | null;
  /** What the field means, in words (zh or en). */
  meaning: string;
  /** Value format hint: e.g. `yyyyMMddHHmmss`, `yyyy-MM-dd HH:mm:ss`, `hanzi`, `pinyin`, `e164`. */
  format?: string;
  /** 1 public .. 4 most sensitive; drives masking in the server. */
  sensitivity: Grade;
  /** Required for the record to be usable; a missing value rejects the record. */
  required?: boolean;
}

export interface EntityRole {
  /** Name used as prefix in field targets, e.g. `guest`, `hotel`, `vehicle`. */
  role: string;
  kind: EntityKind;
  /** For Place roles: the kind of place this source's places are. */
  placeKind?: PlaceKind;
}

export interface RelationMapping {
  /** Relationship type from graph-model `Rel` (HAS_PHONE, OWNS, LEGAL_REP_OF, WORKS_FOR, RESIDES_AT, INVOLVED_IN). */
  type: string;
  from: string; // role
  to: string; // role
  /** For INVOLVED_IN: the column holding the role of the person in the case. */
  roleColumn?: string;
}

export interface TraceMapping {
  /** Entity role whose trajectory this is (a Person or Vehicle role). */
  subject: string;
  /** Place role where the subject was. */
  place: string;
  kind: TraceKind;
  /** Column with the time of the sighting; `untilColumn` optional end. */
  atColumn: string;
  untilColumn?: string;
}

export interface SourceCatalogEntry {
  id: string;
  name: { zh: string; en: string };
  /** Owner unit code (a division code or a unit code under it). */
  ownerUnit: string;
  updateMode: 'realtime' | 'batch';
  /** Expected delivery frequency as an ISO 8601 duration, e.g. `PT1M`, `P1D`. */
  frequency: string;
  shareClass: ShareClass;
  grade: Grade;
  /** Attributes (`Kind.attribute`) this source is the authority for (一数一源). */
  authorityFor: string[];
  file: { format: 'csv' | 'jsonl'; encoding: 'utf-8' | 'gbk'; delimiter?: string };
  /** Column with the source's own record id. */
  recordIdColumn: string;
  entities: EntityRole[];
  fields: FieldMapping[];
  relations?: RelationMapping[];
  traces?: TraceMapping[];
}

/**
 * A mapping is the subset of a catalog entry the resolver needs; a plain CSV of any
 * person data can be resolved with only these keys.
 */
export type SourceMapping = Pick<SourceCatalogEntry, 'recordIdColumn' | 'entities' | 'fields'> &
  Partial<Pick<SourceCatalogEntry, 'id' | 'file' | 'relations' | 'traces' | 'authorityFor'>>;
