/**
 * The quality rules of a group of pushed batches (the after-commit job of one group commit): one
 * report per batch, all written in ONE write transaction (not one per push), and a ticket the first
 * batch of the group opens is checked by a later batch of the same group delivering the corrected
 * value. Own ids: `QGR-*`.
 */
import { loadCatalog } from '@onemap/datasets';
import type { Graph } from '@onemap/graph-schema/server';
import { readBatch, stageRecords } from '@onemap/resolver/intake';
import { type QualityBatch, runGroupQuality } from '@onemap/resolver/quality';
import type { Driver, Session } from 'neo4j-driver';
import { afterAll, describe, expect, it } from 'vitest';
import { hotelRecord } from '../helpers/hotel-records.ts';
import { openTestPipeline } from '../helpers/pipeline.ts';

const t = openTestPipeline();
const hotel = loadCatalog().find((e) => e.id === 'hotel')!;
const RUN = String(Date.now() % 1_000_000);

afterAll(() => t.close());

/** The test graph, counting the write (and read) transactions run through it. */
function countingGraph(): { graph: Graph; writes: () => number; reads: () => number } {
  let writes = 0;
  let reads = 0;
  const driver = new Proxy(t.graph.driver, {
    get(target, prop) {
      if (prop === 'session')
        return (...args: Parameters<Driver['session']>) => {
          const s: Session = target.session(...args);
          const executeWrite = s.executeWrite.bind(s);
          s.executeWrite = ((work: Parameters<Session['executeWrite']>[0]) => {
            writes++;
            return executeWrite(work);
          }) as Session['executeWrite'];
          const executeRead = s.executeRead.bind(s);
          s.executeRead = ((work: Parameters<Session['executeRead']>[0]) => {
            reads++;
            return executeRead(work);
          }) as Session['executeRead'];
          return s;
        };
      const v = Reflect.get(target, prop, target);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
  return { graph: { driver, database: t.graph.database }, writes: () => writes, reads: () => reads };
}

function group(rows: Record<string, string | number>[][]): QualityBatch[] {
  return rows.map((records) => {
    const batch = stageRecords(t.pipeline.deps.stagingDir, 'hotel', records);
    return { batch, entry: hotel, read: readBatch(batch, hotel), priorHashes: new Map() };
  });
}

async function reportsOf(batchIds: string[]): Promise<Record<string, number>> {
  const res = await t.graph.driver.executeQuery(
    'UNWIND $ids AS id MATCH (q:QualityReport {batchId: id}) RETURN id, count(q) AS n',
    { ids: batchIds },
    { database: t.graph.database },
  );
  return Object.fromEntries(res.records.map((r) => [r.get('id') as string, Number(r.get('n'))]));
}

describe('quality of a group of pushed batches', () => {
  it('writes one report per batch, all in one write transaction, and again once each on a retry', async () => {
    const items = group(
      [1, 2, 3, 4, 5].map((i) => [
        hotelRecord(7100 + i, { record_id: `QGR-A-${i}-${RUN}` }),
        hotelRecord(7200 + i, { record_id: `QGR-B-${i}-${RUN}` }),
      ]),
    );
    const ids = items.map((it) => it.batch.batchId);
    const { graph, writes } = countingGraph();
    const out = await runGroupQuality(graph, items);
    expect(out.map((o) => o?.reportId)).toEqual(ids.map((id) => `QR-B-${id}`));
    expect(writes()).toBe(1);
    expect(await reportsOf(ids)).toEqual(Object.fromEntries(ids.map((id) => [id, 1])));
    // the after-commit job run again (a retry): the same reports, not a second set
    await runGroupQuality(graph, items);
    expect(writes()).toBe(2);
    expect(await reportsOf(ids)).toEqual(Object.fromEntries(ids.map((id) => [id, 1])));
  });

  it("marking the batches checked: with nothing to verify or open, the reports (with the Source node's owner), the tickets' read and checkedAt are ONE transaction", async () => {
    const items = group([1, 2, 3].map((i) => [hotelRecord(7400 + i, { record_id: `QGR-C-${i}-${RUN}` })]));
    const ids = items.map((it) => it.batch.batchId);
    const q = (cypher: string, params: Record<string, unknown>) => t.graph.driver.executeQuery(cypher, params, { database: t.graph.database });
    await q('UNWIND $ids AS id CREATE (:Batch {batchId: id, source: "hotel"})', { ids });
    // governance moved the source to another owner than the catalog's
    const before = await q("OPTIONAL MATCH (s:Source {id: 'hotel'}) RETURN s IS NOT NULL AS exists, s.ownerUnit AS owner", {});
    const existed = before.records[0]!.get('exists') as boolean;
    await q("MERGE (s:Source {id: 'hotel'}) SET s.ownerUnit = '620102'", {});
    try {
      const { graph, writes, reads } = countingGraph();
      const out = await runGroupQuality(graph, items, undefined, { markChecked: true });
      expect(out.every((o) => o !== null && o.ticketsOpened === 0 && o.verified === 0)).toBe(true);
      expect({ writes: writes(), reads: reads() }).toEqual({ writes: 1, reads: 0 });
      const rows = await q(
        'UNWIND $ids AS id MATCH (b:Batch {batchId: id}) MATCH (r:QualityReport {batchId: id}) RETURN b.checkedAt IS NOT NULL AS checked, r.ownerUnit AS owner',
        { ids },
      );
      expect(rows.records.map((r) => [r.get('checked'), r.get('owner')])).toEqual(ids.map(() => [true, '620102']));
      expect(hotel.ownerUnit).not.toBe('620102');
    } finally {
      if (existed) await q("MATCH (s:Source {id: 'hotel'}) SET s.ownerUnit = $owner", { owner: before.records[0]!.get('owner') });
      else await q("MATCH (s:Source {id: 'hotel'}) DELETE s", {});
    }
  });

  it('marking the batches checked: a group that opens a ticket marks them after the ticket, not before', async () => {
    const rid = `QGR-K-${RUN}`;
    // outside the province: opens a coordinates ticket
    const items = group([[hotelRecord(7501, { record_id: rid, hotel_lon: 116.4, hotel_lat: 39.9 })]]);
    const ids = items.map((it) => it.batch.batchId);
    await t.graph.driver.executeQuery('UNWIND $ids AS id CREATE (:Batch {batchId: id, source: "hotel"})', { ids }, { database: t.graph.database });
    const out = await runGroupQuality(t.graph, items, undefined, { markChecked: true });
    expect(out[0]?.ticketsOpened).toBe(1);
    const res = await t.graph.driver.executeQuery(
      'MATCH (b:Batch {batchId: $id}), (k:QualityTicket {rid: $rid}) RETURN b.checkedAt AS checked, toString(k.createdAt) AS opened',
      { id: ids[0], rid: `hotel:${rid}` },
      { database: t.graph.database },
    );
    const row = res.records[0]!;
    expect(row.get('checked')).not.toBeNull();
    expect(new Date(row.get('checked') as string).getTime()).toBeGreaterThanOrEqual(new Date(row.get('opened') as string).getTime());
  });

  it('a ticket opened by a batch of the group is checked by a later batch of the same group', async () => {
    const rid = `QGR-T-${RUN}`;
    const items = group([
      // outside the province: opens a coordinates ticket
      [hotelRecord(7301, { record_id: rid, hotel_lon: 116.4, hotel_lat: 39.9 })],
      // a batch naming another record only: nothing to verify
      [hotelRecord(7302, { record_id: `QGR-U-${RUN}` })],
      // the same record corrected
      [hotelRecord(7301, { record_id: rid })],
    ]);
    const out = await runGroupQuality(t.graph, items);
    expect(out.map((o) => o?.ticketsOpened)).toEqual([1, 0, 0]);
    expect(out.map((o) => o?.verified)).toEqual([0, 0, 1]);
    const res = await t.graph.driver.executeQuery(
      'MATCH (q:QualityTicket {rid: $rid}) RETURN q.status AS status',
      { rid: `hotel:${rid}` },
      { database: t.graph.database },
    );
    expect(res.records.map((r) => r.get('status'))).toEqual(['verified']);
  });
});
