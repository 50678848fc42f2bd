/** TypeBox schemas of the data-quality routes (`/api/quality`): reports, summaries, correction tickets. */
import { type Static, Type } from '@sinclair/typebox';
import { IsoTime, ListOf } from './common.ts';

const SourceId = Type.String({ pattern: '^[A-Za-z0-9_]{1,40}$' });
const UnitCode = Type.String({ pattern: '^[0-9]{6}([0-9]{3})?$' });
const Rid = Type.String({ pattern: '^[A-Za-z0-9_]+:[A-Za-z0-9:_.*-]{1,80}$' });
const Column = Type.String({ pattern: '^[A-Za-z0-9_.]{0,60}$' });

export const RuleScoreSchema = Type.Object({
  rule: Type.String(),
  dimension: Type.String(),
  checked: Type.Integer(),
  failed: Type.Integer(),
  score: Type.Number(),
});

export const QualityExample = Type.Object({
  rule: Type.String(),
  rid: Type.String(),
  field: Type.String(),
  severity: Type.String(),
  detail: Type.String(),
  value: Type.Optional(Type.String()),
  masked: Type.Boolean(),
});

export const QualityReportSchema = Type.Object({
  id: Type.String(),
  kind: Type.String(),
  source: Type.String(),
  ownerUnit: Type.String(),
  batchId: Type.Union([Type.String(), Type.Null()]),
  at: Type.String(),
  overall: Type.Number(),
  scores: Type.Array(RuleScoreSchema),
  examples: Type.Array(QualityExample),
});
export type QualityReportView = Static<typeof QualityReportSchema>;
export const QualityReportList = ListOf(QualityReportSchema);
export const RunAnswer = Type.Object({ reports: Type.Integer({ description: 'how many period reports were produced' }) });

export const ReportsQuery = Type.Object({
  source: Type.Optional(SourceId),
  ownerUnit: Type.Optional(UnitCode),
  from: Type.Optional(IsoTime),
  to: Type.Optional(IsoTime),
  limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
});

export const SummaryQuery = Type.Object({
  ownerUnit: Type.Optional(UnitCode),
  from: Type.Optional(IsoTime),
  to: Type.Optional(IsoTime),
  /** period length in days when `from` is absent (ends at `to` or now); the trend compares with the period before */
  days: Type.Integer({ minimum: 1, maximum: 366, default: 7 }),
});
export type SummaryQuery = Static<typeof SummaryQuery>;

export const RuleTrendSchema = Type.Object({
  rule: Type.String(),
  checked: Type.Integer(),
  failed: Type.Integer(),
  score: Type.Number(),
  previous: Type.Union([Type.Number(), Type.Null()]),
  delta: Type.Union([Type.Number(), Type.Null()]),
});
export const QualitySummarySchema = Type.Object({
  from: Type.String(),
  to: Type.String(),
  sources: Type.Array(
    Type.Object({
      source: Type.String(),
      ownerUnit: Type.String(),
      reports: Type.Integer(),
      rules: Type.Array(RuleTrendSchema),
    }),
  ),
});
export type QualitySummary = Static<typeof QualitySummarySchema>;

export const TicketStatusSchema = Type.Union(
  (['open', 'fixed_at_source', 'verified', 'confirmed', 'reopened'] as const).map((s) => Type.Literal(s)),
);

export const TicketSchema = Type.Object({
  id: Type.String(),
  source: Type.String(),
  ownerUnit: Type.String(),
  rid: Type.String(),
  field: Type.String(),
  attribute: Type.Union([Type.String(), Type.Null()]),
  reportedValue: Type.String(),
  expected: Type.Union([Type.String(), Type.Null()]),
  reason: Type.String(),
  status: TicketStatusSchema,
  openedBy: Type.String(),
  openedUnit: Type.String(),
  rule: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String(),
  updatedAt: Type.String(),
  history: Type.Array(
    Type.Object({ at: Type.String(), by: Type.String(), action: Type.String(), note: Type.Optional(Type.String()) }),
  ),
});
export type TicketView = Static<typeof TicketSchema>;
export const TicketList = ListOf(TicketSchema);

export const OpenTicketBody = Type.Object(
  {
    rid: Rid,
    /** the source column holding the wrong value */
    field: Column,
    /** the correct value, when the reporter knows it; the ticket then verifies only on exactly this value */
    expected: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
    reason: Type.String({ minLength: 2, maxLength: 500 }),
  },
  { additionalProperties: false },
);

export const TicketsQuery = Type.Object({
  status: Type.Optional(TicketStatusSchema),
  source: Type.Optional(SourceId),
  limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
});

export const TicketParams = Type.Object({ id: Type.String({ pattern: '^QT-[0-9a-f-]{36}$' }) });
export const FixedBody = Type.Object(
  { note: Type.String({ minLength: 2, maxLength: 500 }) },
  { additionalProperties: false },
);
export const ConfirmTicketBody = Type.Object(
  { accept: Type.Boolean(), note: Type.Optional(Type.String({ maxLength: 500 })) },
  { additionalProperties: false },
);
