import { RECORD_RELATION_TYPES } from '@onemap/graph-schema';
import fs from 'node:fs';
import path from 'node:path';
import { MIGRATIONS_DIR, readTx, splitStatements, writeTx } from '@onemap/graph-schema/server';
import { stageRecords } from '@onemap/resolver/intake';
import { describe, expect, it } from 'vitest';
import { clearGraph } from '../helpers/graph.ts';
import { hotelRecord } from '../helpers/hotel-records.ts';
import { openTestPipeline } from '../helpers/pipeline.ts';

/**
 * A link that several records state (one HAS_IDENTIFIER per entity and identifier, one relation
 * per pair and source) is taken away by a corrected re-delivery only when no other record states
 * it any more: the graph after a correction is the graph a fresh load of the final versions writes.
 */
type Row = Record<string, string | number>;
const rid = (r: Row) => `hotel:${r.record_id}`;

/** The links of the person record `of` resolved to, by identifier value and relation end (not eid). */
async function linksOf(t: ReturnType<typeof openTestPipeline>, of: string) {
  return readTx(t.graph, async (tx) => {
    const ids = await tx.run(
      `MATCH (:SourceRecord {rid: $of})-[:RESOLVED_TO]->(p:Person)-[h:HAS_IDENTIFIER]->(i:Identifier)
       RETURN i.kind + ':' + i.value AS id, h.source AS source, h.rid AS rid, h.rids AS rids ORDER BY id, rid`,
      { of },
    );
    const rels = await tx.run(
      `MATCH (:SourceRecord {rid: $of})-[:RESOLVED_TO]->(p:Person)-[y]-(o:Entity) WHERE type(y) IN $types
       RETURN type(y) + ' ' + coalesce(o.name, o.eid) AS rel, y.source AS source, y.rid AS rid, y.rids AS rids ORDER BY rel, rid`,
      { of, types: [...RECORD_RELATION_TYPES] },
    );
    return { ids: ids.records.map((r) => r.toObject()), relations: rels.records.map((r) => r.toObject()) };
  });
}

/**
 * Delivers each list as one hotel batch, on an empty graph and a fresh pipeline; returns the links
 * of `of`'s person. `between` runs on the graph after the first delivery.
 */
async function deliverFresh(
  steps: Row[][],
  of: string,
  between?: (t: ReturnType<typeof openTestPipeline>) => Promise<void>,
) {
  const t = openTestPipeline();
  try {
    await clearGraph(t.graph);
    await t.redis.flushdb();
    for (const [n, rows] of steps.entries()) {
      await t.pipeline.processBatch(stageRecords(t.pipeline.deps.stagingDir, 'hotel', rows));
      if (n === 0) await between?.(t);
    }
    return await linksOf(t, of);
  } finally {
    await t.close();
  }
}

describe('a corrected re-delivery keeps the links other records still state', () => {
  const phone = '13912345678';
  const a = hotelRecord(7501, { phone });
  // another stay of the same guest (same id number and phone) at another hotel
  const b = {
    ...hotelRecord(7502),
    guest_name: a.guest_name!,
    sex: a.sex!,
    birth_date: a.birth_date!,
    id_number: a.id_number!,
    address: a.address!,
    phone,
  };

  it('correcting the record that made the id and phone links (another room) keeps them, stamped by a record that states them', async () => {
    const corrected = { ...a, room_no: '999' };
    const links = await deliverFresh([[a, b], [corrected]], rid(b));
    const id = links.ids.filter((x) => x.id === `resident_id:${a.id_number}`);
    expect(id).toHaveLength(1);
    expect(id[0]!.rid).toBe(rid(b));
    expect(links.relations.filter((r) => String(r.rel).startsWith('HAS_PHONE'))).toHaveLength(1);
    expect(links.relations.every((r) => r.rid === rid(b))).toBe(true);
    // what a load of the final versions writes: b, then the corrected a (its later delivery)
    expect(links).toEqual(await deliverFresh([[b], [corrected]], rid(b)));
  });

  it('a correction that drops the phone takes away only its own share of the phone link', async () => {
    const corrected = { ...a, phone: '' };
    const links = await deliverFresh([[a, b], [corrected]], rid(b));
    const has = links.relations.filter((r) => String(r.rel).startsWith('HAS_PHONE'));
    expect(has).toHaveLength(1);
    expect(has[0]).toMatchObject({ rid: rid(b) });
    expect(links.ids.filter((x) => x.id === `resident_id:${a.id_number}`)).toHaveLength(1);
    expect(links).toEqual(await deliverFresh([[b], [corrected]], rid(b)));
  });

  it('a correction that names another guest leaves the first guest its id link from the other stay', async () => {
    const corrected = {
      ...a,
      ...{
        guest_name: '测试另人',
        id_number: hotelRecord(7777).id_number!,
        birth_date: hotelRecord(7777).birth_date!,
        address: '甘肃省兰州市城关区别处1号',
      },
    };
    const links = await deliverFresh([[a, b], [corrected]], rid(b));
    const id = links.ids.filter((x) => x.id === `resident_id:${a.id_number}`);
    expect(id).toHaveLength(1);
    expect(id[0]!.rid).toBe(rid(b));
    expect(links).toEqual(await deliverFresh([[b], [corrected]], rid(b)));
  });

  it('a graph written before identifier edges listed their records: migration V048 lists them, and the correction keeps the link', async () => {
    const corrected = { ...a, room_no: '998' };
    const links = await deliverFresh([[a, b], [corrected]], rid(b), async (t) => {
      await writeTx(t.graph, (tx) => tx.run('MATCH ()-[h:HAS_IDENTIFIER]->() REMOVE h.rids'));
      const text = fs.readFileSync(path.join(MIGRATIONS_DIR, 'V048__identifier_edge_rids.cypher'), 'utf8');
      const session = t.graph.driver.session({ database: t.graph.database });
      try {
        for (const statement of splitStatements(text)) await session.run(statement);
      } finally {
        await session.close();
      }
      const id = (await linksOf(t, rid(b))).ids.filter((x) => x.id === `resident_id:${a.id_number}`);
      expect(id).toEqual([{ id: `resident_id:${a.id_number}`, source: 'hotel', rid: rid(a), rids: [rid(a), rid(b)] }]);
    });
    const id = links.ids.filter((x) => x.id === `resident_id:${a.id_number}`);
    expect(id).toEqual([{ id: `resident_id:${a.id_number}`, source: 'hotel', rid: rid(b), rids: [rid(b), rid(a)] }]);
    expect(links).toEqual(await deliverFresh([[b], [corrected]], rid(b)));
  });
});
