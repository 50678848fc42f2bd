import { readTx } from '@onemap/graph-schema/server';
import { readBatch, stageRecords } from '@onemap/resolver/intake';
import { finishPendingCoTravel, parseCoTravelMarks, takePendingCoTravel } from '../../resolver/src/derive/derive-queue.ts';
import { describe, expect, it } from 'vitest';
import { hotelRecord } from '../helpers/hotel-records.ts';
import { useTestPipeline } from '../helpers/pipeline.ts';

/**
 * A corrected re-delivery (the same record id with other content) is resolved again from its new
 * values, and the facts its earlier version wrote are replaced, not kept beside the new ones.
 */
const t = useTestPipeline();

const rid = (i: number) => `hotel:T-HOTEL-${String(i).padStart(6, '0')}`;
const deliver = (rows: Record<string, string | number>[]) => t.pipeline.processBatch(stageRecords(t.pipeline.deps.stagingDir, 'hotel', rows));
/** The guest fields of another synthetic row: a correction that says the guest was someone else. */
const guestOf = (r: Record<string, string | number>) => ({ guest_name: r.guest_name!, sex: r.sex!, birth_date: r.birth_date!, id_number: r.id_number!, address: r.address! });
const hotelOf = (r: Record<string, string | number>) => ({ hotel_code: r.hotel_code!, hotel_name: r.hotel_name!, hotel_address: r.hotel_address!, hotel_lon: r.hotel_lon!, hotel_lat: r.hotel_lat! });

async function q<T = Record<string, unknown>>(cypher: string, params: Record<string, unknown> = {}): Promise<T[]> {
  return readTx(t.graph, async (tx) => (await tx.run(cypher, params)).records.map((r) => r.toObject() as T));
}
const personOf = async (r: string) => (await q<{ eid: string }>('MATCH (:SourceRecord {rid: $r})-[:RESOLVED_TO]->(p:Person) RETURN p.eid AS eid', { r })).map((x) => x.eid);
const placeOf = async (r: string) => (await q<{ eid: string }>('MATCH (:SourceRecord {rid: $r})-[:RESOLVED_TO]->(p:Place) RETURN p.eid AS eid', { r })).map((x) => x.eid);
const visitsOf = (r: string) => q<{ s: string; p: string }>('MATCH (s:Entity)-[v:VISITED {rid: $r}]->(p:Place) RETURN s.eid AS s, p.eid AS p', { r });

describe('a corrected re-delivery is resolved again and replaces what its earlier version wrote', () => {
  it('naming another guest moves the stay to that person; the emptied person continues in it', async () => {
    const a = hotelRecord(7001);
    const b = hotelRecord(7002);
    expect((await deliver([a, b])).written).toBe(2);
    const [pa] = await personOf(rid(7001));
    const [pb] = await personOf(rid(7002));
    expect(pa && pb && pa !== pb).toBe(true);

    const info = await deliver([{ ...a, ...guestOf(b) }]);
    expect(info.updated).toBe(1);
    expect(await personOf(rid(7001))).toEqual([pb]);
    expect(await q('MATCH (e:Entity {eid: $pa}) RETURN e', { pa })).toEqual([]);
    expect(await q<{ to: string }>('MATCH (r:EidRedirect {eid: $pa}) RETURN r.to AS to', { pa })).toEqual([{ to: pb }]);
    // one stay, now the right person's; A's id number is linked to no one any more
    expect(await visitsOf(rid(7001))).toEqual([{ s: pb, p: (await placeOf(rid(7001)))[0] }]);
    expect(await q('MATCH (:Entity)-[h:HAS_IDENTIFIER]->(:Identifier {value: $v}) RETURN h', { v: a.id_number })).toEqual([]);
    expect(await q('MATCH (:SourceRecord {rid: $r})-[x:RESOLVED_TO]->() RETURN x', { r: rid(7001) })).toHaveLength(2);
  });

  it('a corrected hotel moves the visit to the right place and leaves no visit at the old one', async () => {
    const c = hotelRecord(7003);
    const elsewhere = hotelRecord(7040); // another hotel of the generator (7040 % 50 = 40)
    await deliver([c, hotelRecord(7053)]); // 7053 stays at c's hotel (7053 % 50 = 3), so that place keeps a record
    const [person] = await personOf(rid(7003));
    const [oldPlace] = await placeOf(rid(7003));
    expect((await visitsOf(rid(7003))).map((v) => v.p)).toEqual([oldPlace]);

    expect((await deliver([{ ...c, ...hotelOf(elsewhere) }])).updated).toBe(1);
    const [newPlace] = await placeOf(rid(7003));
    expect(newPlace).not.toBe(oldPlace);
    expect(await personOf(rid(7003))).toEqual([person]);
    expect(await visitsOf(rid(7003))).toEqual([{ s: person, p: newPlace }]);
    // the old hotel keeps its other guest and the sources it is still seen in
    expect(await q<{ n: number }>('MATCH (p:Place {eid: $e})<-[v:VISITED]-() RETURN count(v) AS n', { e: oldPlace })).toEqual([{ n: 1 }]);
    expect(await q<{ s: string[] }>('MATCH (p:Place {eid: $e}) RETURN p.inSources AS s', { e: oldPlace })).toEqual([{ s: ['hotel'] }]);
  });

  it('a stay corrected to a new guest splits off; the first person keeps its other stays and values', async () => {
    const first = hotelRecord(7005);
    const second = { ...hotelRecord(7006), ...guestOf(first) };
    await deliver([first, second]);
    const [p] = await personOf(rid(7005));
    expect(await personOf(rid(7006))).toEqual([p]);
    const nameBefore = await q('MATCH (e:Person {eid: $p}) RETURN e.name AS name, e.inSources AS s', { p });

    const someoneElse = hotelRecord(7106);
    expect((await deliver([{ ...second, ...guestOf(someoneElse) }])).updated).toBe(1);
    const [split] = await personOf(rid(7006));
    expect(split).toBeDefined();
    expect(split).not.toBe(p);
    expect(await personOf(rid(7005))).toEqual([p]);
    expect((await visitsOf(rid(7006))).map((v) => v.s)).toEqual([split]);
    expect(await q<{ n: number }>('MATCH (e:Person {eid: $p})-[v:VISITED]->() RETURN count(v) AS n', { p })).toEqual([{ n: 1 }]);
    expect(await q('MATCH (e:Person {eid: $p}) RETURN e.name AS name, e.inSources AS s', { p })).toEqual(nameBefore);
    expect(await q<{ v: string }>('MATCH (:Person {eid: $e})-[:HAS_IDENTIFIER]->(i:Identifier) RETURN i.value AS v', { e: split })).toEqual([{ v: someoneElse.id_number }]);
  });

  it('the person a correction took a sighting from has its co-travel derived again, not only the new guest', async () => {
    const first = hotelRecord(7205);
    const second = { ...hotelRecord(7206), ...guestOf(first) };
    await deliver([first, second]);
    const [p] = await personOf(rid(7205));
    // what earlier deliveries marked, taken and finished
    await takePendingCoTravel(t.pipeline.deps.redis, 'test-drain', 100_000);
    await finishPendingCoTravel(t.pipeline.deps.redis, 'test-drain');
    const someoneElse = hotelRecord(7306);
    expect((await deliver([{ ...second, ...guestOf(someoneElse) }])).updated).toBe(1);
    const [split] = await personOf(rid(7206));
    expect(split).not.toBe(p);
    // p lost the stay of 7206: a CO_TRAVELED edge built on it must be recomputed, so p is marked
    // whole (not by a sighting: it has no new one); the new guest too
    const pending = parseCoTravelMarks(await takePendingCoTravel(t.pipeline.deps.redis, 'test-check', 100_000));
    await finishPendingCoTravel(t.pipeline.deps.redis, 'test-check');
    expect(pending.persons).toContain(p);
    expect([...pending.persons, ...pending.sightings.map((x) => x.eid)]).toContain(split);
  });

  it('the same correction delivered again changes nothing', async () => {
    const facts = async () => ({ person: await personOf(rid(7001)), place: await placeOf(rid(7001)), visits: await visitsOf(rid(7001)) });
    const before = await facts();
    // with another record, so that the delivery is not the earlier one's bytes (a duplicate delivery)
    const info = await deliver([{ ...hotelRecord(7001), ...guestOf(hotelRecord(7002)) }, hotelRecord(7009)]);
    expect(info).toMatchObject({ unchanged: 1, updated: 0, written: 1 });
    expect(await facts()).toEqual(before);
  });

  it('a record corrected by a later push of the same group transaction writes only its last version', async () => {
    const r = hotelRecord(7007);
    const moved = { ...r, ...hotelOf(hotelRecord(7041)) };
    const entry = t.pipeline.entry('hotel');
    const items = [[r], [moved]].map((rows) => {
      const batch = stageRecords(t.pipeline.deps.stagingDir, 'hotel', rows);
      return { batch, records: readBatch(batch, entry).records };
    });
    const stats = await t.pipeline.resolver.processGroup(items, () => async () => {});
    expect(stats.map((s) => [s.written, s.updated])).toEqual([[1, 0], [0, 1]]);
    const places = await placeOf(rid(7007));
    expect(places).toHaveLength(1);
    expect(await q('MATCH (p:Place {eid: $e}) RETURN p.placeCode AS code, p.name AS name', { e: places[0] })).toEqual([
      { code: moved.hotel_code, name: moved.hotel_name },
    ]);
    expect((await visitsOf(rid(7007))).map((v) => v.p)).toEqual(places);
    expect(await q('MATCH (r:SourceRecord {rid: $r}) RETURN r.hash AS h', { r: rid(7007) })).toEqual([{ h: items[1]!.records[0]!.hash }]);
  });
});
