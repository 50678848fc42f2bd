/** TypeBox schemas of `/api/resolution`: manual merge, split, confirm and undo. */
import { type Static, Type } from '@sinclair/typebox';
import { Eid, ListOf, PurposeQuery } from './common.ts';

export const Decision = Type.Object({
  id: Type.String(),
  kind: Type.String(),
  eids: Type.Array(Type.String()),
  by: Type.String(),
  unit: Type.String(),
  purpose: Type.String(),
  reason: Type.String(),
  at: Type.String(),
  undone: Type.Boolean(),
  undoneBy: Type.Union([Type.String(), Type.Null()]),
  undoneAt: Type.Union([Type.String(), Type.Null()]),
});
export type Decision = Static<typeof Decision>;
export const DecisionList = ListOf(Decision);

const Reason = Type.String({ minLength: 2, maxLength: 500 });
export const MergeBody = Type.Object(
  { survivor: Eid, merged: Type.Array(Eid, { minItems: 1, maxItems: 20, uniqueItems: true, description: 'entities merged into the survivor (not the survivor itself)' }), reason: Reason },
  { additionalProperties: false, 'x-not-in': { value: 'survivor', list: 'merged' } },
);
export type MergeBody = Static<typeof MergeBody>;
export const SplitBody = Type.Object(
  { eid: Eid, rids: Type.Array(Type.String({ pattern: '^[A-Za-z0-9_]+:[A-Za-z0-9:_.-]{1,80}$' }), { minItems: 1, maxItems: 500, uniqueItems: true }), reason: Reason },
  { additionalProperties: false },
);
export type SplitBody = Static<typeof SplitBody>;
export const SplitAnswer = Type.Object({ decision: Decision, newEid: Type.String() });
export const ConfirmBody = Type.Object(
  { eids: Type.Array(Eid, { minItems: 2, maxItems: 2, uniqueItems: true }), match: Type.Boolean(), reason: Reason },
  { additionalProperties: false },
);
export type ConfirmBody = Static<typeof ConfirmBody>;
export const DecisionParams = Type.Object({ id: Type.String({ pattern: '^D-[0-9a-f-]{36}$' }) });
export const DecisionsQuery = Type.Object({ ...PurposeQuery, eid: Type.Optional(Eid), limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }) });
