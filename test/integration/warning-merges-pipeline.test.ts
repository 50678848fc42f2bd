/**
 * The pipeline's own merge (a bridging record joins two persons) keeps the early-warning rules
 * made on the merged-away eid: the survivor's sighting, evaluated after the write commits, fires
 * them and names the survivor. Regression: the evaluator read the rules naming the touched eid
 * only (`any(s IN w.subjects WHERE s IN $eids)`), so the rule on the merged-away eid went silent.
 */

import { readTx, writeTx } from '@onemap/graph-schema/server';
import { stageRecords } from '@onemap/resolver/intake';
import { describe, expect, it } from 'vitest';
import { hotelRecord } from '../helpers/hotel-records.ts';
import { useTestPipeline } from '../helpers/pipeline.ts';

const t = useTestPipeline();

/** Around hotel HT0041 (103.841, 36.091), not HT0001 (103.801, 36.051). */
const AROUND_41 = JSON.stringify({
  polygon: {
    type: 'Polygon',
    coordinates: [
      [
        [103.835, 36.085],
        [103.848, 36.085],
        [103.848, 36.098],
        [103.835, 36.098],
        [103.835, 36.085],
      ],
    ],
  },
});

async function personOf(rid: string): Promise<string> {
  return readTx(t.graph, async (tx) => {
    const r = await tx.run(
      "MATCH (:SourceRecord {rid: $rid})-[:RESOLVED_TO {role: 'guest'}]->(p:Person) RETURN p.eid AS eid",
      { rid },
    );
    return r.records[0]?.get('eid') as string;
  });
}

/** The hits of the rules of this file, rule id → the entities each names (waits for the evaluator, which the batch does not await). */
async function hitsByRule(expected: number): Promise<Map<string, string[][]>> {
  const read = () =>
    readTx(t.graph, async (tx) => {
      const r = await tx.run(
        "MATCH (h:WarningHit) WHERE h.ruleId STARTS WITH 'R-wmp-' RETURN h.ruleId AS rule, h.eids AS eids ORDER BY h.key",
      );
      const out = new Map<string, string[][]>();
      for (const x of r.records) out.set(x.get('rule'), [...(out.get(x.get('rule')) ?? []), x.get('eids')]);
      return out;
    });
  for (let i = 0; i < 100; i++) {
    const hits = await read();
    if ([...hits.values()].flat().length >= expected) return hits;
    await new Promise((r) => setTimeout(r, 50));
  }
  return read();
}

describe("the pipeline's merge", () => {
  it('an area rule made on the merged-away eid fires for the survivor’s sighting', async () => {
    const base = hotelRecord(9401, { guest_name: '韩预警', birth_date: '19810808', phone: '' });
    const byId = { ...base, record_id: 'WR-BRIDGE-A' };
    const byPassport = {
      ...base,
      record_id: 'WR-BRIDGE-B',
      id_number: '',
      id_type: '护照',
      passport_no: 'E94010001',
      guest_name: 'HAN YUJING',
      nationality: 'CHN',
      birth_date: '19770707',
      sex: '男',
      address: '',
    };
    await t.pipeline.processBatch(stageRecords(t.pipeline.deps.stagingDir, 'hotel', [byId]));
    await t.pipeline.processBatch(stageRecords(t.pipeline.deps.stagingDir, 'hotel', [byPassport]));
    const a = await personOf('hotel:WR-BRIDGE-A');
    const b = await personOf('hotel:WR-BRIDGE-B');
    expect(a).not.toBe(b);
    // An "enter" rule on each (every source in view); whichever the merge keeps, the other's rule must follow it.
    await writeTx(t.graph, (tx) =>
      tx.run(
        `UNWIND $eids AS eid
         CREATE (:WarningRule {id: 'R-wmp-' + eid, kind: 'area', unitCode: '620102', subjects: [eid], areaJson: $area, trigger: 'enter',
                               placeEids: [], knownCompanions: [], active: true, createdAt: datetime(), expiresAt: datetime() + duration('P1D')})`,
        { eids: [a, b], area: AROUND_41 },
      ),
    );

    // The bridging record, at hotel 41 (inside the area) a fortnight later, joins the two.
    const info = await t.pipeline.processBatch(
      stageRecords(t.pipeline.deps.stagingDir, 'hotel', [
        {
          ...base,
          record_id: 'WR-BRIDGE-C',
          passport_no: 'E94010001',
          hotel_code: 'HT0041',
          hotel_name: '测试宾馆41号店',
          hotel_address: '甘肃省兰州市城关区测试路41号',
          hotel_lon: 103.841,
          hotel_lat: 36.091,
          check_in: '2026-04-20 20:00:00',
          check_out: '2026-04-20 23:00:00',
        },
      ]),
    );
    expect(info.merges).toBe(1);
    const survivor = await personOf('hotel:WR-BRIDGE-C');
    expect([a, b]).toContain(survivor);
    const hits = await hitsByRule(2);
    expect(hits).toEqual(
      new Map([
        [`R-wmp-${a}`, [[survivor]]],
        [`R-wmp-${b}`, [[survivor]]],
      ]),
    );
  });
});
