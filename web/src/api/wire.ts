/**
 * The server's answer shapes, as static types from its TypeBox schemas (type-only imports:
 * nothing from the server reaches the bundle).
 */
import type { Static } from '@sinclair/typebox';
import type { CollisionAnswer as CA, CoLocationAnswer as CLA } from '../../../server/src/schemas/analysis.ts';
import type { EntitySummary as ES } from '../../../server/src/schemas/common.ts';
import type { GraphAnswer as GA, GraphEdge as GE, PathsAnswer as PA, Profile as P, SearchResponse as SR, Trajectory as T } from '../../../server/src/schemas/entities.ts';
import type { FacilityLayer as FL, HeatLayer as HL, HexbinLayer as XL, JurisdictionLayer as JL, TrendLayer as TL } from '../../../server/src/schemas/layers.ts';

export type EntitySummary = ES;
export type SearchResponse = SR;
export type Profile = P;
export type GraphAnswer = GA;
export type GraphEdgeW = Static<typeof GE>;
export type PathsAnswer = Static<typeof PA>;
export type Trajectory = T;
export type CoLocationAnswer = CLA;
export type CollisionAnswer = CA;
export type JurisdictionLayer = Static<typeof JL>;
export type HexbinLayer = Static<typeof XL>;
export type HeatLayer = Static<typeof HL>;
export type TrendLayer = Static<typeof TL>;
export type FacilityLayer = Static<typeof FL>;

/** POST /api/auth/login (server/src/routes/api/auth.ts; not exported as a schema there). */
export interface LoginAnswer {
  token: string;
  user: { username: string; displayName: string; unitCode: string; roles: string[] };
}

/** GET /api/auth/me */
export interface MeAnswer {
  username: string;
  displayName: string;
  unitCode: string;
  unitName: string;
  unitLevel: string;
  roles: string[];
  visibleSources: string[];
}

/** GET /api/catalog (server/src/routes/api/catalog.ts) */
export interface CatalogAnswer {
  sources: { id: string; nameZh: string; nameEn: string; ownerUnit: string; shareClass: string; grade: number; updateMode: string | null; frequency: string | null; access: { visible: boolean; via?: string; reason?: string } }[];
}

/** A watch (server/src/routes/api/watches.ts) */
export interface WatchW {
  id: string;
  eid: string;
  unitCode: string;
  createdBy: string;
  createdAt: string;
  active: boolean;
}

/** An audit entry (server/src/routes/api/audit.ts) */
export interface AuditEntryW {
  seq: number;
  at: string;
  user: string | null;
  unit: string | null;
  role: string | null;
  purposeJson: string | null;
  route: string;
  method: string;
  paramsJson: string;
  resultCount: number | null;
  outcome: string;
  status: number;
  hash: string;
}

export interface AuditVerifyW {
  ok: boolean;
  entries: number;
  headSeq: number;
  problems: { seq: number; kind: string; message: string }[];
}
