import { type Static, Type } from '@sinclair/typebox';
import { ListOf } from './common.ts';

export const SourceParams = Type.Object({ source: Type.String({ pattern: '^[a-z][a-z0-9_]{1,40}$', description: 'source id from the catalog' }) });
export const BatchParams = Type.Object({ batchId: Type.String({ pattern: '^[a-z][a-z0-9_]{1,40}\\.[0-9a-f]{24}$' }) });

export const PushBody = Type.Object(
  {
    // Any item: a record that is no object, or holds a value of the wrong type, is rejected on its
    // own with its position and reason (`rejected`), and the push's other records go in.
    records: Type.Array(Type.Unknown(), {
      minItems: 1,
      maxItems: 10_000,
      description: 'raw records in the source’s own shape (see the catalog), objects of strings, numbers, booleans and nulls; at most 10,000 per push',
    }),
  },
  { additionalProperties: false },
);

export const RecordReject = Type.Object({
  line: Type.Optional(Type.Integer({ description: '1-based position of the record in the push' })),
  recordId: Type.Optional(Type.String()),
  field: Type.Optional(Type.String()),
  code: Type.String(),
  reason: Type.String(),
});

export const SubmitAnswer = Type.Object({
  batchId: Type.String(),
  source: Type.String(),
  status: Type.String(),
  duplicate: Type.Boolean({ description: 'this exact content was delivered before: nothing new is written' }),
  accepted: Type.Optional(Type.Integer()),
  rejected: Type.Optional(Type.Array(RecordReject)),
});
export type SubmitAnswer = Static<typeof SubmitAnswer>;

/** A file's own name: letters, digits, `_`, `.` and `-`, never `.` or `..` (which name a directory, not a file). */
export const UploadQuery = Type.Object({ name: Type.String({ pattern: '^(?!\\.{1,2}$)[\\w.-]{1,120}$', description: 'original file name (not . or ..)' }) });

export const BatchAnswer = Type.Object(
  {
    batchId: Type.String(),
    source: Type.String(),
    originalName: Type.String(),
    way: Type.String(),
    status: Type.String(),
    rows: Type.Optional(Type.Integer()),
    written: Type.Optional(Type.Integer()),
    unchanged: Type.Optional(Type.Integer()),
    updated: Type.Optional(Type.Integer()),
    rejected: Type.Optional(Type.Integer()),
    flagged: Type.Optional(Type.Integer()),
    merges: Type.Optional(Type.Integer()),
    possibleMatches: Type.Optional(Type.Integer()),
    deliveries: Type.Optional(Type.Integer()),
    error: Type.Optional(Type.String()),
    receivedAt: Type.Optional(Type.String()),
    finishedAt: Type.Optional(Type.String()),
    /** when the batch's quality rules and ticket checks ran (for a push, shortly after `finishedAt`, off the write path) */
    checkedAt: Type.Optional(Type.String()),
    job: Type.Optional(Type.Object({ state: Type.String(), progress: Type.Optional(Type.Unknown()) })),
  },
  { additionalProperties: false },
);
export type BatchAnswer = Static<typeof BatchAnswer>;

export const BatchList = ListOf(BatchAnswer);
export const BatchListQuery = Type.Object({
  source: Type.Optional(Type.String({ pattern: '^[a-z][a-z0-9_]{1,40}$' })),
  limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
});
/** The columns of a rejects report as the API gives them (the file also keeps the raw `value`). */
export const REJECT_COLUMNS = ['source', 'file', 'line', 'record_id', 'field', 'code', 'reason'] as const;
export const RejectRow = Type.Object({ source: Type.String(), file: Type.String(), line: Type.String(), record_id: Type.String(), field: Type.String(), code: Type.String(), reason: Type.String() });
export const RejectsAnswer = ListOf(RejectRow, { batchId: Type.String() });
export type RejectsAnswer = Static<typeof RejectsAnswer>;
