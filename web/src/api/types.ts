/**
 * The web app's view models: what the screens render. They are not a copy of the server's
 * answers — those are the static types of its TypeBox schemas (`./wire.ts`, from
 * `@onemap/server/schemas`), and `./client.ts` adapts one to the other. The vocabulary shared
 * with the server (roles, entity kinds, the purpose's fields) is taken from the schemas here.
 */
import type { EntityKind } from '@onemap/graph-schema';
import type { LoginAnswer, PurposeBody } from '@onemap/server/schemas';

export type Role = 'officer' | 'analyst' | 'planner' | 'admin' | 'auditor';

export interface User {
  username: string;
  name: string;
  role: Role;
  /** Roles beyond the first, when a user holds several. */
  roles?: Role[];
  unitCode: string;
  unitName?: string;
}

export interface LoginResponse {
  token: LoginAnswer['token'];
  user: User;
}

/** 事由: why an individual-level query is made (the server's purpose fields; it checks the kind). */
export type Purpose = { [K in keyof PurposeBody]: string };

/** Entity kinds and relation types come from the graph model (import-safe universal export). */
export type { EntityKind, EntityRelationType } from '@onemap/graph-schema';

export interface SearchHit {
  eid: string;
  kind: EntityKind;
  name: string;
  /** A short line under the name: masked ID, plate, address … */
  detail?: string;
  score?: number;
  /** What tells three 张伟 apart (each null when absent or masked for the viewer). */
  birthYear?: string | null;
  sex?: string | null;
  homeCounty?: { code: string; name: string | null } | null;
  /** The resident ID's last four characters as the viewer sees them (`…1234`). */
  idTail?: string | null;
  /** Visible sources the entity's records come from. */
  sources?: string[];
}

export interface AttributeValue {
  name: string;
  value: string | number | null;
  masked?: boolean;
  source?: string;
  rid?: string;
}

export interface RelationRow {
  type: string;
  direction?: 'out' | 'in';
  eid: string;
  kind: EntityKind;
  name: string;
  props?: Record<string, unknown>;
}

export interface TracePoint {
  at: string;
  until?: string | null;
  kind: string;
  source: string;
  rid?: string;
  place: { eid: string; name: string; kind?: string; lon: number; lat: number };
}

export interface QualityFlag {
  code: string;
  message?: string;
  source?: string;
  severity?: 'info' | 'warn' | 'error';
}

export interface Profile {
  eid: string;
  kind: EntityKind;
  name: string;
  attributes: AttributeValue[];
  relations: RelationRow[];
  traces: TracePoint[];
  quality: QualityFlag[];
  sources?: { rid: string; source: string; receivedAt?: string }[];
}

export interface StayPoint {
  lon: number;
  lat: number;
  from: string;
  to: string;
  placeName?: string;
  placeEid?: string;
}

export interface Trajectory {
  eid: string;
  name?: string;
  points: TracePoint[];
  stays: StayPoint[];
}

export interface GraphNode {
  eid: string;
  kind: EntityKind;
  name: string;
  lon?: number | null;
  lat?: number | null;
}

export interface GraphEdge {
  id?: string;
  source: string;
  target: string;
  type: string;
  props?: Record<string, unknown>;
}

export interface GraphResult {
  nodes: GraphNode[];
  edges: GraphEdge[];
}

/** An entity seen near the subject (co-location, 同地出现), with how often and where. */
export interface CoLocated {
  eid: string;
  name: string;
  kind: EntityKind;
  count: number;
  first?: string;
  last?: string;
  places: { eid?: string; name: string; lon: number; lat: number; at?: string }[];
}

/** A collision window: a circle on the map and a time range. */
export interface CollisionArea {
  center: [number, number];
  radiusM: number;
  from: string;
  to: string;
}

export interface CollisionHit {
  eid: string;
  name: string;
  kind: EntityKind;
  visits: { area: number; at: string; place: string }[];
}

export interface JurisdictionCount {
  code: string;
  count: number;
  /** true when the server suppressed a cell under k (shown as "<k"). */
  suppressed?: boolean;
}

export interface PlaceFeature {
  eid: string;
  name: string;
  kind: string;
  lon: number;
  lat: number;
}

export interface DensityCell {
  lon: number;
  lat: number;
  count: number;
  h3?: string;
}

export interface IncidentPoint {
  lon: number;
  lat: number;
  at: string;
  weight?: number;
  type?: string;
}

export interface TrendPoint {
  t: string;
  count: number;
  series?: string;
}

export interface MatchField {
  field: string;
  level: string;
  weight: number;
  left?: string | null;
  right?: string | null;
}

/** One bar of a match-weight waterfall (prior, then each comparison). */
export interface WaterfallStep {
  label: string;
  weight: number;
  tfAdjustment: number;
  cumulative: number;
}

/** A possible match from the pipeline, waiting for an analyst. */
export interface PossibleMatch {
  id: string;
  rid: string;
  source: string;
  /** null: the pipeline's score weighed a value this viewer sees masked */
  score: number | null;
  left: { eid: string; name: string; kind: EntityKind };
  right: { eid: string; name: string; kind: EntityKind };
  explanation: { probability: number; weight: number; decision: string; anchors: string[]; conflicts: string[]; waterfall: WaterfallStep[]; compared: { left: string; right: string } } | null;
}

/** A manual resolution decision (merge, keep apart, split), reversible. */
export interface DecisionInfo {
  id: string;
  kind: string;
  eids: string[];
  undone: boolean;
}

export interface QualityReport {
  source: string;
  ownerUnit?: string;
  records: number;
  issues: { code: string; count: number; examples?: string[] }[];
}

export interface Watch {
  id: string;
  eid: string;
  name?: string;
  createdAt?: string;
}

export interface WatchAlert {
  id?: string;
  watchId?: string;
  /** set for an early-warning hit (`kind` is `warning:<rule kind>`) */
  ruleId?: string;
  eid: string;
  name?: string;
  at: string;
  kind: string;
  place?: string;
  message?: string;
}

export interface AuditEntry {
  seq: number;
  at: string;
  user: string;
  unit?: string;
  role?: string;
  purpose?: string | null;
  action: string;
  target?: string | null;
  results?: number | null;
  allowed: boolean;
  /** written before a change was made (`intent`): neither allowed nor denied yet */
  intent: boolean;
  hash?: string;
}

export interface AuditVerify {
  ok: boolean;
  checked: number;
  firstBad?: number | null;
  message?: string;
}
