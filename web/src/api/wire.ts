/**
 * The server's answer shapes, as static types from its TypeBox schemas (type-only imports:
 * nothing from the server reaches the bundle).
 */
import type { Static } from '@sinclair/typebox';
import type { CollisionAnswer as CA, CoTravelAnswer as CTA } from '../../../server/src/schemas/analysis.ts';
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
export type CoTravelAnswer = CTA;
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
