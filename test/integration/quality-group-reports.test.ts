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

/** The test graph, counting the write transactions run through it. */
function countingGraph(): { graph: Graph; writes: () => number } {
  let writes = 0;
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
          return s;
        };
      const v = Reflect.get(target, prop, target);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
  return { graph: { driver, database: t.graph.database }, writes: () => writes };
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
