import { ENTITY_RELATION_TYPES } from '@onemap/graph-schema';
import { type Static, Type } from '@sinclair/typebox';
import { AttributeValue, EntitySummary, FeatureCollection, IsoTime } from './common.ts';

export const SearchQuery = Type.Object({
  q: Type.String({ minLength: 1, maxLength: 100, description: 'name (Hanzi or Pinyin), identifier, phone or plate' }),
  kind: Type.Optional(Type.Array(Type.Union(['Person', 'Organization', 'Place', 'Vehicle', 'Phone', 'Case'].map((k) => Type.Literal(k))), { maxItems: 6 })),
  page: Type.Integer({ minimum: 1, maximum: 1000, default: 1 }),
  pageSize: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
});
export type SearchQuery = Static<typeof SearchQuery>;

/** What lets a user choose between three 张伟, each under the viewer's masking (null when absent or masked). */
export const SearchHitDetails = Type.Object({
  birthYear: Type.Union([Type.String(), Type.Null()]),
  sex: Type.Union([Type.String(), Type.Null()]),
  homeCounty: Type.Union([Type.Object({ code: Type.String(), name: Type.Union([Type.String(), Type.Null()]) }), Type.Null()]),
  /** The resident ID as the viewer sees it, reduced to its last four characters (`…1234`). */
  idTail: Type.Union([Type.String(), Type.Null()]),
  /** The visible sources the entity's records come from. */
  sources: Type.Array(Type.String()),
  /** How the query matched: exact, identifier_tail, initials, pinyin, prefix (a value begins with the term), contains (the term inside a value), fuzzy. */
  matchedBy: Type.Array(Type.String()),
});
export const SearchHit = Type.Object({ ...EntitySummary.properties, score: Type.Number(), ...SearchHitDetails.properties });
export const SearchResponse = Type.Object({
  items: Type.Array(SearchHit),
  total: Type.Integer({ description: 'visible matches (at most 500 candidates are considered); with `totalIsEstimate`, a lower bound: for a caller who does not see every source, the end of the page asked for once the matches reach it (unchecked candidates, whose text may come from sources the caller may not see, neither count nor decide whether the total is exact)' }),
  totalIsEstimate: Type.Optional(Type.Boolean({ description: 'the search stopped once no unchecked candidate could enter the page: `total` counts the matches found so far (a lower bound); ask for the next page to see more' })),
  truncated: Type.Optional(Type.Boolean()),
  page: Type.Integer(),
  pageSize: Type.Integer(),
});
export type SearchResponse = Static<typeof SearchResponse>;

const TracePlace = Type.Object({
  eid: Type.String(),
  name: Type.Union([Type.String(), Type.Null()]),
  lon: Type.Union([Type.Number(), Type.Null()]),
  lat: Type.Union([Type.Number(), Type.Null()]),
});

export const Profile = Type.Object({
  eid: Type.String(),
  kind: Type.String(),
  redirectedFrom: Type.Union([Type.String(), Type.Null()]),
  golden: Type.Record(Type.String(), AttributeValue),
  location: Type.Union([Type.Object({ lon: Type.Number(), lat: Type.Number() }), Type.Null()]),
  identifiers: Type.Array(Type.Object({ kind: Type.String(), value: Type.String(), masked: Type.Boolean(), source: Type.String() })),
  relations: Type.Array(
    Type.Object({
      type: Type.String(),
      direction: Type.Union([Type.Literal('out'), Type.Literal('in')]),
      other: EntitySummary,
      /** The first of `sources`. */
      source: Type.Union([Type.String(), Type.Null()]),
      role: Type.Union([Type.String(), Type.Null()]),
      /** Every visible source stating this relation (one edge per source in the graph, one entry here). */
      sources: Type.Array(Type.String()),
    }),
  ),
  recentTraces: Type.Array(
    Type.Object({ at: Type.String(), until: Type.Union([Type.String(), Type.Null()]), kind: Type.String(), source: Type.String(), place: TracePlace }),
  ),
  sources: Type.Array(Type.Object({ source: Type.String(), records: Type.Integer(), lastReceivedAt: Type.Union([Type.String(), Type.Null()]) })),
  /** Present (true) when the per-source counts stopped at the profile's scan limit: a hub has more records than counted. */
  sourcesTruncated: Type.Optional(Type.Boolean()),
  records: Type.Array(Type.Object({ rid: Type.String(), source: Type.String(), receivedAt: Type.Union([Type.String(), Type.Null()]), role: Type.String() })),
});
export type Profile = Static<typeof Profile>;

const RelationTypeName = Type.Union(ENTITY_RELATION_TYPES.map((t) => Type.Literal(t)));

export const RelationsQuery = Type.Object({
  depth: Type.Integer({ minimum: 1, maximum: 3, default: 2 }),
  types: Type.Optional(Type.Array(RelationTypeName, { maxItems: ENTITY_RELATION_TYPES.length })),
  limit: Type.Integer({ minimum: 1, maximum: 1000, default: 200, description: 'maximum edges in the answer' }),
});
export type RelationsQuery = Static<typeof RelationsQuery>;

export const GraphEdge = Type.Object({
  from: Type.String(),
  to: Type.String(),
  type: Type.String(),
  source: Type.Union([Type.String(), Type.Null()]),
  props: Type.Record(Type.String(), Type.Unknown()),
});
export const GraphAnswer = Type.Object({
  root: Type.String(),
  nodes: Type.Array(Type.Object({ ...EntitySummary.properties, hop: Type.Integer() })),
  edges: Type.Array(GraphEdge),
  truncated: Type.Boolean(),
});
export type GraphAnswer = Static<typeof GraphAnswer>;

export const PathsQuery = Type.Object({
  from: Type.String({ pattern: '^[A-Za-z0-9:_-]{1,80}$' }),
  to: Type.String({ pattern: '^[A-Za-z0-9:_-]{1,80}$' }),
  maxHops: Type.Integer({ minimum: 1, maximum: 6, default: 4 }),
  types: Type.Optional(Type.Array(RelationTypeName, { maxItems: ENTITY_RELATION_TYPES.length })),
  limit: Type.Integer({ minimum: 1, maximum: 20, default: 5 }),
});
export type PathsQuery = Static<typeof PathsQuery>;
export const PathsAnswer = Type.Object({
  from: Type.String(),
  to: Type.String(),
  paths: Type.Array(Type.Object({ nodes: Type.Array(EntitySummary), edges: Type.Array(GraphEdge) })),
});

export const TrajectoryQuery = Type.Object({
  from: IsoTime,
  to: IsoTime,
  stayRadiusM: Type.Number({ minimum: 1, maximum: 5000, default: 100 }),
  stayMinMinutes: Type.Number({ minimum: 1, maximum: 1440, default: 5 }),
  limit: Type.Integer({ minimum: 1, maximum: 10000, default: 2000 }),
}, { 'x-time-range': { from: 'from', to: 'to', maxDays: 366 } });
export type TrajectoryQuery = Static<typeof TrajectoryQuery>;

export const StayPoint = Type.Object({
  lon: Type.Number(),
  lat: Type.Number(),
  start: Type.String(),
  end: Type.String(),
  minutes: Type.Number(),
  points: Type.Integer(),
  placeEids: Type.Array(Type.String()),
});
export const Trajectory = Type.Object({
  eid: Type.String(),
  kind: Type.String(),
  from: Type.String(),
  to: Type.String(),
  points: FeatureCollection,
  line: Type.Any({ description: 'GeoJSON Feature<LineString> of the ordered points (null with fewer than 2)' }),
  stayPoints: Type.Array(StayPoint),
  timeline: Type.Array(Type.Object({ kind: Type.String(), count: Type.Integer(), first: Type.String(), last: Type.String(), items: Type.Array(Type.Object({ at: Type.String(), until: Type.Union([Type.String(), Type.Null()]), placeEid: Type.String(), source: Type.String() })) })),
  truncated: Type.Boolean(),
});
export type Trajectory = Static<typeof Trajectory>;
