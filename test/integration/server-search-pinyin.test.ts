/**
 * Search by Pinyin initials and full Pinyin ranks and stops like a Hanzi name (docs/api.md,
 * "Pinyin indexed apart"): a person's Pinyin lives in `pinyinKeys` / `pinyinInitials` (index
 * `entity_pinyin`), so a candidate's tier bounds its rank. Pages must continue one another (no
 * overlap, no gap) and equal the reference (every candidate's records read), a Latin name equal to
 * the term (an exact match) must still come first, and a person the viewer may not see never shows.
 */
import { type Graph, writeTx } from '@onemap/graph-schema/server';
import type { FastifyInstance } from 'fastify';
import { describe, expect, it } from 'vitest';
import { search, SEARCH_FIRST_CHUNK } from '../../server/src/services/search.ts';
import { as, useServerApp, viewerFor } from '../helpers/server-app.ts';
import { FX } from '../helpers/server-fixtures.ts';

let graph: Graph;
let app: FastifyInstance;

/** More visible 王伟 than the first chunk, so a page can be settled before every candidate is checked. */
const VISIBLE = SEARCH_FIRST_CHUNK + 20;
/** 吴文 (initials ww too) known only to the non-shared source; their eids sort first. */
const HIDDEN = 8;
const visibleEid = (i: number) => `P-PY${String(i).padStart(3, '0')}`;
const hiddenEid = (i: number) => `P-PWH${i}`;
/** A person whose (Latin) name is the term itself: an exact match, ranked above every initials match. */
const LATIN = 'P-PYLATIN';

async function seed(g: Graph) {
  await writeTx(g, async (tx) => {
    const people = [
      ...Array.from({ length: VISIBLE }, (_, i) => ({ eid: visibleEid(i), source: FX.open, name: '王伟', py: 'wang wei', keys: 'wang wei wangwei', ini: 'ww' })),
      ...Array.from({ length: HIDDEN }, (_, i) => ({ eid: hiddenEid(i), source: FX.closed, name: '吴文', py: 'wu wen', keys: 'wu wen wuwen', ini: 'ww' })),
      // initials that only begin with ww: no candidate for `ww` any more
      ...Array.from({ length: 10 }, (_, i) => ({ eid: `P-PYJ${i}`, source: FX.open, name: '王文静', py: 'wang wenjing', keys: 'wang wenjing wangwenjing', ini: 'wwj' })),
    ];
    await tx.run(
      `UNWIND $people AS p
       CREATE (e:Entity:Person {eid: p.eid, name: p.name, namePinyin: p.py, pinyinKeys: p.keys, pinyinInitials: p.ini, searchText: p.name, inSources: [p.source],
                                provenance: '{"name":{"source":"' + p.source + '","rid":"' + p.source + ':' + p.eid + '"}}'})
       CREATE (sr:SourceRecord {rid: p.source + ':' + p.eid, source: p.source, recordId: p.eid, receivedAt: datetime('2026-10-02T00:00:00Z'), hash: p.eid,
                                attrs: '{"person":{"name":"' + p.name + '"}}'})
       CREATE (sr)-[:RESOLVED_TO {role: 'person', decision: 'anchor', score: 1.0, at: datetime()}]->(e)`,
      { people },
    );
    await tx.run(
      `CREATE (e:Entity:Person {eid: $eid, name: 'ww', searchText: 'ww', inSources: [$open], provenance: '{"name":{"source":"' + $open + '","rid":"' + $open + ':' + $eid + '"}}'})
       CREATE (sr:SourceRecord {rid: $open + ':' + $eid, source: $open, recordId: $eid, receivedAt: datetime('2026-10-02T00:00:00Z'), hash: $eid, attrs: '{"person":{"name":"ww"}}'})
       CREATE (sr)-[:RESOLVED_TO {role: 'person', decision: 'anchor', score: 1.0, at: datetime()}]->(e)`,
      { eid: LATIN, open: FX.open },
    );
  });
}

useServerApp({ RATE_LIMIT_PER_MINUTE: 1_000_000 }, (s) => ({ app, graph } = s), seed);

describe('search by Pinyin pages', () => {
  it('initials and full Pinyin: pages continue one another as the reference ranks them, and stop early', async () => {
    for (const q of ['ww', 'wangwei']) {
      for (const level of ['station', 'county'] as const) {
        const v = await viewerFor(app, level, 'officer');
        const reference = await search(graph, v, q, ['Person'], 1, 500, { nodeFirst: false });
        const all = reference.items.map((i) => i.eid);
        expect(all.length, `${q} ${level}`).toBeGreaterThanOrEqual(VISIBLE);
        expect(all.filter((e) => e.startsWith('P-PYJ')), `${q} ${level}: initials wwj, Pinyin wangwenjing`).toEqual([]);
        if (q === 'ww') expect(all[0], 'the exact match first').toBe(LATIN);
        const size = 7;
        const paged: string[] = [];
        let estimated = false;
        for (let page = 1; page <= Math.ceil(all.length / size) + 1; page++) {
          const res = await search(graph, v, q, ['Person'], page, size);
          estimated ||= res.totalIsEstimate === true;
          // a settled page counts only the hits checked (a lower bound), else every hit
          if (res.totalIsEstimate) expect(res.total, `${q} ${level} page ${page}`).toBeLessThanOrEqual(reference.total);
          else expect(res.total, `${q} ${level} page ${page}`).toBe(reference.total);
          paged.push(...res.items.map((i) => i.eid));
        }
        expect(paged, `${q} ${level}`).toEqual(all);
        expect(new Set(paged).size).toBe(paged.length);
        // The first pages were settled before every candidate was checked.
        expect(estimated, `${q} ${level}`).toBe(true);
      }
    }
  });

  it('page 2 of the initials continues page 1', async () => {
    const v = await viewerFor(app, 'station', 'officer');
    const one = await search(graph, v, 'ww', null, 1, 20);
    const two = await search(graph, v, 'ww', null, 2, 20);
    expect(one.totalIsEstimate).toBe(true);
    expect(one.items).toHaveLength(20);
    expect(two.items).toHaveLength(20);
    const ref = (await search(graph, v, 'ww', null, 1, 40, { nodeFirst: false })).items.map((i) => i.eid);
    expect([...one.items, ...two.items].map((i) => i.eid)).toEqual(ref);
    expect(two.items.every((i) => i.matchedBy.includes('initials'))).toBe(true);
  });

  it('never shows a person the viewer may not see, though its initials match', async () => {
    const county = await viewerFor(app, 'county', 'officer');
    const station = await viewerFor(app, 'station', 'officer');
    // The owner unit sees the non-shared 吴文s (initials ww): they are candidates, and rank.
    const owner = await search(graph, county, 'ww', ['Person'], 1, 500);
    expect(owner.items.filter((i) => i.eid.startsWith('P-PWH'))).toHaveLength(HIDDEN);
    for (const page of [1, 2, 3]) {
      const res = await search(graph, station, 'ww', ['Person'], page, 5);
      expect(res.items).toHaveLength(5);
      for (const item of res.items) expect(item.eid.startsWith('P-PWH'), `page ${page}`).toBe(false);
    }
    const http = await as(app, 'station', 'officer')({ url: '/api/search?q=ww&pageSize=5' });
    expect(http.statusCode, http.body).toBe(200);
    expect(http.body).not.toContain('P-PWH');
    expect(http.json().items).toHaveLength(5);
  });
});
