/** Derived facts computed off the write path: the CO_TRAVELED edge and its pending queue. */
export { type CoTravelSettings, deriveCoTravel, deriveCoTravelMarks, deriveCoTravelOfSightings, SIGHTING_CROWD_MAX } from './co-travel.ts';
export {
  COTRAVEL_REASON_LEGS,
  companionReach,
  type CoOccurrence,
  type CoTravelLeg,
  type CoTravelReasons,
  type CoTravelScoreSettings,
  DEFAULT_COTRAVEL_SCORE,
  type ScoredPair,
  scoreCoTravel,
  surpriseOf,
} from './co-travel-score.ts';
export { AFTER_COMMIT_WINDOW_MS, finishAfterCommit, PENDING_AFTER_COMMIT, queueAfterCommit, resumeAfterCommit, startAfterCommit, takeAfterCommit } from './after-commit-queue.ts';
export { COTRAVEL_TAKE_MAX, coTravelMark, coTravelMarksOf, finishPendingCoTravel, giveBackPendingCoTravel, PENDING_COTRAVEL, parseCoTravelMarks, scheduleCoTravel, schedulePendingCoTravel, takePendingCoTravel } from './derive-queue.ts';
export { MoCorpus, moTokens } from './mo-text.ts';
export {
  clusterSeries,
  DEFAULT_SERIES_SETTINGS,
  linkSeries,
  NON_SUSPECT_ROLES,
  SERIES_WINDOW,
  type SeriesAround,
  type SeriesCase,
  type SeriesFeature,
  type SeriesFeatureName,
  type SeriesPair,
  type SeriesSettings,
  sceneDistanceKm,
  scoreSeriesPair,
  seriesAround,
} from './series-score.ts';
export {
  evaluateCoTravelWarnings,
  evaluateWarnings,
  type TouchedFact,
  WARNING_DEFAULTS,
  type WarningEvent,
} from './warnings.ts';
