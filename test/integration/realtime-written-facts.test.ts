import { describe, expect, it } from 'vitest';
import { hotelRecord } from '../helpers/hotel-records.ts';
import { queryRows, stagedGroup, useTestPipeline } from '../helpers/pipeline.ts';

/**
 * The leader does not send `inSources` and place-facts rows its own writes already put in the
 * graph (`WrittenFacts`). Whatever it skips, every entity a group names must end with its lists:
 * a group whose write failed, or that a pipelined group was noted after, never counts as written.
 */
const t = useTestPipeline();

const q = <T = Record<string, unknown>>(cypher: string, params: Record<string, unknown> = {}) => queryRows<T>(t, cypher, params);
const group = (rows: Record<string, string | number>[]) => stagedGroup(t, 'hotel', rows);
const noop = () => async () => {};
/** Every entity the records resolve to, with its lists. */
async function listsOf(recordIds: string[]) {
  return q<{ eid: string; place: boolean; inSources: string[] | null; recordRoles: string[] | null }>(
    `UNWIND $ids AS id
     MATCH (:SourceRecord {rid: 'hotel:' + id})-[:RESOLVED_TO]->(e:Entity)
     RETURN DISTINCT e.eid AS eid, e:Place AS place, e.inSources AS inSources, e.recordRoles AS recordRoles ORDER BY eid`,
    { ids: recordIds },
  );
}

describe("the leader's skipped list rows (WrittenFacts)", () => {
  it('a group whose write failed is written again with every list: the retry skips nothing the failure lost', async () => {
    const resolver = t.pipeline.resolver;
    const rows = [hotelRecord(8701), hotelRecord(8702)];
    const items = [group(rows)];
    const n = await resolver.prepareGroup(items);
    await expect(
      resolver.writeGroup(n, () => async () => {
        throw new Error('the commit fails');
      }),
    ).rejects.toThrow('commit fails');
    await resolver.processGroup(items, noop);
    // a later group naming the same guests and hotel (its rows are the ones skipped)
    await resolver.processGroup([group([hotelRecord(8701, { record_id: 'T-HOTEL-W8701' })])], noop);
    const lists = await listsOf(['T-HOTEL-008701', 'T-HOTEL-008702', 'T-HOTEL-W8701']);
    expect(lists.length).toBeGreaterThanOrEqual(3);
    for (const e of lists) {
      expect(e.inSources).toEqual(['hotel']);
      if (e.place) expect(e.recordRoles).toEqual(['hotel:hotel']);
    }
  });

  it('pipelined groups naming the same new guest and hotel: the first writes their lists though the second was noted before it', async () => {
    const resolver = t.pipeline.resolver;
    const n = await resolver.prepareGroup([group([hotelRecord(8801)])]);
    const n1 = await resolver.prepareGroup([group([hotelRecord(8801, { record_id: 'T-HOTEL-W8801' })])]);
    await resolver.writeGroup(n, noop);
    // between the two writes, the first group's entities already have their lists
    const first = await listsOf(['T-HOTEL-008801']);
    expect(first.length).toBeGreaterThanOrEqual(2);
    for (const e of first) {
      expect(e.inSources).toEqual(['hotel']);
      if (e.place) expect(e.recordRoles).toEqual(['hotel:hotel']);
    }
    await resolver.writeGroup(n1, noop);
    expect(await listsOf(['T-HOTEL-W8801'])).toEqual(first);
  });
});
