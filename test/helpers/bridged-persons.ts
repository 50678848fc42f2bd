import { readTx } from '@onemap/graph-schema/server';
import { stageRecords } from '@onemap/resolver/intake';
import { expect } from 'vitest';
import { hotelRecord } from './hotel-records.ts';
import type { openTestPipeline } from './pipeline.ts';

/** The person a hotel record's guest resolved to. */
export async function guestOf(t: ReturnType<typeof openTestPipeline>, rid: string): Promise<string> {
  return readTx(t.graph, async (tx) => {
    const r = await tx.run("MATCH (:SourceRecord {rid: $rid})-[:RESOLVED_TO {role: 'guest'}]->(p:Person) RETURN p.eid AS eid", { rid });
    return r.records[0]?.get('eid') as string;
  });
}

/**
 * Two persons the pipeline keeps apart — one hotel stay by resident ID, one by passport under the
 * name's Latin spelling and another birth date — written through the pipeline; `bridge(over)` is
 * the stay that names both identifiers, which makes the pipeline merge them (processing it is the
 * caller's). For the tests of what follows an entity through the pipeline's merge.
 * @param prefix record ids `<prefix>-BRIDGE-A|B|C`
 */
export async function twoPersonsToBridge(
  t: ReturnType<typeof openTestPipeline>,
  o: { n: number; prefix: string; han: string; latin: string; passport: string; births: [string, string] },
) {
  const base = hotelRecord(o.n, { guest_name: o.han, birth_date: o.births[0], phone: '' });
  const byPassport = {
    ...base,
    record_id: `${o.prefix}-BRIDGE-B`,
    id_number: '',
    id_type: '护照',
    passport_no: o.passport,
    guest_name: o.latin,
    nationality: 'CHN',
    birth_date: o.births[1],
    sex: '男',
    address: '',
  };
  await t.pipeline.processBatch(stageRecords(t.pipeline.deps.stagingDir, 'hotel', [{ ...base, record_id: `${o.prefix}-BRIDGE-A` }]));
  await t.pipeline.processBatch(stageRecords(t.pipeline.deps.stagingDir, 'hotel', [byPassport]));
  const a = await guestOf(t, `hotel:${o.prefix}-BRIDGE-A`);
  const b = await guestOf(t, `hotel:${o.prefix}-BRIDGE-B`);
  expect(a).not.toBe(b);
  return {
    a,
    b,
    bridgeRid: `hotel:${o.prefix}-BRIDGE-C`,
    bridge: (over: Record<string, string | number> = {}) => ({ ...base, record_id: `${o.prefix}-BRIDGE-C`, passport_no: o.passport, ...over }),
  };
}
