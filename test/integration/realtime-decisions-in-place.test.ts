/**
 * Analysts' decisions reach the resolve leader's index in place (`GraphResolver.applyDecisions`):
 * before, any new decision rebuilt the whole index from the graph — a minute at a million records,
 * during which real time waited. A merge moves the merged entity's mentions to the survivor (a
 * later record of the merged person joins the survivor), a split moves its records to the entity
 * the server made (a re-delivery of a split-off record stays there, the rest stays where it was),
 * a confirmation changes nothing that needs a rebuild; an undone decision still rebuilds. What the
 * index in place makes of later records is what an index rebuilt from the graph makes of them. Own
 * record ids: `T-HOTEL-*82xx`.
 */
import { describe, expect, it } from 'vitest';
import {
  confirmPair,
  mergeEntities,
  readDecision,
  splitEntity,
  undoDecision,
} from '../../server/src/repositories/resolution.ts';
import { hotelRecord } from '../helpers/hotel-records.ts';
import { openTestPipeline, queryRows, stagedGroup, useTestPipeline } from '../helpers/pipeline.ts';

const t = useTestPipeline();
const group = (rows: Record<string, string | number>[]) => stagedGroup(t, 'hotel', rows);
const noop = () => async () => {};
const actor = { by: 'test_analyst', unit: '620000', purpose: '{"kind":"criminal_case"}', reason: '核实' };

async function guestOf(recordId: string): Promise<string> {
  const rows = await queryRows<{ eid: string }>(
    t,
    "MATCH (:SourceRecord {rid: $rid})-[:RESOLVED_TO {role: 'guest'}]->(p:Person) RETURN p.eid AS eid",
    { rid: `hotel:${recordId}` },
  );
  expect(rows, recordId).toHaveLength(1);
  return rows[0]!.eid;
}

describe("analysts' decisions in the resolve leader's index", () => {
  it('a merge, a split and a confirmation are applied without a rebuild, and later records follow them; an undo rebuilds', async () => {
    const resolver = t.pipeline.resolver;
    await resolver.processGroup(
      [
        group([
          hotelRecord(8201),
          hotelRecord(8202),
          hotelRecord(8203),
          hotelRecord(8203, { record_id: 'T-HOTEL-S8203', room_no: '701' }),
          hotelRecord(8204),
        ]),
      ],
      noop,
    );
    const [a, b, c, d] = [
      await guestOf('T-HOTEL-008201'),
      await guestOf('T-HOTEL-008202'),
      await guestOf('T-HOTEL-008203'),
      await guestOf('T-HOTEL-008204'),
    ];
    expect(await guestOf('T-HOTEL-S8203')).toBe(c);
    expect(new Set([a, b, c, d]).size).toBe(4);
    const rebuilds = resolver.rebuilds;
    expect(rebuilds).toBeGreaterThanOrEqual(1);

    const merge = await mergeEntities(t.graph, a, [b], actor);
    const split = await splitEntity(t.graph, c, ['hotel:T-HOTEL-S8203'], actor);
    await confirmPair(t.graph, 'confirm_non_match', [a, d], actor);
    const probe = [
      // the merged person again, the split-off record delivered again (corrected), a new record of
      // the split person, the person kept apart from the survivor again
      hotelRecord(8202, { record_id: 'T-HOTEL-N8202', room_no: '702' }),
      hotelRecord(8203, { record_id: 'T-HOTEL-S8203', room_no: '703' }),
      hotelRecord(8203, { record_id: 'T-HOTEL-T8203', room_no: '704' }),
      hotelRecord(8204, { record_id: 'T-HOTEL-N8204', room_no: '705' }),
    ];
    // what an index rebuilt from the graph makes of them (another worker's, resolved and not written)
    const fresh = openTestPipeline();
    const rebuilt = new Map<string, string>();
    try {
      const prepared = await fresh.pipeline.resolver.prepareGroup([stagedGroup(fresh, 'hotel', probe)]);
      for (const r of prepared.rows.records)
        for (const x of r.resolved) if (x.role === 'guest') rebuilt.set(r.recordId, x.eid);
    } finally {
      await fresh.close();
    }
    await resolver.processGroup([group(probe)], noop);
    expect(resolver.rebuilds).toBe(rebuilds);
    const inPlace = new Map<string, string>();
    for (const r of probe) inPlace.set(String(r.record_id), await guestOf(String(r.record_id)));
    // a new entity's eid is the index's own (a counter of its process): compared as "a new one"
    const known = new Set([a, b, c, d, split.newEid]);
    const named = (m: Map<string, string>) => new Map([...m].map(([k, eid]) => [k, known.has(eid) ? eid : 'new'] as const));
    expect(named(inPlace)).toEqual(named(rebuilt));
    // what the decisions say: the split-off record stays split off, the rest of the split person stays
    expect(inPlace.get('T-HOTEL-S8203')).toBe(split.newEid);
    expect(await guestOf('T-HOTEL-008203')).toBe(c);
    expect(await guestOf('T-HOTEL-008202')).toBe(a);
    expect(inPlace.get('T-HOTEL-N8204')).toBe(d);
    // nothing written for the merged-away eid: no node of it is an entity again
    expect(await queryRows(t, 'MATCH (e:Entity {eid: $b}) RETURN e.eid AS eid', { b })).toEqual([]);

    // undone: what later writes built on it is read again from the graph
    await undoDecision(t.graph, (await readDecision(t.graph, merge))!, 'test_analyst');
    await resolver.processGroup([group([hotelRecord(8205)])], noop);
    expect(resolver.rebuilds).toBe(rebuilds + 1);
    // and a decision after the rebuild is in place again
    await confirmPair(t.graph, 'confirm_non_match', [c, d], actor);
    await resolver.processGroup([group([hotelRecord(8206)])], noop);
    expect(resolver.rebuilds).toBe(rebuilds + 1);
  });
});
