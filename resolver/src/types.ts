/** Core data types shared by every resolver stage. Import-safe (no Node built-ins). */
import type { EntityKind, IdentifierKind } from '@onemap/graph-schema';
import type { ErrorCode } from './errors.ts';

/**
 * Progress of long work: the stage, units done and the total when known. Stages call it now and
 * then (every few thousand units); only the CLI draws it (`cli/progress-bar.ts`).
 */
export type ProgressFn = (stage: string, done: number, total: number) => void;

/** Standardized attribute values of a mention, keyed by standardized attribute name. */
export type Attrs = Record<string, string>;

export interface Identifier {
  kind: IdentifierKind;
  value: string;
}

/** A value that was flagged (kept raw, never "fixed") or a record that was rejected. */
export interface FieldProblem {
  source: string;
  file?: string;
  line?: number;
  recordId?: string;
  /** Source column (or `<role>.<attribute>` when no column applies). */
  field?: string;
  value?: string;
  code: ErrorCode;
  reason: string;
}

/**
 * The unit the resolver clusters: one entity mentioned by one record in one role.
 * `key` is `source:recordId:role`.
 */
export interface Mention {
  key: string;
  source: string;
  recordId: string;
  role: string;
  kind: EntityKind;
  /** Standardized attributes (see docs/resolution.md for the names per kind). */
  attrs: Attrs;
  /** Only VALID identifiers (checksums pass); invalid ones stay in attrs as `*Raw` and in flags. */
  identifiers: Identifier[];
  /** `attribute:reason` for every value that was flagged, e.g. `residentId:bad_check_digit`. */
  flags: string[];
  line?: number;
}

/** Outcome of standardizing one raw record. */
export interface StandardizedRecord {
  ok: true;
  recordId: string;
  mentions: Mention[];
  /** `record.*` attributes (at, until, note...) standardized. */
  record: Attrs;
  problems: FieldProblem[];
}

export interface RejectedRecord {
  ok: false;
  recordId?: string;
  rejection: FieldProblem;
  problems: FieldProblem[];
}

export type StandardizeResult = StandardizedRecord | RejectedRecord;

export type Decision = 'anchor' | 'match' | 'possible_match' | 'new' | 'non_match' | 'manual';
