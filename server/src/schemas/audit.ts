/** TypeBox schemas of `/api/audit`: entries, verification, signed checkpoints. */
import { type Static, Type } from '@sinclair/typebox';
import { ListOf } from './common.ts';

export const AuditEntry = Type.Object({
  seq: Type.Integer(),
  at: Type.String(),
  requestId: Type.String(),
  user: Type.Union([Type.String(), Type.Null()]),
  unit: Type.Union([Type.String(), Type.Null()]),
  role: Type.Union([Type.String(), Type.Null()]),
  purposeJson: Type.Union([Type.String(), Type.Null()]),
  route: Type.String(),
  method: Type.String(),
  paramsJson: Type.String(),
  resultCount: Type.Union([Type.Integer(), Type.Null()]),
  outcome: Type.String(),
  status: Type.Integer(),
  prevHash: Type.String(),
  hash: Type.String(),
});
export type AuditEntry = Static<typeof AuditEntry>;
export const AuditEntryList = ListOf(AuditEntry);
export const AuditEntriesQuery = Type.Object({
  afterSeq: Type.Integer({ minimum: 0, default: 0 }),
  limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
  user: Type.Optional(Type.String({ maxLength: 64 })),
  outcome: Type.Optional(Type.Union([Type.Literal('allowed'), Type.Literal('denied'), Type.Literal('error'), Type.Literal('intent')])),
});
export type AuditEntriesQuery = Static<typeof AuditEntriesQuery>;

export const Checkpoint = Type.Object({ seq: Type.Integer(), hash: Type.String(), at: Type.String(), signature: Type.String(), by: Type.String() });
export const CheckpointList = ListOf(Checkpoint);
export const AuditVerifyAnswer = Type.Object({
  ok: Type.Boolean(),
  entries: Type.Integer(),
  headSeq: Type.Integer(),
  checkpointsChecked: Type.Integer(),
  problems: Type.Array(Type.Object({ seq: Type.Integer(), kind: Type.String(), message: Type.String() })),
  problemsOutOfScope: Type.Integer({ description: 'problems at entries of units outside the auditor’s scope: counted, not described' }),
});
export type AuditVerifyAnswer = Static<typeof AuditVerifyAnswer>;
