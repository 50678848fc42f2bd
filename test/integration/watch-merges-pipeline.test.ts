/**
 * The pipeline's own merge (a bridging record joins two persons) keeps the watch made on the
 * merged-away eid: the survivor's events are published for it and name it (`watchEids`, what the
 * server's stream routes by). Regression: the publisher looked watches up by the event's eid only.
 */

import { writeTx } from '@onemap/graph-schema/server';
import { stageRecords } from '@onemap/resolver/intake';
import { EVENTS_CHANNEL } from '@onemap/resolver/pipeline';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEnv } from '../helpers/env.ts';
import { guestOf, twoPersonsToBridge } from '../helpers/bridged-persons.ts';
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

describe("the pipeline's merge", () => {
  it("publishes the survivor's events for the watch made on the merged-away eid", async () => {
    const { a, b, bridge, bridgeRid } = await twoPersonsToBridge(t, {
      n: 9301,
      prefix: 'WM',
      han: '韩监控',
      latin: 'HAN JIANKONG',
      passport: 'E93010001',
      births: ['19810707', '19760606'],
    });
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
        bridge(),
      ]),
    );
    expect(info.merges).toBe(1);
    const survivor = await guestOf(t, bridgeRid);
    const bridged = () => messages.find((m) => m.rid === bridgeRid);
    for (let i = 0; i < 100 && !bridged(); i++) await new Promise((r) => setTimeout(r, 50));
    expect(bridged()).toMatchObject({ eid: survivor, watchEids: [a, b].sort() });
  });
});
