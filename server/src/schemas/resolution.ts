/** TypeBox schemas of `/api/resolution`: manual merge, split, confirm and undo. */
import { type Static, Type } from '@sinclair/typebox';
import { Eid, EntitySummary, ListOf } from './common.ts';

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
export const DecisionsQuery = Type.Object({ eid: Type.Optional(Eid), limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }) });

/** One bar of the waterfall: the prior, then each comparison's weight with its term-frequency adjustment. */
export const WaterfallStep = Type.Object({
  label: Type.String({ description: '`prior`, or `<comparison>: <level>`' }),
  weight: Type.Number({ description: 'match weight (log2 Bayes factor) this step adds' }),
  tfAdjustment: Type.Number({ description: 'the term-frequency part of `weight` (0 for the prior)' }),
  cumulative: Type.Number(),
});
export const PairExplanation = Type.Object({
  priorWeight: Type.Number(),
  weight: Type.Number(),
  probability: Type.Number(),
  decision: Type.String(),
  anchors: Type.Array(Type.String()),
  conflicts: Type.Array(Type.String()),
  waterfall: Type.Array(WaterfallStep),
  compared: Type.Object({ left: Type.String({ description: 'rid of the possible-match record' }), right: Type.String({ description: 'rid of the candidate record that explains the pair best' }) }),
});
export type PairExplanation = Static<typeof PairExplanation>;
export const Candidate = Type.Object({
  id: Type.String({ description: '`<rid>|<role>`: the record mention left for review' }),
  rid: Type.String(),
  source: Type.String(),
  score: Type.Union([Type.Number(), Type.Null()], {
    description: "the pipeline's match probability when it wrote the record; null when it weighed a value the viewer sees masked (the explanation's probability is over what the viewer may compare)",
  }),
  at: Type.Union([Type.String(), Type.Null()]),
  left: EntitySummary,
  right: EntitySummary,
  explanation: Type.Union([PairExplanation, Type.Null()]),
});
export type Candidate = Static<typeof Candidate>;
export const CandidateList = ListOf(Candidate);
export const CandidatesQuery = Type.Object({
  source: Type.Optional(Type.String({ pattern: '^[a-z][a-z0-9_]{0,40}$' })),
  unit: Type.Optional(Type.String({ pattern: '^[0-9]{2,12}$', description: 'owner unit code (or a prefix: a city takes its counties)' })),
  limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
});
