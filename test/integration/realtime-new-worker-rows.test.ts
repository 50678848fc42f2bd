import { describe, expect, it } from 'vitest';
import { clearGraph } from '../helpers/graph.ts';
import { hotelRecord } from '../helpers/hotel-records.ts';
import { openTestPipeline, queryRows, stagedGroup, useTestPipeline } from '../helpers/pipeline.ts';

/**
 * A worker new to a graph (a restart, a new resolve leader, the first file after a bulk load) has
 * written none of its entities, yet knows what the graph holds of each from the records it read
 * (`GraphResolver.noteGraphRow`): a group sends only the fields its records change. Whatever it
 * leaves out, the graph must end as if every row had been written whole.
 */
const t = useTestPipeline();
const noop = () => async () => {};

/**
 * Every entity node by its labels and the records resolved to it (a guest and the phone made of
 * his number share their records): its properties but the time of the last write and its id.
 */
async function entitiesByRecords(graph: ReturnType<typeof openTestPipeline>) {
  const rows = await queryRows<{ labels: string[]; rids: string[]; props: Record<string, unknown> }>(
    graph,
    `MATCH (e:Entity)
     OPTIONAL MATCH (r:SourceRecord)-[:RESOLVED_TO]->(e)
     WITH e, r.rid AS rid ORDER BY rid
     RETURN labels(e) AS labels, collect(rid) AS rids, properties(e) AS props`,
  );
  const byKey = new Map<string, Record<string, unknown>>();
  for (const { labels, rids, props } of rows) {
    const key = `${[...labels].sort().join(':')} ${rids.join(' ')}`;
    // two entities of one kind with the same records would hide one another
    expect(byKey.has(key), key).toBe(false);
    const { updatedAt: _at, eid: _eid, location, ...rest } = props;
    byKey.set(key, { ...rest, location: location === undefined ? null : String(location) });
  }
  return Object.fromEntries(byKey);
}

describe('a worker new to the graph', () => {
  it('sends only the fields its records change, and the graph ends as if every row were written whole', async () => {
    const later = () => new Promise((r) => setTimeout(r, 5));
    const g1 = stagedGroup(t, 'hotel', [
      hotelRecord(9101),
      hotelRecord(9102),
      hotelRecord(9151),
      hotelRecord(9103),
      hotelRecord(9301),
    ]);
    await later();
    // a second stay of guest 9301 at another address: the later one wins their tie
    const g1b = stagedGroup(t, 'hotel', [
      hotelRecord(9301, { record_id: 'T-HOTEL-N9301', address: '甘肃省兰州市城关区后址路3号' }),
    ]);
    await t.pipeline.resolver.processGroup([g1], noop);
    await t.pipeline.resolver.processGroup([g1b], noop);
    await later();
    // later deliveries: the same guest again as he was, a guest at a new address (the latest
    // wins a tie), a stay corrected (its guest's phone and address), a new guest at the same hotel,
    // guest 9301's first stay corrected (its room): now the latest, its address wins again
    const g2 = stagedGroup(t, 'hotel', [
      hotelRecord(9101, { record_id: 'T-HOTEL-N9101' }),
      hotelRecord(9102, { record_id: 'T-HOTEL-N9102', address: '甘肃省兰州市城关区新址路2号' }),
      hotelRecord(9151, { phone: '13900009151', address: '甘肃省兰州市城关区改正路51号' }),
      hotelRecord(9201),
      hotelRecord(9301, { room_no: '299' }),
    ]);

    const fresh = openTestPipeline();
    try {
      const group = await fresh.pipeline.resolver.prepareGroup([g2]);
      const sent = group.rows.entities;
      // every entity the graph held is sent as its changed fields, never whole
      const known = sent.filter((e) => !e.isNew);
      expect(known.length).toBeGreaterThan(0);
      for (const e of known) expect(e.changes, `${e.eid} (${e.kind}) sent whole`).toBeDefined();
      // the guest seen again as he was and his hotel: at most where their values are traced to moves
      const same = await queryRows<{ eid: string }>(
        t,
        `MATCH (:SourceRecord {rid: 'hotel:T-HOTEL-009101'})-[:RESOLVED_TO]->(e) RETURN e.eid AS eid`,
      );
      expect(same).toHaveLength(2);
      for (const { eid } of same) {
        const e = known.find((x) => x.eid === eid);
        if (e) expect(Object.keys(e.changes!.props), `${eid}: only its provenance may change`).toEqual(['provenance']);
      }
      // the guest at a new address: his address is among what is sent
      const moved = known.find((e) => e.changes!.props.address === '甘肃省兰州市城关区新址路2号');
      expect(moved?.kind).toBe('Person');
      const back = known.find((e) => e.changes!.props.address === '甘肃省兰州市城关区测试路9301号');
      expect(back?.kind, "guest 9301's first address, the latest again").toBe('Person');
      // the new guest is new
      expect(sent.filter((e) => e.isNew).map((e) => e.kind)).toContain('Person');
      await fresh.pipeline.resolver.writeGroup(group, noop);
    } finally {
      await fresh.close();
    }
    const partly = await entitiesByRecords(t);

    // the same deliveries written by one worker on an empty graph, in one group: every row whole
    await clearGraph(t.graph);
    await t.redis.flushdb();
    const whole = openTestPipeline();
    try {
      const group = await whole.pipeline.resolver.prepareGroup([g1, g1b, g2]);
      expect(group.rows.entities.every((e) => e.isNew && !e.changes)).toBe(true);
      await whole.pipeline.resolver.writeGroup(group, noop);
    } finally {
      await whole.close();
    }
    const wholly = await entitiesByRecords(t);
    expect(Object.keys(partly).length).toBeGreaterThanOrEqual(6);
    expect(partly).toEqual(wholly);
  });
});
