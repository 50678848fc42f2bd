import { makeResidentId } from '@onemap/datasets';
import { Label } from '@onemap/graph-schema';
import { readTx } from '@onemap/graph-schema/server';
import { stageRecords } from '@onemap/resolver/intake';
import { describe, expect, it } from 'vitest';
import { hotelRecord } from '../helpers/hotel-records.ts';
import { REHEARSAL_ID } from '../../resolver/src/pipeline/rehearsal-chunk.ts';
import { openTestPipeline, useTestPipeline } from '../helpers/pipeline.ts';

const t = useTestPipeline();

async function personOf(rid: string): Promise<string> {
  return readTx(t.graph, async (tx) => {
    const r = await tx.run("MATCH (:SourceRecord {rid: $rid})-[:RESOLVED_TO {role: 'guest'}]->(p:Person) RETURN p.eid AS eid", { rid });
    return r.records[0]!.get('eid') as string;
  });
}

/** Follows redirects the way every lookup must: an old eid keeps answering. */
async function resolveEid(eid: string): Promise<string> {
  return readTx(t.graph, async (tx) => {
    const r = await tx.run(
      `OPTIONAL MATCH (e:Entity {eid: $eid})
       OPTIONAL MATCH (d:${Label.Redirect} {eid: $eid})
       RETURN coalesce(e.eid, d.to) AS eid`,
      { eid },
    );
    return r.records[0]!.get('eid') as string;
  });
}

describe('incremental resolution against the graph', () => {
  it('a bridging record merges two existing entities and the old eid resolves to the survivor', async () => {
    const base = hotelRecord(1, { guest_name: '马晓东', birth_date: '19800101', phone: '' });
    const byId = { ...base, record_id: 'BRIDGE-A' };
    const byPassport = { ...base, record_id: 'BRIDGE-B', id_number: '', id_type: '护照', passport_no: 'E12345678', guest_name: 'MA XIAODONG', nationality: 'CHN', birth_date: '19750505', sex: '男', address: '' };
    await t.pipeline.processBatch(stageRecords(t.pipeline.deps.stagingDir, 'hotel', [byId]));
    await t.pipeline.processBatch(stageRecords(t.pipeline.deps.stagingDir, 'hotel', [byPassport]));
    const a = await personOf('hotel:BRIDGE-A');
    const b = await personOf('hotel:BRIDGE-B');
    expect(a).not.toBe(b);

    const bridge = { ...base, record_id: 'BRIDGE-C', passport_no: 'E12345678' };
    const info = await t.pipeline.processBatch(stageRecords(t.pipeline.deps.stagingDir, 'hotel', [bridge]));
    expect(info.merges).toBe(1);
    const survivor = await personOf('hotel:BRIDGE-C');
    expect(await personOf('hotel:BRIDGE-A')).toBe(survivor);
    expect(await personOf('hotel:BRIDGE-B')).toBe(survivor);
    const gone = a === survivor ? b : a;
    expect(await resolveEid(gone)).toBe(survivor);
    const ids = await readTx(t.graph, async (tx) => {
      const r = await tx.run('MATCH (p:Person {eid: $eid})-[:HAS_IDENTIFIER]->(i) RETURN i.kind + ":" + i.value AS id ORDER BY id', { eid: survivor });
      return r.records.map((x) => x.get('id') as string);
    });
    expect(ids).toEqual(['passport:E12345678', `resident_id:${base.id_number}`]);
    const visits = await readTx(t.graph, async (tx) => {
      const r = await tx.run('MATCH (p:Person {eid: $eid})-[v:VISITED]->() RETURN count(v) AS n', { eid: survivor });
      return r.records[0]!.get('n') as number;
    });
    expect(visits).toBe(3);
  });

  it('two different valid resident IDs never end up in one person, even with the same name and birth date', async () => {
    const one = hotelRecord(500, { record_id: 'TWIN-1', guest_name: '王静', birth_date: '19900101', id_number: makeResidentId('620102', '19900101', 123) });
    const two = hotelRecord(501, { record_id: 'TWIN-2', guest_name: '王静', birth_date: '19900101', id_number: makeResidentId('620102', '19900101', 201), hotel_code: one.hotel_code as string });
    await t.pipeline.processBatch(stageRecords(t.pipeline.deps.stagingDir, 'hotel', [one, two]));
    expect(await personOf('hotel:TWIN-1')).not.toBe(await personOf('hotel:TWIN-2'));
  });
});

describe('merges written after the entities they point to', () => {
  it('a merge whose survivor is created in the same chunk loses no edge', async () => {
    const base = hotelRecord(700, { guest_name: '赵立新', birth_date: '19820303', phone: '', passport_no: 'G55500011' });
    // An existing person known only by passport (one record, one stay).
    const byPassport = { ...base, record_id: 'SAMECHUNK-A', id_number: '', id_type: '护照', guest_name: 'ZHAO LIXIN', nationality: 'CHN', birth_date: '19750505', sex: '男', address: '' };
    await t.pipeline.processBatch(stageRecords(t.pipeline.deps.stagingDir, 'hotel', [byPassport]));
    const old = await personOf('hotel:SAMECHUNK-A');

    // One chunk: a new person by resident id, then a record carrying both identifiers. The resident
    // id anchors first, so the survivor is the entity this very chunk creates.
    const byId = { ...base, record_id: 'SAMECHUNK-B', passport_no: '' };
    const bridge = { ...base, record_id: 'SAMECHUNK-C' };
    const info = await t.pipeline.processBatch(stageRecords(t.pipeline.deps.stagingDir, 'hotel', [byId, bridge]));
    expect(info.merges).toBe(1);
    const survivor = await personOf('hotel:SAMECHUNK-C');
    expect(survivor).not.toBe(old);
    expect(await personOf('hotel:SAMECHUNK-B')).toBe(survivor);
    // The old entity's own record, identifier and trace all moved to the survivor.
    expect(await personOf('hotel:SAMECHUNK-A')).toBe(survivor);
    expect(await resolveEid(old)).toBe(survivor);
    const facts = await readTx(t.graph, async (tx) => {
      const r = await tx.run(
        `MATCH (p:Person {eid: $eid})
         RETURN COUNT { (p)-[:VISITED]->() } AS visits, COUNT { (p)<-[:RESOLVED_TO]-() } AS records,
                [(p)-[:HAS_IDENTIFIER]->(i) | i.kind + ':' + i.value] AS ids`,
        { eid: survivor },
      );
      const x = r.records[0]!;
      return { visits: x.get('visits') as number, records: x.get('records') as number, ids: (x.get('ids') as string[]).sort() };
    });
    expect(facts).toEqual({ visits: 3, records: 3, ids: ['passport:G55500011', `resident_id:${base.id_number}`] });
    const orphans = await readTx(t.graph, async (tx) => {
      const r = await tx.run("MATCH (s:SourceRecord) WHERE s.rid STARTS WITH 'hotel:SAMECHUNK-' AND NOT (s)-[:RESOLVED_TO {role: 'guest'}]->() RETURN count(s) AS n");
      return r.records[0]!.get('n') as number;
    });
    expect(orphans).toBe(0);
  });

  it('a merge never duplicates an identifier edge (HAS_IDENTIFIER once per entity and identifier)', async () => {
    const base = hotelRecord(720, { guest_name: '钱文博', birth_date: '19850505', phone: '', passport_no: 'G66600022' });
    const byPassport = { ...base, record_id: 'DUPID-A', id_number: '', id_type: '护照', guest_name: 'QIAN WENBO', nationality: 'CHN', birth_date: '19750505', sex: '男', address: '' };
    const byId = { ...base, record_id: 'DUPID-B', passport_no: '' };
    await t.pipeline.processBatch(stageRecords(t.pipeline.deps.stagingDir, 'hotel', [byPassport]));
    await t.pipeline.processBatch(stageRecords(t.pipeline.deps.stagingDir, 'hotel', [byId]));
    // The bridge carries the passport the merged-away entity already holds: both sides point at it.
    await t.pipeline.processBatch(stageRecords(t.pipeline.deps.stagingDir, 'hotel', [{ ...base, record_id: 'DUPID-C' }]));
    const survivor = await personOf('hotel:DUPID-C');
    expect(await personOf('hotel:DUPID-A')).toBe(survivor);
    const dupes = await readTx(t.graph, async (tx) => {
      const r = await tx.run('MATCH (e:Entity)-[h:HAS_IDENTIFIER]->(i:Identifier) WITH e, i, count(h) AS n WHERE n > 1 RETURN count(*) AS pairs');
      return r.records[0]!.get('pairs') as number;
    });
    expect(dupes).toBe(0);
    const ids = await readTx(t.graph, async (tx) => {
      const r = await tx.run('MATCH (p:Person {eid: $eid})-[:HAS_IDENTIFIER]->(i) RETURN i.kind + ":" + i.value AS id ORDER BY id', { eid: survivor });
      return r.records.map((x) => x.get('id') as string);
    });
    expect(ids).toEqual(['passport:G66600022', `resident_id:${base.id_number}`]);
  });
});

describe('a worker new to the graph rehearses its write', () => {
  it('beside its first whole sync, rolled back: nothing of it stays, and a later batch does not rehearse again', async () => {
    const fresh = openTestPipeline();
    try {
      const first = hotelRecord(900, { record_id: 'REHEARSED-1' });
      await fresh.pipeline.processBatch(stageRecords(fresh.pipeline.deps.stagingDir, 'hotel', [first]));
      expect(fresh.pipeline.resolver.rehearsals).toBe(1);
      await fresh.pipeline.processBatch(stageRecords(fresh.pipeline.deps.stagingDir, 'hotel', [hotelRecord(901, { record_id: 'REHEARSED-2' })]));
      expect(fresh.pipeline.resolver.rehearsals).toBe(1);
      const left = await readTx(t.graph, async (tx) => {
        const r = await tx.run(
          `OPTIONAL MATCH (e:Entity) WHERE e.eid STARTS WITH $p WITH count(e) AS entities
           OPTIONAL MATCH (r:SourceRecord) WHERE r.recordId STARTS WITH $p WITH entities, count(r) AS records
           OPTIONAL MATCH (d:${Label.Redirect}) WHERE d.eid STARTS WITH $p OR d.to STARTS WITH $p
           RETURN entities, records, count(d) AS redirects`,
          { p: REHEARSAL_ID },
        );
        const x = r.records[0]!;
        return { entities: Number(x.get('entities')), records: Number(x.get('records')), redirects: Number(x.get('redirects')) };
      });
      expect(left).toEqual({ entities: 0, records: 0, redirects: 0 });
      // the batches themselves were written
      expect(await personOf('hotel:REHEARSED-1')).toMatch(/./);
    } finally {
      await fresh.close();
    }
  });
});
