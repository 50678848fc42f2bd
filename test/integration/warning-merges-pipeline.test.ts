/**
 * The pipeline's own merge (a bridging record joins two persons) keeps the early-warning rules
 * made on the merged-away eid: the survivor's sighting, evaluated after the write commits, fires
 * them and names the survivor. Regression: the evaluator read the rules naming the touched eid
 * only (`any(s IN w.subjects WHERE s IN $eids)`), so the rule on the merged-away eid went silent.
 */

import { readTx, writeTx } from '@onemap/graph-schema/server';
import { stageRecords } from '@onemap/resolver/intake';
import { describe, expect, it } from 'vitest';
import { guestOf, twoPersonsToBridge } from '../helpers/bridged-persons.ts';
import { AROUND_HOTEL_41 } from '../helpers/hotel-records.ts';
import { useTestPipeline } from '../helpers/pipeline.ts';

const t = useTestPipeline();

/** The rule's area (stored as the server stores it): around hotel 41, where the bridging stay is. */
const AREA_JSON = JSON.stringify({ polygon: AROUND_HOTEL_41 });

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
    const { a, b, bridge, bridgeRid } = await twoPersonsToBridge(t, {
      n: 9401,
      prefix: 'WR',
      han: '韩预警',
      latin: 'HAN YUJING',
      passport: 'E94010001',
      births: ['19810808', '19770707'],
    });
    // An "enter" rule on each (every source in view); whichever the merge keeps, the other's rule must follow it.
    await writeTx(t.graph, (tx) =>
      tx.run(
        `UNWIND $eids AS eid
         CREATE (:WarningRule {id: 'R-wmp-' + eid, kind: 'area', unitCode: '620102', subjects: [eid], areaJson: $area, trigger: 'enter',
                               placeEids: [], knownCompanions: [], active: true, createdAt: datetime(), expiresAt: datetime() + duration('P1D')})`,
        { eids: [a, b], area: AREA_JSON },
      ),
    );

    // The bridging record, at hotel 41 (inside the area) a fortnight later, joins the two.
    const info = await t.pipeline.processBatch(
      stageRecords(t.pipeline.deps.stagingDir, 'hotel', [
        bridge({
          hotel_code: 'HT0041',
          hotel_name: '测试宾馆41号店',
          hotel_address: '甘肃省兰州市城关区测试路41号',
          hotel_lon: 103.841,
          hotel_lat: 36.091,
          check_in: '2026-04-20 20:00:00',
          check_out: '2026-04-20 23:00:00',
        }),
      ]),
    );
    expect(info.merges).toBe(1);
    const survivor = await guestOf(t, bridgeRid);
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
