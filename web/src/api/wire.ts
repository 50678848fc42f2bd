/**
 * The server's answer shapes: the static types of its TypeBox schemas, through the package export
 * `@onemap/server/schemas`. Type-only imports: nothing from the server reaches the bundle.
 * Every list answer is `{items, total?, truncated?}` (`List<T>`).
 */
import type { Static } from '@sinclair/typebox';
import type {
  AuditEntry,
  AuditVerifyAnswer,
  Candidate as CandidateT,
  DataExtent as DataExtentT,
  Decision as DecisionT,
  CatalogAnswer as CatalogAnswerSchema,
  CaseSeriesAnswer as CaseSeriesAnswerT,
  CollisionAnswer as CollisionAnswerT,
  CoLocationAnswer as CoLocationAnswerT,
  EntitySummary as EntitySummaryT,
  FacilityLayer as FacilityLayerSchema,
  GraphAnswer as GraphAnswerT,
  GraphEdge,
  HeatLayer as HeatLayerSchema,
  HexbinLayer as HexbinLayerSchema,
  JurisdictionLayer as JurisdictionLayerSchema,
  LoginAnswer as LoginAnswerT,
  MeAnswer as MeAnswerT,
  PathsAnswer as PathsAnswerSchema,
  Profile as ProfileT,
  QualityReportView,
  SearchResponse as SearchResponseT,
  Trajectory as TrajectoryT,
  TrendLayer as TrendLayerSchema,
  Watch,
  WatchEvent as WatchEventT,
  WarningHit as WarningHitT,
  WarningRule as WarningRuleT,
  WarningRuleBody as WarningRuleBodyT,
} from '@onemap/server/schemas';

/** The one list shape of the API. */
export type List<T> = { items: T[]; total?: number; truncated?: boolean };

export type EntitySummary = EntitySummaryT;
export type SearchResponse = SearchResponseT;
export type Profile = ProfileT;
export type GraphAnswer = GraphAnswerT;
export type GraphEdgeW = Static<typeof GraphEdge>;
export type PathsAnswer = Static<typeof PathsAnswerSchema>;
export type Trajectory = TrajectoryT;
export type CoLocationAnswer = CoLocationAnswerT;
export type CollisionAnswer = CollisionAnswerT;
export type CaseSeriesAnswer = CaseSeriesAnswerT;
export type JurisdictionLayer = Static<typeof JurisdictionLayerSchema>;
export type HexbinLayer = Static<typeof HexbinLayerSchema>;
export type HeatLayer = Static<typeof HeatLayerSchema>;
export type TrendLayer = Static<typeof TrendLayerSchema>;
export type FacilityLayer = Static<typeof FacilityLayerSchema>;
export type LoginAnswer = LoginAnswerT;
export type MeAnswer = MeAnswerT;
export type CatalogAnswer = Static<typeof CatalogAnswerSchema>;
export type WatchW = Watch;
export type AuditEntryW = AuditEntry;
export type AuditVerifyW = AuditVerifyAnswer;
export type QualityReportW = QualityReportView;
export type WatchEvent = WatchEventT;
export type WarningRule = WarningRuleT;
export type WarningHit = WarningHitT;
export type WarningRuleBody = WarningRuleBodyT;
export type Candidate = CandidateT;
export type Decision = DecisionT;
export type DataExtent = DataExtentT;
