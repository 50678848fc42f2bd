import { type PlaceFacts, placeFactsOf, type RecordForFacts } from '@onemap/graph-schema';
import type { SourceRecordRow } from './write-rows.ts';

/**
 * The place facts (`recordRoles`, `homeSources`) the given records add to each entity they
 * resolve to, sorted by eid (writers lock hubs in one order). Only places keep the facts; the
 * writer's statement skips other entities, so the rows need not know the kind.
 * @param also entities listed with no facts of their own (merge survivors, places a withdrawal
 *   cleared): a place among them without facts gets them recounted
 */
export function recordPlaceFacts(records: readonly Pick<SourceRecordRow, 'source' | 'attrs' | 'resolved'>[], also: Iterable<string> = []): ({ eid: string } & PlaceFacts)[] {
  const by = new Map<string, RecordForFacts[]>();
  for (const eid of also) if (!by.has(eid)) by.set(eid, []);
  for (const r of records) {
    for (const res of r.resolved) {
      let list = by.get(res.eid);
      if (!list) by.set(res.eid, (list = []));
      list.push({ source: r.source, role: res.role, attrs: r.attrs });
    }
  }
  return [...by]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([eid, recs]) => ({ eid, ...placeFactsOf(recs) }));
}
