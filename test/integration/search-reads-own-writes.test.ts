/**
 * The full-text indexes are updated after each commit, not inside it (migration V059,
 * `fulltext.eventually_consistent`): a write transaction that adds or renames a person no longer
 * pays Lucene's refresh in its commit. Search must still find what was written before it began:
 * each full-text query waits for the updates already committed. Without that wait a search made
 * right after a write missed the new person every time (5 of 5 on 2 cores, 2026-12-04).
 * The same holds for every index Lucene keeps: no TEXT index (an ID's last digits are a prefix
 * seek on `Identifier.valueReversed`, V060). Own ids: `T-HOTEL-0082xx` records, `P-ROW-*` entities.
 */
import { readTx, writeTx } from '@onemap/graph-schema/server';
import { stageRecords } from '@onemap/resolver/intake';
import { describe, expect, it } from 'vitest';
import { searchCandidates } from '../../server/src/repositories/entities.ts';
import { hotelRecord } from '../helpers/hotel-records.ts';
import { useTestPipeline } from '../helpers/pipeline.ts';

const t = useTestPipeline();

describe('search reads its own writes through eventually consistent full-text indexes', () => {
  it('no index is maintained by Lucene inside a write commit: no TEXT index, every FULLTEXT one eventually consistent', async () => {
    // A TEXT index on Identifier.value (V035, dropped by V060) cost every write creating an
    // identifier ~5 ms of commit: at 500 pushed records/s, half of Neo4j's CPU.
    const rows = await readTx(t.graph, async (tx) =>
      (
        await tx.run(
          "SHOW INDEXES YIELD name, type, options WHERE type IN ['TEXT', 'FULLTEXT'] RETURN name, type, coalesce(options.indexConfig.`fulltext.eventually_consistent`, false) AS ec",
        )
      ).records.map((r) => r.toObject()),
    );
    expect(rows.filter((r) => r.type === 'TEXT' || r.ec !== true)).toEqual([]);
  });

  it('both full-text indexes are eventually consistent', async () => {
    const rows = await readTx(t.graph, async (tx) =>
      (
        await tx.run(
          "SHOW INDEXES YIELD name, type, options WHERE type = 'FULLTEXT' RETURN name, options.indexConfig.`fulltext.eventually_consistent` AS ec ORDER BY name",
        )
      ).records.map((r) => r.toObject()),
    );
    expect(rows).toEqual([
      { name: 'entity_pinyin', ec: true },
      { name: 'entity_search', ec: true },
    ]);
  });

  it('a person written and renamed is found by the very next search, every time', async () => {
    for (let i = 0; i < 20; i++) {
      const eid = `P-ROW-${i}`;
      const name = `zzrow${Date.now().toString(36)}x${i}`;
      await writeTx(t.graph, (tx) =>
        tx.run('CREATE (p:Entity:Person {eid: $eid, name: $name, searchText: $name, inSources: ["hotel"]})', {
          eid,
          name,
        }),
      );
      expect(
        (await searchCandidates(t.graph, `name:${name}`, ['Person'], ['hotel'], 10)).map((c) => c.eid),
        `search right after writing ${eid}`,
      ).toEqual([eid]);
      const renamed = `${name}y`;
      await writeTx(t.graph, (tx) =>
        tx.run('MATCH (p:Person {eid: $eid}) SET p.name = $renamed, p.searchText = $renamed', { eid, renamed }),
      );
      expect((await searchCandidates(t.graph, `name:${renamed}`, ['Person'], ['hotel'], 10)).map((c) => c.eid)).toEqual(
        [eid],
      );
      expect(await searchCandidates(t.graph, `name:${name}`, ['Person'], ['hotel'], 10)).toEqual([]);
    }
  });

  it('a guest the pipeline writes is found by the next search', async () => {
    for (let i = 0; i < 5; i++) {
      const row = hotelRecord(8201 + i);
      expect((await t.pipeline.processBatch(stageRecords(t.pipeline.deps.stagingDir, 'hotel', [row]))).written).toBe(1);
      const [p] = await readTx(t.graph, async (tx) =>
        (
          await tx.run(
            'MATCH (:SourceRecord {rid: $rid})-[:RESOLVED_TO]->(p:Person) RETURN p.eid AS eid, p.name AS name',
            {
              rid: `hotel:${row.record_id}`,
            },
          )
        ).records.map((r) => r.toObject()),
      );
      expect(p, 'the guest was written').toBeDefined();
      expect(
        (await searchCandidates(t.graph, `name:"${p!.name}"`, ['Person'], ['hotel'], 50)).map((c) => c.eid),
      ).toContain(p!.eid);
    }
  });
});
