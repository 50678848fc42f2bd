import { type EntityKind, type PlaceFacts, placeFactsOf, type RecordForFacts, statedPoint } from '@onemap/graph-schema';
import type { SourceRecordRow } from './write-rows.ts';

/**
 * The place facts (`recordRoles`, `homeSources`) the given records add to each entity they
 * resolve to, sorted by eid (writers lock hubs in one order). Only places keep the facts; the
 * writer's statement skips other entities, so the rows need not know the kind.
 * @param also entities listed with no facts of their own (merge survivors, places a withdrawal
 *   cleared): a place among them without facts gets them recounted
 * @param kinds the entities' kinds where known (a chunk's `kinds`): an entity known to be no place
 *   gets no facts (a record's person, phone, vehicle — most of what a record resolves to)
 */
export function recordPlaceFacts(
  records: readonly Pick<SourceRecordRow, 'source' | 'attrs' | 'resolved'>[],
  also: Iterable<string> = [],
  kinds?: ReadonlyMap<string, EntityKind>,
): ({ eid: string } & PlaceFacts)[] {
  const by = new Map<string, (RecordForFacts & { row: object })[]>();
  for (const eid of also) if (!by.has(eid)) by.set(eid, []);
  for (const r of records) {
    for (const res of r.resolved) {
      const kind = kinds?.get(res.eid);
      if (kind !== undefined && kind !== 'Place' && !by.has(res.eid)) continue;
      let list = by.get(res.eid);
      if (!list) by.set(res.eid, (list = []));
      list.push({ source: r.source, role: res.role, attrs: r.attrs, row: r });
    }
  }
  return [...by]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([eid, recs]) => ({ eid, ...placeFactsOf(recs, pointOf) }));
}

/** record row -> role -> the point it states: a row's attrs are parsed once, however often its facts are asked (a group asks three times) */
const pointsOf = new WeakMap<object, Map<string, ReturnType<typeof statedPoint>>>();

function pointOf(r: RecordForFacts & { row: object }): ReturnType<typeof statedPoint> {
  let byRole = pointsOf.get(r.row);
  if (!byRole) pointsOf.set(r.row, (byRole = new Map()));
  let p = byRole.get(r.role);
  if (p === undefined) byRole.set(r.role, (p = statedPoint(r.attrs, r.role)));
  return p;
}
