import { readBatch, stageRecords } from '@onemap/resolver/intake';
import { SharedResolveLock, withResolveLock } from '@onemap/resolver/pipeline';
import { describe, expect, it } from 'vitest';
import { hotelRecord } from '../helpers/hotel-records.ts';
import { queryRows, stagedGroup, useTestPipeline } from '../helpers/pipeline.ts';

/**
 * The resolve leader pipelines its groups: group N+1 is resolved while group N's write commits
 * (`GraphResolver.prepareGroup` / `writeGroup`). Groups are written in order; a failed write refuses
 * every group resolved before the failure (they were resolved against decisions never committed),
 * and their retry writes each record once.
 */
const t = useTestPipeline();

const q = <T = Record<string, unknown>>(cypher: string, params: Record<string, unknown> = {}) => queryRows<T>(t, cypher, params);
const group = (rows: Record<string, string | number>[]) => stagedGroup(t, 'hotel', rows);
/** Each record's facts: its source records, RESOLVED_TO per role, VISITED edges, and the guest's entity. */
async function factsOf(recordIds: string[]) {
  return q<{ id: string; records: number; roles: string[]; visits: number; guest: string | null }>(
    `UNWIND $ids AS id
     OPTIONAL MATCH (r:SourceRecord {rid: 'hotel:' + id})
     OPTIONAL MATCH (r)-[x:RESOLVED_TO]->()
     WITH id, count(DISTINCT r) AS records, collect(x.role) AS roles
     OPTIONAL MATCH ()-[v:VISITED {rid: 'hotel:' + id}]->()
     WITH id, records, roles, count(v) AS visits
     OPTIONAL MATCH (:SourceRecord {rid: 'hotel:' + id})-[:RESOLVED_TO {role: 'guest'}]->(p:Person)
     RETURN id, records, roles, visits, p.eid AS guest ORDER BY id`,
    { ids: recordIds },
  );
}
const noop = () => async () => {};

describe('pipelined group commits of the resolve leader', () => {
  it('group N+1, resolved before N is written, joins the guest N creates; written in order, one entity', async () => {
    const first = hotelRecord(8001);
    const again = hotelRecord(8001, { record_id: 'T-HOTEL-R8001', room_no: '901' });
    const resolver = t.pipeline.resolver;
    const n = await resolver.prepareGroup([group([first])]);
    const n1 = await resolver.prepareGroup([group([again])]); // while N is not written yet
    await resolver.writeGroup(n, noop);
    const [stats] = await resolver.writeGroup(n1, noop);
    expect(stats).toMatchObject({ written: 1, updated: 0 });
    const facts = await factsOf([String(first.record_id), String(again.record_id)]);
    expect(facts.map((f) => [f.records, f.roles.sort(), f.visits])).toEqual([
      [1, ['guest', 'hotel'], 1],
      [1, ['guest', 'hotel'], 1],
    ]);
    expect(facts[0]!.guest).toBe(facts[1]!.guest);
    // N+1 wrote the guest N created as an existing entity (no second node with its eid)
    expect(await q('MATCH (e:Entity {eid: $e}) RETURN count(e) AS n', { e: facts[0]!.guest })).toEqual([{ n: 1 }]);
  });

  it('a failed write of group N refuses group N+1 resolved during it; the retry writes both once', async () => {
    const resolver = t.pipeline.resolver;
    const rowsN = [hotelRecord(8101), hotelRecord(8102), hotelRecord(8103)];
    const rowsN1 = [hotelRecord(8104), hotelRecord(8101, { record_id: 'T-HOTEL-R8101', room_no: '902' })];
    const itemsN = [group(rowsN)];
    const itemsN1 = [group(rowsN1)];
    const n = await resolver.prepareGroup(itemsN);
    const n1 = await resolver.prepareGroup(itemsN1);
    await expect(
      resolver.writeGroup(n, () => async () => {
        throw new Error('the commit of group N fails');
      }),
    ).rejects.toThrow('group N fails');
    await expect(resolver.writeGroup(n1, noop)).rejects.toThrow(/earlier group/);
    const ids = [...rowsN, ...rowsN1].map((r) => String(r.record_id));
    expect((await factsOf(ids)).map((f) => f.records)).toEqual(ids.map(() => 0));

    // BullMQ retries both groups, in order, against an index rebuilt from the graph
    const statsN = await resolver.processGroup(itemsN, noop);
    const statsN1 = await resolver.processGroup(itemsN1, noop);
    expect([statsN[0]!.written, statsN1[0]!.written]).toEqual([3, 2]);
    const facts = await factsOf(ids);
    expect(facts.map((f) => [f.id, f.records, f.roles.sort(), f.visits])).toEqual(
      [...ids].sort().map((id) => [id, 1, ['guest', 'hotel'], 1]),
    );
    const guest = new Map(facts.map((f) => [f.id, f.guest]));
    expect(guest.get('T-HOTEL-R8101')).toBe(guest.get('T-HOTEL-008101'));
    expect(await q('MATCH (e:Person {eid: $e}) RETURN count(e) AS n', { e: guest.get('T-HOTEL-008101') })).toEqual([
      { n: 1 },
    ]);
  });

  it("group N's write goes on while the leader resolves group N+1 on the same thread (the resolve yields)", async () => {
    // Regression: a resolve that never let the event loop turn held every statement of N's
    // transaction until N+1 was resolved, so the two halves of the pipeline ran in turn.
    const resolver = t.pipeline.resolver;
    const n = await resolver.prepareGroup([group([hotelRecord(8600)])]);
    const order: string[] = [];
    const writeN = resolver.writeGroup(n, noop).then(() => void order.push('N written'));
    const big = Array.from({ length: 1500 }, (_, i) => hotelRecord(9000 + i));
    const n1 = await resolver.prepareGroup([group(big)]);
    order.push('N+1 resolved');
    await writeN;
    expect(order).toEqual(['N written', 'N+1 resolved']);
    const [stats] = await resolver.writeGroup(n1, noop);
    expect(stats).toMatchObject({ written: 1500 });
    expect(await q("MATCH (r:SourceRecord) WHERE r.rid STARTS WITH 'hotel:T-HOTEL-0' AND r.recordId >= 'T-HOTEL-009000' RETURN count(r) AS n")).toEqual([{ n: 1500 }]);
  });

  it('pushes through the leader: every group written once, in order, and the resolve lock released after the last', async () => {
    const rows = Array.from({ length: 40 }, (_, i) =>
      hotelRecord(8200 + (i % 25), { record_id: `T-HOTEL-P${8200 + i}` }),
    );
    const entry = t.pipeline.entry('hotel');
    const jobs = Array.from({ length: 20 }, (_, i) => {
      const batch = stageRecords(t.pipeline.deps.stagingDir, 'hotel', rows.slice(2 * i, 2 * i + 2));
      return { batch, read: readBatch(batch, entry) };
    });
    expect(t.pipeline.busy).toBe(false);
    const pushed = jobs.map((j) => t.pipeline.realtime.resolvePush(j));
    // pushes in hand: the process is busy (a server's idle reads wait) until the last is answered
    expect(t.pipeline.busy).toBe(true);
    const done = await Promise.all(pushed);
    expect(t.pipeline.busy).toBe(false);
    expect(done.map((b) => b.status)).toEqual(jobs.map(() => 'done'));
    const facts = await factsOf(rows.map((r) => String(r.record_id)));
    expect(facts.map((f) => [f.records, f.roles.length, f.visits])).toEqual(rows.map(() => [1, 2, 1]));
    // the same guest pushed twice (i and i + 25) is one person
    const guest = new Map(facts.map((f) => [f.id, f.guest]));
    expect(guest.get('T-HOTEL-P8200')).toBe(guest.get('T-HOTEL-P8225'));
    // records carry the pipeline sequence of their group, increasing in push order
    const seqs = await q<{ id: string; seq: number }>(
      `MATCH (r:SourceRecord) WHERE r.rid STARTS WITH 'hotel:T-HOTEL-P' RETURN r.recordId AS id, r.seq AS seq`,
    );
    const seqOf = new Map(seqs.map((s) => [s.id, Number(s.seq)]));
    const inPushOrder = rows.map((r) => seqOf.get(String(r.record_id))!);
    expect(inPushOrder).toEqual([...inPushOrder].sort((a, b) => a - b));
    await expect.poll(() => t.redis.get('onemap:resolve-lock')).toBeNull();
  });

  it("the leader's shared resolve lock: overlapping uses hold it once; while another worker waits for it, a new use lets that worker in first", async () => {
    const key = 'onemap:test-shared-lock';
    const lock = new SharedResolveLock(t.redis, { key, ttlMs: 5_000 });
    await lock.acquire();
    const held = await t.redis.get(key);
    await lock.acquire(); // overlapping use, nobody waiting: the same holding
    expect(await t.redis.get(key)).toBe(held);
    lock.release();
    // a file batch of another worker waits for the lock
    const order: string[] = [];
    const file = withResolveLock(
      t.redis,
      async () => {
        order.push('file');
        await new Promise((r) => setTimeout(r, 50));
      },
      { key, ttlMs: 5_000 },
    );
    await expect.poll(() => t.redis.exists(`${key}:wanted`)).toBe(1);
    // the next use does not join the holding: it waits for its release and the file batch's turn
    const next = lock.acquire().then(() => void order.push('leader'));
    await new Promise((r) => setTimeout(r, 30));
    expect(order).toEqual([]);
    lock.release();
    await Promise.all([file, next]);
    expect(order).toEqual(['file', 'leader']);
    expect(await t.redis.get(key)).not.toBe(held);
    expect(await t.redis.exists(`${key}:wanted`)).toBe(0);
    lock.release();
    await expect.poll(() => t.redis.get(key)).toBeNull();
  });
});
