/**
 * The pipeline's own merge (a bridging record joins two persons) keeps the watch made on the
 * merged-away eid: the survivor's events are published for it and name it (`watchEids`, what the
 * server's stream routes by). Regression: the publisher looked watches up by the event's eid only.
 */

import { readTx, writeTx } from '@onemap/graph-schema/server';
import { stageRecords } from '@onemap/resolver/intake';
import { EVENTS_CHANNEL } from '@onemap/resolver/pipeline';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEnv } from '../helpers/env.ts';
import { hotelRecord } from '../helpers/hotel-records.ts';
import { useTestPipeline } from '../helpers/pipeline.ts';

const t = useTestPipeline();
let sub: Redis;
const messages: { eid: string; rid: string; watchEids?: string[] }[] = [];
beforeAll(async () => {
  sub = new Redis(testEnv.REDIS_URL);
  sub.on('message', (_channel, m: string) => messages.push(JSON.parse(m)));
  await sub.subscribe(EVENTS_CHANNEL);
});
afterAll(() => sub?.disconnect());

async function personOf(rid: string): Promise<string> {
  return readTx(t.graph, async (tx) => {
    const r = await tx.run(
      "MATCH (:SourceRecord {rid: $rid})-[:RESOLVED_TO {role: 'guest'}]->(p:Person) RETURN p.eid AS eid",
      { rid },
    );
    return r.records[0]?.get('eid') as string;
  });
}

describe("the pipeline's merge", () => {
  it("publishes the survivor's events for the watch made on the merged-away eid", async () => {
    const base = hotelRecord(9301, { guest_name: '韩监控', birth_date: '19810707', phone: '' });
    const byId = { ...base, record_id: 'WM-BRIDGE-A' };
    const byPassport = {
      ...base,
      record_id: 'WM-BRIDGE-B',
      id_number: '',
      id_type: '护照',
      passport_no: 'E93010001',
      guest_name: 'HAN JIANKONG',
      nationality: 'CHN',
      birth_date: '19760606',
      sex: '男',
      address: '',
    };
    await t.pipeline.processBatch(stageRecords(t.pipeline.deps.stagingDir, 'hotel', [byId]));
    await t.pipeline.processBatch(stageRecords(t.pipeline.deps.stagingDir, 'hotel', [byPassport]));
    const a = await personOf('hotel:WM-BRIDGE-A');
    const b = await personOf('hotel:WM-BRIDGE-B');
    expect(a).not.toBe(b);
    // Both are watched (by two units); whichever the merge keeps, the other's watch must follow it.
    await writeTx(t.graph, (tx) =>
      tx.run(
        `UNWIND $w AS w CREATE (:Watch {id: 'W-wm-' + w.eid, eid: w.eid, unitCode: w.unit, createdBy: 'fx_wm', purposeJson: '{}', createdAt: datetime(), active: true})`,
        {
          w: [
            { eid: a, unit: '620102' },
            { eid: b, unit: '620103' },
          ],
        },
      ),
    );

    const info = await t.pipeline.processBatch(
      stageRecords(t.pipeline.deps.stagingDir, 'hotel', [
        { ...base, record_id: 'WM-BRIDGE-C', passport_no: 'E93010001' },
      ]),
    );
    expect(info.merges).toBe(1);
    const survivor = await personOf('hotel:WM-BRIDGE-C');
    const bridged = () => messages.find((m) => m.rid === 'hotel:WM-BRIDGE-C');
    for (let i = 0; i < 100 && !bridged(); i++) await new Promise((r) => setTimeout(r, 50));
    expect(bridged()).toMatchObject({ eid: survivor, watchEids: [a, b].sort() });
  });
});
