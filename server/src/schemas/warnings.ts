/** TypeBox schemas of `/api/warnings` (early warning, 预警): rules bound to a unit, and their hits. */
import { type Static, Type } from '@sinclair/typebox';
import { GeoPolygon, JurisdictionCode } from './areas.ts';
import { Eid, EntitySummary, IsoTime, ListOf } from './common.ts';

/** Caps of a rule, by name. */
export const WARNING_RULE_LIMITS = { subjects: 50, checkpoints: 20, maxDays: 90 } as const;

export const WarningKind = Type.Union(
  [
    Type.Literal('area'),
    Type.Literal('checkpoint'),
    Type.Literal('meet'),
    Type.Literal('gather'),
    Type.Literal('cotravel'),
  ],
  {
    description:
      'area: enters/leaves a polygon or jurisdiction; checkpoint: a vehicle passes one; meet: two persons at one place within the window; gather: minCount persons at one place within the window (聚集); cotravel: a new companion',
  },
);
export type WarningKind = Static<typeof WarningKind>;
export const WarningTrigger = Type.Union([Type.Literal('enter'), Type.Literal('leave'), Type.Literal('both')]);

export const WarningRuleBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 60, description: 'what the unit calls this rule' }),
    kind: WarningKind,
    subjects: Type.Array(Eid, {
      minItems: 1,
      maxItems: WARNING_RULE_LIMITS.subjects,
      uniqueItems: true,
      description: 'the watched persons or vehicles (visible to the caller)',
    }),
    polygon: Type.Optional(GeoPolygon),
    jurisdiction: Type.Optional(JurisdictionCode),
    trigger: Type.Optional(WarningTrigger),
    placeEids: Type.Optional(
      Type.Array(Eid, {
        minItems: 1,
        maxItems: WARNING_RULE_LIMITS.checkpoints,
        uniqueItems: true,
        description: 'checkpoint: only these places (default: any checkpoint)',
      }),
    ),
    windowMinutes: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 1440, description: 'meet/gather: how close in time (default 30)' }),
    ),
    minCount: Type.Optional(
      Type.Integer({
        minimum: 2,
        maximum: WARNING_RULE_LIMITS.subjects,
        description: 'gather: how many persons make a gathering (default 3)',
      }),
    ),
    expiresAt: Type.String({
      pattern: IsoTime.pattern,
      'x-calendar-date': true,
      'x-future': true,
      description: `when the rule stops (in the future, at most ${WARNING_RULE_LIMITS.maxDays} days ahead)`,
    }),
  },
  { additionalProperties: false },
);
export type WarningRuleBody = Static<typeof WarningRuleBody>;

export const WarningRule = Type.Object({
  id: Type.String(),
  name: Type.String(),
  kind: WarningKind,
  unitCode: Type.String(),
  createdBy: Type.String(),
  purposeJson: Type.String(),
  createdAt: Type.String(),
  expiresAt: Type.String(),
  /** false once expired or ended */
  active: Type.Boolean(),
  subjects: Type.Array(Type.String(), { description: 'the eids the rule was made on' }),
  currentSubjects: Type.Array(Type.String(), {
    description: 'each subject’s eid now, in order: itself, or after a merge its survivor’s (chains followed; the rule follows it, and an undone merge brings the subject back)',
  }),
  jurisdiction: Type.Union([Type.String(), Type.Null()]),
  polygon: Type.Union([Type.Unknown(), Type.Null()]),
  trigger: Type.Union([WarningTrigger, Type.Null()]),
  placeEids: Type.Array(Type.String()),
  currentPlaceEids: Type.Array(Type.String(), { description: 'each checkpoint’s eid now, as currentSubjects' }),
  windowMinutes: Type.Union([Type.Integer(), Type.Null()]),
  minCount: Type.Union([Type.Integer(), Type.Null()]),
  hits: Type.Integer({ description: 'hits the caller may see (every record that fired them visible)' }),
  lastHitAt: Type.Union([Type.String(), Type.Null()]),
});
export type WarningRule = Static<typeof WarningRule>;
export const WarningRuleList = ListOf(WarningRule);
export const WarningRuleParams = Type.Object({ id: Type.String({ pattern: '^R-[0-9a-f-]{36}$' }) });
export const WarningHitQuery = Type.Object({ limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }) });

export const WarningHit = Type.Object({
  id: Type.String(),
  ruleId: Type.String(),
  kind: WarningKind,
  at: Type.String({ description: 'when the sighting that fired it happened' }),
  firedAt: Type.String(),
  eids: Type.Array(Type.String(), { description: 'the entities it fired for, as they were then' }),
  currentEids: Type.Array(Type.String(), { description: 'each of eids now (after a merge since, its survivor’s)' }),
  entities: Type.Array(EntitySummary, { description: 'the hit’s entities as they are now (currentEids), as the caller may see them' }),
  placeEid: Type.Union([Type.String(), Type.Null()]),
  detail: Type.String({ description: 'enter / leave / checkpoint / the window / new companion' }),
  sources: Type.Array(Type.String()),
});
export type WarningHit = Static<typeof WarningHit>;
export const WarningHitList = ListOf(WarningHit);
export const WarningRuleEnded = Type.Object({ id: Type.String(), active: Type.Boolean() });
