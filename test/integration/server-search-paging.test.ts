/**
 * Search checks its candidates in full-text order a chunk at a time and stops once no unchecked
 * candidate can enter the page: pages must still continue one another (no overlap, no gap) and
 * equal the reference (every candidate's records read), and an entity the viewer may not see must
 * never appear — even when it outranks every visible one in the full-text index.
 */
import { type Graph, writeTx } from '@onemap/graph-schema/server';
import type { FastifyInstance } from 'fastify';
import { describe, expect, it } from 'vitest';
import { search, SEARCH_FIRST_CHUNK } from '../../server/src/services/search.ts';
import { as, useServerApp, viewerFor } from '../helpers/server-app.ts';
import { FX } from '../helpers/server-fixtures.ts';

let graph: Graph;
let app: FastifyInstance;

const NAME = '赵敏';
/** More visible namesakes than the first chunk, so a page can be settled before every candidate is checked. */
const VISIBLE = SEARCH_FIRST_CHUNK + 20;
/** Namesakes known only to the non-shared source, with a shorter indexed text: they score higher in the full-text index. */
const HIDDEN = 8;
const eidOf = (i: number) => `P-PG${String(i).padStart(3, '0')}`;
const hiddenEid = (i: number) => `P-PGH${i}`;

async function seed(g: Graph) {
  await writeTx(g, async (tx) => {
    const people = [
      ...Array.from({ length: VISIBLE }, (_, i) => ({ eid: eidOf(i), source: FX.open, searchText: `${NAME} zhao min zhaomin zm 6201021985010${String(i).padStart(5, '0')}`.slice(0, 60) })),
      ...Array.from({ length: HIDDEN }, (_, i) => ({ eid: hiddenEid(i), source: FX.closed, searchText: NAME })),
    ];
    await tx.run(
      `UNWIND $people AS p
       CREATE (e:Entity:Person {eid: p.eid, name: $name, namePinyin: 'zhao min', searchText: p.searchText, inSources: [p.source],
                                provenance: '{"name":{"source":"' + p.source + '","rid":"' + p.source + ':' + p.eid + '"}}'})
       CREATE (sr:SourceRecord {rid: p.source + ':' + p.eid, source: p.source, recordId: p.eid, receivedAt: datetime('2026-10-02T00:00:00Z'), hash: p.eid,
                                attrs: '{"person":{"name":"' + $name + '"}}'})
       CREATE (sr)-[:RESOLVED_TO {role: 'person', decision: 'anchor', score: 1.0, at: datetime()}]->(e)`,
      { people, name: NAME },
    );
    // A place whose name begins with the query: another kind, decided by its records, on the same pages.
    await tx.run(
      `CREATE (p:Entity:Place {eid: 'L-PG1', name: $place, searchText: $place, inSources: [$open], provenance: '{}'})
       CREATE (sr:SourceRecord {rid: $open + ':L-PG1', source: $open, recordId: 'L-PG1', receivedAt: datetime('2026-10-02T00:00:00Z'), hash: 'L-PG1',
                                attrs: '{"place":{"name":"' + $place + '"}}'})
       CREATE (sr)-[:RESOLVED_TO {role: 'place', decision: 'anchor', score: 1.0, at: datetime()}]->(p)`,
      { place: `${NAME}路站`, open: FX.open },
    );
  });
}

useServerApp({ RATE_LIMIT_PER_MINUTE: 1_000_000 }, (s) => ({ app, graph } = s), seed);

describe('search pages', () => {
  it('continue one another without overlap or gap, as the reference ranks them, and stop early on a common name', async () => {
    for (const level of ['station', 'county', 'province'] as const) {
      const v = await viewerFor(app, level, 'officer');
      const reference = await search(graph, v, NAME, null, 1, 500, { nodeFirst: false });
      const all = reference.items.map((i) => i.eid);
      expect(all.length, level).toBeGreaterThan(VISIBLE);
      const size = 7;
      const paged: string[] = [];
      let estimated = false;
      for (let page = 1; page <= Math.ceil(all.length / size) + 1; page++) {
        const res = await search(graph, v, NAME, null, page, size);
        estimated ||= res.totalIsEstimate === true;
        // a settled page counts only the hits checked (a lower bound), else every hit
          if (res.totalIsEstimate) expect(res.total, `${level} page ${page}`).toBeLessThanOrEqual(reference.total);
          else expect(res.total, `${level} page ${page}`).toBe(reference.total);
        paged.push(...res.items.map((i) => i.eid));
      }
      expect(paged, level).toEqual(all);
      expect(new Set(paged).size).toBe(paged.length);
      expect(all, level).toContain('L-PG1');
      // The first pages were settled before every candidate was read.
      expect(estimated, level).toBe(true);
    }
  });

  it('never shows an entity the viewer may not see, even when it outranks the visible ones', async () => {
    const station = await viewerFor(app, 'station', 'officer');
    const county = await viewerFor(app, 'county', 'officer');
    // The owner unit sees the non-shared source: its namesakes come first (higher full-text score, same match rank).
    const owner = await search(graph, county, NAME, ['Person'], 1, 5);
    expect(owner.items.map((i) => i.eid)).toEqual(Array.from({ length: 5 }, (_, i) => hiddenEid(i)).sort());
    for (const page of [1, 2, 3]) {
      const res = await search(graph, station, NAME, ['Person'], page, 5);
      expect(res.items).toHaveLength(5);
      for (const item of res.items) expect(item.eid.startsWith('P-PGH'), `page ${page}`).toBe(false);
    }
    const http = await as(app, 'station', 'officer')({ url: `/api/search?q=${encodeURIComponent(NAME)}&pageSize=5` });
    expect(http.statusCode, http.body).toBe(200);
    expect(http.body).not.toContain('P-PGH');
    expect(http.json().items).toHaveLength(5);
  });
});
