/**
 * A search's cost follows the page asked for, not how many persons share the name (docs/api.md,
 * "Search: the page plus a bounded look-ahead"): the first chunk checks the page plus
 * `SEARCH_LOOKAHEAD` candidates, later chunks grow, and a Pinyin term's later tiers are looked up
 * only when the scan reaches them. What that must never change: the page equals the reference
 * (every candidate's records read), a name with more candidates than the window still shows the
 * visible best hits first, and a golden name from a source the viewer may not see never matches.
 */
import { type Graph, writeTx } from '@onemap/graph-schema/server';
import type { FastifyInstance } from 'fastify';
import { describe, expect, it } from 'vitest';
import { searchCandidateHead, searchCandidates } from '../../server/src/repositories/entities.ts';
import {
  luceneQuery,
  SEARCH_CANDIDATE_CAP,
  SEARCH_FIRST_CHUNK,
  SEARCH_LOOKAHEAD,
  type SearchStats,
  search,
} from '../../server/src/services/search.ts';
import { useServerApp, viewerFor } from '../helpers/server-app.ts';
import { FX } from '../helpers/server-fixtures.ts';

let graph: Graph;
let app: FastifyInstance;

const NAME = '孙丽';
/** Visible namesakes (fx_open) with a longer indexed text: they score lower in the full-text index. */
const REAL = 70;
/**
 * More than the first chunk of persons whose golden name 孙丽 comes from the non-shared source,
 * while the shared source calls them 孙丽华: they score higher (a shorter indexed text), match
 * exactly for the owner unit and only as a prefix (孙丽华) for a station.
 */
const DECOYS = SEARCH_FIRST_CHUNK + 15;
const realEid = (i: number) => `P-SC${String(i).padStart(3, '0')}`;
const decoyEid = (i: number) => `P-SCD${String(i).padStart(3, '0')}`;

async function seed(g: Graph) {
  await writeTx(g, async (tx) => {
    await tx.run(
      `UNWIND $eids AS eid
       CREATE (e:Entity:Person {eid: eid, name: $name, namePinyin: 'sun li', pinyinKeys: 'sun li sunli', pinyinInitials: 'sl', searchText: $name + ' sun li 620102198501' + eid,
                                inSources: [$open], provenance: '{"name":{"source":"' + $open + '","rid":"' + $open + ':' + eid + '"}}'})
       CREATE (sr:SourceRecord {rid: $open + ':' + eid, source: $open, recordId: eid, receivedAt: datetime('2026-10-02T00:00:00Z'), hash: eid, attrs: '{"person":{"name":"' + $name + '"}}'})
       CREATE (sr)-[:RESOLVED_TO {role: 'person', decision: 'anchor', score: 1.0, at: datetime()}]->(e)`,
      { eids: Array.from({ length: REAL }, (_, i) => realEid(i)), name: NAME, open: FX.open },
    );
    await tx.run(
      `UNWIND $eids AS eid
       CREATE (e:Entity:Person {eid: eid, name: $name, searchText: $name, inSources: [$closed, $open],
                                provenance: '{"name":{"source":"' + $closed + '","rid":"' + $closed + ':' + eid + '"}}'})
       CREATE (c:SourceRecord {rid: $closed + ':' + eid, source: $closed, recordId: eid, receivedAt: datetime('2026-10-02T00:00:00Z'), hash: 'c' + eid, attrs: '{"person":{"name":"' + $name + '"}}'})
       CREATE (o:SourceRecord {rid: $open + ':' + eid, source: $open, recordId: eid, receivedAt: datetime('2026-10-01T00:00:00Z'), hash: 'o' + eid, attrs: '{"person":{"name":"' + $name + '华"}}'})
       CREATE (c)-[:RESOLVED_TO {role: 'person', decision: 'anchor', score: 1.0, at: datetime()}]->(e)
       CREATE (o)-[:RESOLVED_TO {role: 'person', decision: 'anchor', score: 1.0, at: datetime()}]->(e)`,
      { eids: Array.from({ length: DECOYS }, (_, i) => decoyEid(i)), name: NAME, open: FX.open, closed: FX.closed },
    );
  });
}

/** Persons whose resident ID ends with `TAIL` (more than the first chunk), found by no full-text word. */
const TAIL = '5678';
const TAIL_PERSONS = SEARCH_FIRST_CHUNK + 25;
const tailEid = (i: number) => `P-ST${String(i).padStart(3, '0')}`;

async function seedTails(g: Graph) {
  await writeTx(g, async (tx) => {
    await tx.run(
      `UNWIND $rows AS row
       CREATE (e:Entity:Person {eid: row.eid, name: row.name, searchText: row.name + ' ' + row.id, inSources: [$open],
                                provenance: '{"name":{"source":"' + $open + '","rid":"' + $open + ':' + row.eid + '"}}'})
       CREATE (sr:SourceRecord {rid: $open + ':' + row.eid, source: $open, recordId: row.eid, receivedAt: datetime('2026-10-02T00:00:00Z'), hash: 't' + row.eid,
                                attrs: '{"person":{"name":"' + row.name + '","residentId":"' + row.id + '"}}'})
       CREATE (sr)-[:RESOLVED_TO {role: 'person', decision: 'anchor', score: 1.0, at: datetime()}]->(e)
       MERGE (i:Identifier {kind: 'resident_id', value: row.id}) ON CREATE SET i.valueReversed = reverse(i.value)
       CREATE (e)-[:HAS_IDENTIFIER {source: $open, rid: $open + ':' + row.eid}]->(i)`,
      {
        rows: Array.from({ length: TAIL_PERSONS }, (_, i) => ({
          eid: tailEid(i),
          name: `尾号${'甲乙丙丁戊己庚辛壬癸'[i % 10]}${'子丑寅卯辰巳午未申酉戌亥'[i % 12]}`,
          id: `6201021985${String(i).padStart(4, '0')}${TAIL}`,
        })),
        open: FX.open,
      },
    );
  });
}

/**
 * Places whose names hold a longer number beginning with `TAIL` (车站56780 …: found by the
 * full-text prefix `5678*`, a `contains` match, decided on their records), more than the first
 * chunk, and one whose name ends in `TAIL` as a word of its own (车站5678: the whole-word tier).
 */
const NUMBERED_PLACES = SEARCH_FIRST_CHUNK + 10;
const numberedEid = (i: number) => `L-SN${String(i).padStart(3, '0')}`;
const TAIL_PLACE = 'L-SNT';

async function seedNumberedPlaces(g: Graph) {
  await writeTx(g, (tx) =>
    tx.run(
      `UNWIND $rows AS row
       CREATE (e:Entity:Place {eid: row.eid, name: row.name, placeKind: 'rail_station', searchText: row.name, inSources: [$open],
                               provenance: '{"name":{"source":"' + $open + '","rid":"' + $open + ':' + row.eid + '"}}'})
       CREATE (sr:SourceRecord {rid: $open + ':' + row.eid, source: $open, recordId: row.eid, receivedAt: datetime('2026-10-02T00:00:00Z'), hash: 'n' + row.eid,
                                attrs: '{"station":{"name":"' + row.name + '"}}'})
       CREATE (sr)-[:RESOLVED_TO {role: 'station', decision: 'anchor', score: 1.0, at: datetime()}]->(e)`,
      {
        rows: [
          ...Array.from({ length: NUMBERED_PLACES }, (_, i) => ({ eid: numberedEid(i), name: `测试车站${TAIL}${i}` })),
          { eid: TAIL_PLACE, name: `测试车站${TAIL}` },
        ],
        open: FX.open,
      },
    ),
  );
}

/** A person named by the surname alone (孙): the one candidate whose value equals the query 孙. */
const LONE = 'P-SCL001';

async function seedLone(g: Graph) {
  await writeTx(g, (tx) =>
    tx.run(
      `CREATE (e:Entity:Person {eid: $eid, name: '孙', searchText: '孙', inSources: [$open], provenance: '{"name":{"source":"' + $open + '","rid":"' + $open + ':' + $eid + '"}}'})
       CREATE (sr:SourceRecord {rid: $open + ':' + $eid, source: $open, recordId: $eid, receivedAt: datetime('2026-10-02T00:00:00Z'), hash: $eid, attrs: '{"person":{"name":"孙"}}'})
       CREATE (sr)-[:RESOLVED_TO {role: 'person', decision: 'anchor', score: 1.0, at: datetime()}]->(e)`,
      { eid: LONE, open: FX.open },
    ),
  );
}

useServerApp(
  { RATE_LIMIT_PER_MINUTE: 1_000_000 },
  (s) => ({ app, graph } = s),
  async (g) => {
    await seed(g);
    await seedTails(g);
    await seedNumberedPlaces(g);
    await seedLone(g);
  },
);

describe('search cost follows the page', () => {
  it('a common name reads the page plus a bounded look-ahead, and equals the reference', async () => {
    const owner = await viewerFor(app, 'county', 'officer');
    const reference = await search(graph, owner, NAME, ['Person'], 1, 500, { nodeFirst: false });
    expect(reference.total).toBe(REAL + DECOYS);
    for (const page of [1, 2, 4]) {
      const stats = {} as SearchStats;
      const res = await search(graph, owner, NAME, ['Person'], page, 10, { stats });
      expect(
        res.items.map((i) => i.eid),
        `page ${page}`,
      ).toEqual(reference.items.slice((page - 1) * 10, page * 10).map((i) => i.eid));
      expect(res.totalIsEstimate, `page ${page}`).toBe(true);
      // every namesake is exact for the owner: the first chunk settles the page
      expect(stats.chunks, `page ${page}`).toBe(1);
      expect(stats.nodesRead, `page ${page}`).toBe(Math.max(SEARCH_FIRST_CHUNK, page * 10 + SEARCH_LOOKAHEAD));
      expect(stats.nodesRead).toBeLessThan(REAL + DECOYS);
      // only the window's candidates left the database (their head, sorted there)
      expect(stats.candidates, `page ${page}`).toBe(stats.nodesRead);
      expect(stats.recordsToDecide, `page ${page}`).toBe(0);
    }
  });

  it('a name with more candidates than the window still returns the visible best hits first', async () => {
    const station = await viewerFor(app, 'station', 'officer');
    const reference = await search(graph, station, NAME, ['Person'], 1, 500, { nodeFirst: false });
    // For the station the decoys are 孙丽华 (a prefix): every exact namesake comes first.
    expect(reference.items.slice(0, REAL).every((i) => i.eid.startsWith('P-SC0'))).toBe(true);
    expect(reference.items.slice(REAL).every((i) => i.eid.startsWith('P-SCD') && !i.matchedBy.includes('exact'))).toBe(
      true,
    );
    const stats = {} as SearchStats;
    const first = await search(graph, station, NAME, ['Person'], 1, 10, { stats });
    expect(first.items.map((i) => i.eid)).toEqual(reference.items.slice(0, 10).map((i) => i.eid));
    expect(first.items.every((i) => i.matchedBy.includes('exact'))).toBe(true);
    // the decoys fill the first window (higher full-text score): the scan had to go past it
    expect(stats.nodesRead).toBeGreaterThan(SEARCH_FIRST_CHUNK);
    expect(stats.chunks).toBeGreaterThan(1);
    // pages of 9 continue one another as the reference ranks them, the decoys last and never exact
    const paged: string[] = [];
    for (let page = 1; page <= Math.ceil(reference.items.length / 9); page++) {
      const res = await search(graph, station, NAME, ['Person'], page, 9);
      for (const item of res.items)
        if (item.eid.startsWith('P-SCD')) expect(item.matchedBy, item.eid).not.toContain('exact');
      paged.push(...res.items.map((i) => i.eid));
    }
    expect(paged).toEqual(reference.items.map((i) => i.eid));
  });

  it('a settled Pinyin page does not look up the tiers after it', async () => {
    for (const level of ['station', 'county'] as const) {
      const v = await viewerFor(app, level, 'officer');
      const reference = await search(graph, v, 'sl', ['Person'], 1, 500, { nodeFirst: false });
      const stats = {} as SearchStats;
      const res = await search(graph, v, 'sl', ['Person'], 1, 10, { stats });
      expect(
        res.items.map((i) => i.eid),
        level,
      ).toEqual(reference.items.slice(0, 10).map((i) => i.eid));
      expect(
        res.items.every((i) => i.matchedBy.includes('initials')),
        level,
      ).toBe(true);
      // whole word (tier 0) and initials (tier 1) only: not the Pinyin words, the rest of the main index, the prefixes
      expect(stats.indexLookups, level).toBe(2);
      expect(res.totalIsEstimate, level).toBe(true);
    }
  });

  it('a page of identifier tails settles on the first tail hits, as the reference ranks them', async () => {
    for (const level of ['station', 'county'] as const) {
      const v = await viewerFor(app, level, 'officer');
      const reference = await search(graph, v, TAIL, null, 1, 500, { nodeFirst: false });
      const tailHits = reference.items.filter((i) => i.eid.startsWith('P-ST'));
      expect(tailHits.length, level).toBe(TAIL_PERSONS);
      expect(
        tailHits.every((i) => i.matchedBy.includes('identifier_tail')),
        level,
      ).toBe(true);
      // the station named …5678 ends in the digits as a word of its own: first; the stations whose
      // longer numbers begin with them hold the digits inside their names, below every tail
      expect(reference.items[0], level).toMatchObject({ eid: TAIL_PLACE, matchedBy: ['identifier_tail'] });
      const numbered = reference.items.filter((i) => i.eid.startsWith('L-SN0'));
      expect(numbered.length, level).toBe(NUMBERED_PLACES);
      expect(reference.items.slice(-NUMBERED_PLACES), level).toEqual(numbered);
      for (const page of [1, 2]) {
        const stats = {} as SearchStats;
        const res = await search(graph, v, TAIL, null, page, 10, { stats });
        expect(
          res.items.map((i) => i.eid),
          `${level} page ${page}`,
        ).toEqual(reference.items.slice((page - 1) * 10, page * 10).map((i) => i.eid));
        // the whole-word tier's one, then the first chunk of tails settles the page: not every
        // person whose ID ends so, nor a station whose longer number begins with the digits
        expect(stats.nodesRead, `${level} page ${page}`).toBeLessThanOrEqual(1 + SEARCH_FIRST_CHUNK);
        expect(stats.recordsToDecide, `${level} page ${page}`).toBeLessThanOrEqual(1);
        expect(res.totalIsEstimate, `${level} page ${page}`).toBe(true);
      }
    }
  });

  it('a surname alone settles on the first namesakes it begins, after the one named by it alone, as the reference ranks them', async () => {
    for (const level of ['station', 'county'] as const) {
      const v = await viewerFor(app, level, 'officer');
      const reference = await search(graph, v, '孙', ['Person'], 1, 500, { nodeFirst: false });
      expect(reference.items.length, level).toBe(REAL + DECOYS + 1);
      expect(reference.items[0], level).toMatchObject({ eid: LONE, matchedBy: ['exact'] });
      for (const page of [1, 2]) {
        const stats = {} as SearchStats;
        const res = await search(graph, v, '孙', ['Person'], page, 10, { stats });
        expect(
          res.items.map((i) => i.eid),
          `${level} page ${page}`,
        ).toEqual(reference.items.slice((page - 1) * 10, page * 10).map((i) => i.eid));
        // the exact tier's one and the first namesakes in ONE chunk (the one cannot fill the page, so
        // the next tier is looked up before checking): not all of them, in no chunks of 2, 4, 8 …
        expect(stats.nodesRead, `${level} page ${page}`).toBeLessThanOrEqual(SEARCH_FIRST_CHUNK);
        expect(stats.chunks, `${level} page ${page}`).toBe(1);
      }
    }
  });

  it('a head read is the first window of the whole read in its order (score, then eid), whether or not a tie crosses its end', async () => {
    // The decoys tie among themselves above the namesakes, who tie among themselves: windows that
    // end inside a tie, at the step between them, and past every candidate. Among equal scores the
    // order is the eid's, never the index's own document order: that changes when an unrelated
    // document is written (server-review8 R1: a hidden write must not reorder a page).
    for (const level of ['station', 'county'] as const) {
      const v = await viewerFor(app, level, 'officer');
      const q = luceneQuery(NAME);
      const whole = (await searchCandidates(graph, q, ['Person'], v.visibleSources, SEARCH_CANDIDATE_CAP)).sort(
        (a, b) => b.score - a.score || (a.eid < b.eid ? -1 : 1),
      );
      expect(whole.length, level).toBe(REAL + DECOYS);
      expect(whole[DECOYS - 1]?.score, level).toBeGreaterThan(whole[DECOYS]?.score as number);
      for (const w of [1, 7, SEARCH_FIRST_CHUNK, DECOYS, DECOYS + 1, REAL + DECOYS - 1, REAL + DECOYS, 500]) {
        const head = await searchCandidateHead(graph, q, ['Person'], v.visibleSources, SEARCH_CANDIDATE_CAP, w);
        expect(head.head, `${level} window ${w}`).toEqual(whole.slice(0, w));
        expect(head.count, `${level} window ${w}`).toBe(whole.length);
      }
    }
  });
});
