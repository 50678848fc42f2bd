import { type Static, Type } from '@sinclair/typebox';
import { Eid, EntitySummary } from './common.ts';

/** Series linking (类案串并): from a case, its likely series. */
export const CaseSeriesQuery = Type.Object({
  eid: Eid,
  limit: Type.Integer({
    minimum: 1,
    maximum: 50,
    default: 20,
    description: 'cases of the series shown at most (besides the seed)',
  }),
  belowThreshold: Type.Number({
    minimum: 0,
    maximum: 10,
    default: 2,
    description: 'also list candidates scoring up to this much below the threshold (near misses), with their reasons',
  }),
});
export type CaseSeriesQuery = Static<typeof CaseSeriesQuery>;

const FeatureValue = Type.Union([
  Type.Number(),
  Type.String(),
  Type.Null(),
  Type.Array(Type.String()),
  Type.Object({ km: Type.Number(), days: Type.Number() }),
]);
export const SeriesFeatureOut = Type.Object({
  feature: Type.Union(
    ['caseType', 'moText', 'spaceTime', 'timeOfDay', 'sharedEntities', 'trajectory'].map((f) => Type.Literal(f)),
  ),
  value: FeatureValue,
  level: Type.String({
    description: 'the comparison level that applied (`masked`: a summary the viewer may not read was not compared)',
  }),
  contribution: Type.Number({ description: "this feature's part of the pair's score" }),
});
export const SeriesLink = Type.Object({
  a: Type.String(),
  b: Type.String(),
  score: Type.Number(),
  features: Type.Array(SeriesFeatureOut),
  sharedWords: Type.Array(Type.String(), {
    description: 'MO words both summaries share, heaviest first (only summaries the viewer may read)',
  }),
});
export const SeriesCaseOut = Type.Object({
  entity: EntitySummary,
  caseType: Type.Union([Type.String(), Type.Null()]),
  occurredAt: Type.Union([Type.String(), Type.Null()], { description: 'Beijing time (+08:00)' }),
  lon: Type.Union([Type.Number(), Type.Null()]),
  lat: Type.Union([Type.Number(), Type.Null()]),
  description: Type.Union([Type.Object({ value: Type.String(), masked: Type.Boolean() }), Type.Null()], {
    description: 'the MO summary as the viewer may see it',
  }),
  inSeries: Type.Boolean({ description: 'false for a near miss (listed with its reasons, not part of the series)' }),
});
export const CaseSeriesAnswer = Type.Object({
  eid: Type.String(),
  threshold: Type.Number({ description: 'pairs at or above this score link' }),
  version: Type.Integer({ description: 'version of the series settings' }),
  candidates: Type.Integer({ description: 'visible cases of the same type within the window that were compared' }),
  cases: Type.Array(SeriesCaseOut, { description: 'the series (seed included) and near misses, by time' }),
  links: Type.Array(SeriesLink, {
    description: 'scored pairs within the series: every link at or above the threshold, and the seed to each member',
  }),
  nearMisses: Type.Array(SeriesLink, { description: 'the seed with candidates just below the threshold' }),
  entities: Type.Array(EntitySummary, {
    description: 'persons, phones and vehicles the reasons name (visible ones only)',
  }),
  truncated: Type.Boolean({
    description: 'the candidates (SERIES_WINDOW.candidates), a scene (SCENE_LIMITS) or `limit` cut the answer',
  }),
});
export type CaseSeriesAnswer = Static<typeof CaseSeriesAnswer>;

/** Multi-scene collision (多点碰撞): who was near the scenes of these cases around their times. */
export const SceneCollisionBody = Type.Object(
  {
    cases: Type.Array(Eid, { minItems: 2, maxItems: 12, uniqueItems: true }),
    radiusM: Type.Number({ minimum: 1, maximum: 5000, default: 1000, description: 'around each scene' }),
    beforeMinutes: Type.Integer({
      minimum: 0,
      maximum: 2880,
      default: 180,
      description: 'window start before each case',
    }),
    afterMinutes: Type.Integer({ minimum: 0, maximum: 2880, default: 120, description: 'window end after each case' }),
    minScenes: Type.Integer({
      minimum: 1,
      maximum: 12,
      default: 2,
      description: 'subjects near fewer scenes are left out',
    }),
    kinds: Type.Optional(
      Type.Array(Type.Union([Type.Literal('Person'), Type.Literal('Vehicle')]), { maxItems: 2, uniqueItems: true }),
    ),
    limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
  },
  { additionalProperties: false },
);
export type SceneCollisionBody = Static<typeof SceneCollisionBody>;
export const SceneCollisionAnswer = Type.Object({
  scenes: Type.Array(
    Type.Object({
      case: EntitySummary,
      lon: Type.Number(),
      lat: Type.Number(),
      from: Type.String(),
      to: Type.String(),
    }),
    { description: 'one window per case, in the order given' },
  ),
  matches: Type.Array(
    Type.Object({
      entity: EntitySummary,
      scenes: Type.Integer({ description: 'scenes this subject was near' }),
      hits: Type.Array(
        Type.Object({ window: Type.Integer(), at: Type.String(), placeEid: Type.String(), source: Type.String() }),
      ),
    }),
    { description: 'most scenes first' },
  ),
  truncated: Type.Boolean({ description: 'more subjects than `limit`, or a window hit a cap (WINDOW_HIT_LIMITS)' }),
});
export type SceneCollisionAnswer = Static<typeof SceneCollisionAnswer>;
