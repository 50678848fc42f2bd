import { pinyinInitials } from '@onemap/resolver/standardize';
import { readTx } from '@onemap/graph-schema/server';
import { stageRecords } from '@onemap/resolver/intake';
import { describe, expect, it } from 'vitest';
import { searchCandidates } from '../../server/src/repositories/entities.ts';
import { hotelRecord } from '../helpers/hotel-records.ts';
import { useTestPipeline } from '../helpers/pipeline.ts';

/**
 * A person the pipeline writes carries its Pinyin apart from its names and identifiers
 * (`pinyinKeys`, `pinyinInitials`, index `entity_pinyin`: docs/api.md "Pinyin indexed apart"), where
 * the server's search looks for initials and full Pinyin — and no longer in `searchText`, where a
 * Pinyin word would count as a possible exact match and keep a Pinyin search from stopping early.
 */
const t = useTestPipeline();

describe('the pipeline writes a person Pinyin where search looks for it', () => {
  it('initials and joined Pinyin are found through entity_pinyin, not entity_search', async () => {
    const row = hotelRecord(8101);
    expect((await t.pipeline.processBatch(stageRecords(t.pipeline.deps.stagingDir, 'hotel', [row]))).written).toBe(1);
    const [p] = await readTx(t.graph, async (tx) =>
      (await tx.run("MATCH (:SourceRecord {rid: 'hotel:T-HOTEL-008101'})-[:RESOLVED_TO]->(p:Person) RETURN p.eid AS eid, p.name AS name, p.namePinyin AS py, p.searchText AS st, p.pinyinKeys AS keys")).records.map((r) => r.toObject()),
    );
    expect(p, 'the guest was written').toBeDefined();
    const joined = String(p!.py).replace(/\s/g, '');
    const initials = pinyinInitials(String(p!.name));
    expect(initials.length).toBeGreaterThanOrEqual(2);
    await readTx(t.graph, (tx) => tx.run('CALL db.awaitIndexes(60)'));
    const vs = ['hotel'];
    const eids = async (q: string, index: 'main' | 'pinyin') => (await searchCandidates(t.graph, q, ['Person'], vs, 50, index)).map((c) => c.eid);
    expect(await eids(`pinyinInitials:${initials}`, 'pinyin')).toContain(p!.eid);
    expect(await eids(`pinyinKeys:${joined}`, 'pinyin')).toContain(p!.eid);
    expect(await eids(`name:${initials} OR searchText:${initials}`, 'main')).not.toContain(p!.eid);
    expect(String(p!.st).split(' ')).not.toContain(joined);
  });
});
