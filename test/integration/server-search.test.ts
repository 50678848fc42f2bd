/**
 * Cloud search (云搜索) that finds people: prefix, full Pinyin, Pinyin initials, the last digits of
 * an ID, one typo; ranked; hits that tell three 张伟 apart; never an entity the viewer may not see,
 * never a match deeper into a masked value than its mask shows.
 */
import { type Graph, writeTx } from '@onemap/graph-schema/server';
import type { FastifyInstance } from 'fastify';
import { describe, expect, it } from 'vitest';
import { search } from '../../server/src/services/search.ts';
import { expectGuessesAlike } from '../helpers/search-guesses.ts';
import { as, useServerApp, viewerFor } from '../helpers/server-app.ts';
import { FX } from '../helpers/server-fixtures.ts';

let app: FastifyInstance;
let graph: Graph;

/** 孙丽's phone (from the open source: masked for a station officer, plain for the province). */
const SUN_LI_PHONE = '+8613700005252';
/** A hotel whose name holds a number in brackets (the separators a search term drops). */
const NUMBERED_HOTEL = '如家快捷酒店(火车站88店)';

/** 赵敏's two resident IDs: `b`'s middle digits are the birth date her `b` record states. */
const TWO_IDS = { a: '620102198501018888', b: '620102199009093333' };

/** Three 张伟 in the unconditional source, one more in the non-shared one, and a 张伟民; searchText as the pipeline writes it. */
const PEOPLE = [
  { eid: 'P-SR1', name: '张伟', source: FX.open, residentId: '620102198501017777', birthDate: '1985-01-01', sex: '男', home: '620102' },
  { eid: 'P-SR2', name: '张伟', source: FX.open, residentId: '620103199202024448', birthDate: '1992-02-02', sex: '女', home: '620103' },
  { eid: 'P-SR3', name: '张伟', source: FX.open, residentId: '620104197003035555', birthDate: '1970-03-03', sex: '男', home: '620104' },
  { eid: 'P-SR4', name: '张伟', source: FX.closed, residentId: '620102199909097777', birthDate: '1999-09-09', sex: '男', home: '620102' },
  { eid: 'P-SR5', name: '张伟民', source: FX.open, residentId: '620102196006066666', birthDate: '1960-06-06', sex: '男', home: '620102' },
];

useServerApp(
  { RATE_LIMIT_PER_MINUTE: 1_000_000 },
  (s) => {
    ({ app, graph } = s);
  },
  async (graph) => {
    await writeTx(graph, async (tx) => {
      for (const p of PEOPLE) {
        const initials = p.name === '张伟' ? 'zw' : 'zwm';
        const joined = p.name === '张伟' ? 'zhangwei' : 'zhangweimin';
        await tx.run(
          `CREATE (e:Entity:Person {eid: $p.eid, name: $p.name, namePinyin: $py, residentId: $p.residentId, unitCode: $p.home,
                                    searchText: $searchText, provenance: $prov})
           CREATE (r:SourceRecord {rid: $rid, source: $p.source, recordId: $p.eid, receivedAt: datetime('2026-10-02T00:00:00Z'), hash: $rid, attrs: $attrs})
           CREATE (r)-[:RESOLVED_TO {role: 'person', decision: 'anchor', score: 1.0, at: datetime()}]->(e)
           MERGE (i:Identifier {kind: 'resident_id', value: $p.residentId}) ON CREATE SET i.valueReversed = reverse(i.value)
           CREATE (e)-[:HAS_IDENTIFIER {source: $p.source, rid: $rid}]->(i)`,
          {
            p,
            py: p.name === '张伟' ? 'zhang wei' : 'zhang weimin',
            rid: `${p.source}:${p.eid}`,
            searchText: `${p.name} zhang ${joined.slice(5)} ${joined} ${initials} ${p.residentId}`,
            prov: JSON.stringify({ name: { source: p.source, rid: `${p.source}:${p.eid}` } }),
            attrs: JSON.stringify({ person: { name: p.name, residentId: p.residentId, birthDate: p.birthDate, sex: p.sex, homeDivision: p.home } }),
          },
        );
      }
      // 程敬, whose telecom record calls him 张轮山 (an alias: family name 张, given name 轮山).
      await tx.run(
        `CREATE (e:Entity:Person {eid: 'P-SR6', name: '程敬', namePinyin: 'cheng jing', unitCode: '620102',
                                  searchText: '程敬 cheng jing chengjing cj 张轮山 zhang lunshan zhanglunshan zls',
                                  provenance: $prov})
         CREATE (r1:SourceRecord {rid: $open + ':P-SR6a', source: $open, recordId: 'P-SR6a', receivedAt: datetime('2026-10-02T00:00:00Z'), hash: 'h6a', attrs: $a1})
         CREATE (r2:SourceRecord {rid: $open + ':P-SR6b', source: $open, recordId: 'P-SR6b', receivedAt: datetime('2026-10-03T00:00:00Z'), hash: 'h6b', attrs: $a2})
         CREATE (r1)-[:RESOLVED_TO {role: 'person', decision: 'anchor', score: 1.0, at: datetime()}]->(e)
         CREATE (r2)-[:RESOLVED_TO {role: 'person', decision: 'match', score: 1.0, at: datetime()}]->(e)`,
        {
          open: FX.open,
          prov: JSON.stringify({ name: { source: FX.open, rid: `${FX.open}:P-SR6a` } }),
          a1: JSON.stringify({ person: { name: '程敬', family: '程', given: '敬', namePinyin: 'cheng jing', birthDate: '1985-11-10' } }),
          a2: JSON.stringify({ person: { name: '张轮山', family: '张', given: '轮山', namePinyin: 'zhang lunshan', birthDate: '1985-11-10' } }),
        },
      );
      // 赵敏 holds two resident IDs: A from the conditional source (a county's grant unmasks it), B
      // from the open one (masked below its owner), whose guest record also states the birth date —
      // B's hidden middle, graded plain for a guest as hotel.json grades it. The golden ID is A (the
      // newer record), the golden birth date B's record's.
      await tx.run(
        `CREATE (e:Entity:Person {eid: 'P-SR7', name: '赵敏', namePinyin: 'zhao min', residentId: $a, birthDate: '1990-09-09', sex: '女', unitCode: '620102',
                                  searchText: '赵敏 zhao min zhaomin zm ' + $a + ' ' + $b, provenance: $prov, inSources: [$cond, $open]})
         CREATE (ra:SourceRecord {rid: $cond + ':P-SR7a', source: $cond, recordId: 'P-SR7a', receivedAt: datetime('2026-10-05T00:00:00Z'), hash: 'h7a', attrs: $attrsA})
         CREATE (rb:SourceRecord {rid: $open + ':P-SR7b', source: $open, recordId: 'P-SR7b', receivedAt: datetime('2026-10-02T00:00:00Z'), hash: 'h7b', attrs: $attrsB})
         CREATE (ra)-[:RESOLVED_TO {role: 'person', decision: 'anchor', score: 1.0, at: datetime()}]->(e)
         CREATE (rb)-[:RESOLVED_TO {role: 'guest', decision: 'match', score: 1.0, at: datetime()}]->(e)
         MERGE (ia:Identifier {kind: 'resident_id', value: $a}) ON CREATE SET ia.valueReversed = reverse(ia.value)
         MERGE (ib:Identifier {kind: 'resident_id', value: $b}) ON CREATE SET ib.valueReversed = reverse(ib.value)
         CREATE (e)-[:HAS_IDENTIFIER {source: $cond, rid: $cond + ':P-SR7a'}]->(ia)
         CREATE (e)-[:HAS_IDENTIFIER {source: $open, rid: $open + ':P-SR7b'}]->(ib)`,
        {
          a: TWO_IDS.a,
          b: TWO_IDS.b,
          cond: FX.cond,
          open: FX.open,
          prov: JSON.stringify({
            name: { source: FX.open, rid: `${FX.open}:P-SR7b` },
            residentId: { source: FX.cond, rid: `${FX.cond}:P-SR7a` },
            birthDate: { source: FX.open, rid: `${FX.open}:P-SR7b` },
            sex: { source: FX.open, rid: `${FX.open}:P-SR7b` },
          }),
          attrsA: JSON.stringify({ person: { name: '赵敏', residentId: TWO_IDS.a } }),
          attrsB: JSON.stringify({ guest: { name: '赵敏', residentId: TWO_IDS.b, birthDate: '1990-09-09', sex: '女' } }),
        },
      );
      // 孙丽, whose phone reaches her as the pipeline writes it: in her record and as a Phone entity
      // of her own (`HAS_PHONE`, the phone's anchor identifier), never as an identifier edge of hers;
      // and a hotel whose name holds a number and brackets
      await tx.run(
        `CREATE (e:Entity:Person {eid: 'P-SR8', name: '孙丽', namePinyin: 'sun li', unitCode: '620102', inSources: [$open],
                                  searchText: '孙丽 sun li sunli sl ' + $phone + ' ' + substring($phone, 3), provenance: $prov})
         CREATE (r:SourceRecord {rid: $open + ':P-SR8', source: $open, recordId: 'P-SR8', receivedAt: datetime('2026-10-02T00:00:00Z'), hash: 'h8', attrs: $attrs})
         CREATE (r)-[:RESOLVED_TO {role: 'person', decision: 'anchor', score: 1.0, at: datetime()}]->(e)
         CREATE (t:Entity:Phone {eid: 'T-SR8', name: $phone, number: $phone, inSources: [$open], searchText: $phone + ' ' + substring($phone, 3),
                                 provenance: '{"number":{"source":"' + $open + '","rid":"' + $open + ':P-SR8"}}'})
         CREATE (rt:SourceRecord {rid: $open + ':P-SR8p', source: $open, recordId: 'P-SR8', receivedAt: datetime('2026-10-02T00:00:00Z'), hash: 'h8p', attrs: $phoneAttrs})
         CREATE (rt)-[:RESOLVED_TO {role: 'person_phone', decision: 'anchor', score: 1.0, at: datetime()}]->(t)
         MERGE (i:Identifier {kind: 'phone', value: $phone}) ON CREATE SET i.valueReversed = reverse(i.value)
         CREATE (t)-[:HAS_IDENTIFIER {source: $open, rid: $open + ':P-SR8p'}]->(i)
         CREATE (e)-[:HAS_PHONE {source: $open, rid: $open + ':P-SR8'}]->(t)
         CREATE (h:Entity:Place {eid: 'L-SR9', name: $hotel, placeKind: 'hotel', unitCode: '620102', inSources: [$open], searchText: $hotel,
                                 provenance: '{"name":{"source":"' + $open + '","rid":"' + $open + ':L-SR9"},"placeKind":{"source":"' + $open + '","rid":"' + $open + ':L-SR9"}}'})
         CREATE (rh:SourceRecord {rid: $open + ':L-SR9', source: $open, recordId: 'L-SR9', receivedAt: datetime('2026-10-02T00:00:00Z'), hash: 'h9', attrs: $hotelAttrs})
         CREATE (rh)-[:RESOLVED_TO {role: 'hotel', decision: 'anchor', score: 1.0, at: datetime()}]->(h)`,
        {
          open: FX.open,
          phone: SUN_LI_PHONE,
          hotel: NUMBERED_HOTEL,
          prov: JSON.stringify({ name: { source: FX.open, rid: `${FX.open}:P-SR8` } }),
          attrs: JSON.stringify({ person: { name: '孙丽', phone: SUN_LI_PHONE } }),
          phoneAttrs: JSON.stringify({ person_phone: { phone: SUN_LI_PHONE } }),
          hotelAttrs: JSON.stringify({ hotel: { name: NUMBERED_HOTEL, placeKind: 'hotel' } }),
        },
      );
    });
  },
);

async function searchAs(level: 'province' | 'city' | 'station' | 'county', q: string) {
  const res = await as(app, level, 'officer')({ url: `/api/search?q=${encodeURIComponent(q)}&kind=Person&pageSize=50` });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as { total: number; items: { eid: string; name: string; birthYear: string | null; sex: string | null; homeCounty: { code: string; name: string | null } | null; idTail: string | null; sources: string[]; matchedBy: string[] }[] };
}
const eids = (b: { items: { eid: string }[] }) => b.items.map((i) => i.eid);

describe('finds people', () => {
  it('by a Hanzi prefix, the exact names ranked before longer ones', async () => {
    const b = await searchAs('station', '张伟');
    const ids = eids(b).filter((e) => e.startsWith('P-SR'));
    expect(ids.slice(0, 3).sort()).toEqual(['P-SR1', 'P-SR2', 'P-SR3']);
    expect(ids).toContain('P-SR5');
    expect(ids.indexOf('P-SR5')).toBeGreaterThan(2);
    const one = await searchAs('station', '张');
    expect(eids(one)).toEqual(expect.arrayContaining(['P-SR1', 'P-SR2', 'P-SR3', 'P-SR5']));
  });

  it('by full Pinyin, joined or spaced, and by Pinyin initials', async () => {
    for (const q of ['zhangwei', 'zhang wei']) expect(eids(await searchAs('station', q))).toEqual(expect.arrayContaining(['P-SR1', 'P-SR2', 'P-SR3']));
    const ini = await searchAs('station', 'zw');
    expect(eids(ini).filter((e) => e.startsWith('P-SR')).sort()).toEqual(['P-SR1', 'P-SR2', 'P-SR3']);
    expect(ini.items[0]?.matchedBy).toContain('initials');
  });

  it('as typed with a Chinese input method or pasted: full-width digits, traditional Hanzi, zero-width spaces', async () => {
    expect(eids(await searchAs('station', '７７７７'))).toEqual(['P-SR1']);
    expect(eids(await searchAs('station', '張偉'))).toEqual(expect.arrayContaining(['P-SR1', 'P-SR2', 'P-SR3']));
    expect(eids(await searchAs('station', '张\u200b伟'))).toEqual(expect.arrayContaining(['P-SR1', 'P-SR2', 'P-SR3']));
  });

  it('with one typo', async () => {
    const b = await searchAs('station', 'zhangwie');
    expect(eids(b)).toEqual(expect.arrayContaining(['P-SR1', 'P-SR2', 'P-SR3']));
    expect(b.items.find((i) => i.eid === 'P-SR1')?.matchedBy).toContain('fuzzy');
  });

  it('by the last digits of a resident ID, as far as the mask shows', async () => {
    // A station officer sees these IDs masked (620102********7777): the last four digits are shown, so they may search by them.
    const tail = await searchAs('station', '7777');
    expect(eids(tail)).toEqual(['P-SR1']);
    expect(tail.items[0]?.matchedBy).toEqual(['identifier_tail']);
    // Six digits reach into the masked part: no hit, so the search is no oracle for hidden digits.
    expect((await searchAs('station', '017777')).total).toBe(0);
    expect((await searchAs('station', '620102198501017777')).total).toBe(0);
    // The owner unit reads them in plain and may search deeper.
    expect(eids(await searchAs('province', '017777'))).toEqual(['P-SR1']);
    expect(eids(await searchAs('province', '620102198501017777'))).toEqual(['P-SR1']);
  });

  it('a guess at what a mask hides costs what a wrong guess costs: no candidate, no node read, no truncation said', async () => {
    // Found by the full-text index (which holds every ID) or the tail index and then refused, a right
    // guess ran more statements than a wrong one: its time confirmed the hidden digits.
    const station = await viewerFor(app, 'station', 'officer');
    await expectGuessesAlike(
      graph,
      station,
      [
        ['620102198501017777', '620102198601017777'],
        // a tail longer than the mask shows (its last 4)
        ['198501017777', '198601017777'],
        ['01017777', '01027777'],
        // with a name that finds the person: the ID term still must lie in an ID the viewer reads in plain
        ['张伟 620102198501017777', '张伟 620102198601017777'],
        // a head longer than the mask shows (its first 6): the full-text prefix `6201031992*` found
        // P-SR2, so each hidden digit could be guessed one at a time (P-SR7's ID A, which the station
        // reads in plain, begins 6201021985: not a guess)
        ['6201031992', '6201031993'],
        ['62010319920202', '62010319930202'],
        ['张伟 6201031992', '张伟 6201031993'],
      ],
      (q) => q.startsWith('张'),
    );
    // the owner unit reads them in plain: the same searches find the person
    const province = await viewerFor(app, 'province', 'officer');
    for (const q of ['620102198501017777', '198501017777', '张伟 620102198501017777', '62010219850101777']) {
      const res = await search(graph, province, q, null, 1, 20);
      expect(res.items.map((i) => i.eid), q).toContain('P-SR1');
    }
    for (const q of ['6201031992', '张伟 6201031992']) expect((await search(graph, province, q, null, 1, 20)).items.map((i) => i.eid), q).toContain('P-SR2');
  });

  it('a phone reaches its holder through the phone entity: found by the viewer who reads it, no oracle for one who sees it masked', async () => {
    const province = await viewerFor(app, 'province', 'officer');
    for (const q of ['13700005252', '+8613700005252', '137-0000-5252', '1370000', '孙丽 13700005252']) {
      const eids = (await search(graph, province, q, null, 1, 20)).items.map((i) => i.eid);
      expect(eids, q).toContain('P-SR8');
    }
    const station = await viewerFor(app, 'station', 'officer');
    await expectGuessesAlike(graph, station, [
      ['13700005252', '13711115252'],
      ['1370000', '1371111'],
      ['137000', '137111'],
    ]);
    // the last digits the mask shows still find her phone (whose holders its profile lists)
    expect((await search(graph, station, '5252', null, 1, 20)).items.map((i) => i.eid)).toContain('T-SR8');
  });

  it('a venue whose name holds a number is found by its name as typed, brackets and all', async () => {
    for (const level of ['province', 'station'] as const) {
      const v = await viewerFor(app, level, 'officer');
      for (const q of [NUMBERED_HOTEL, '火车站88店', '如家快捷酒店（火车站88店）']) {
        expect((await search(graph, v, q, null, 1, 20)).items.map((i) => i.eid), `${level} ${q}`).toContain('L-SR9');
      }
    }
  });

  it('each hit tells the three 张伟 apart: birth year, sex, home county, masked ID tail, sources', async () => {
    const b = await searchAs('province', '张伟');
    const byEid = new Map(b.items.map((i) => [i.eid, i]));
    expect(byEid.get('P-SR1')).toMatchObject({ name: '张伟', birthYear: '1985', sex: '男', homeCounty: { code: '620102', name: '城关区' }, idTail: '…7777', sources: [FX.open] });
    expect(byEid.get('P-SR2')).toMatchObject({ birthYear: '1992', sex: '女', homeCounty: { code: '620103', name: '七里河区' }, idTail: '…4448' });
    expect(byEid.get('P-SR3')).toMatchObject({ birthYear: '1970', homeCounty: { code: '620104' }, idTail: '…5555' });
    // A masked viewer gets the same tail (the mask shows it) and never the whole ID.
    const s = await searchAs('station', '张伟');
    expect(s.items.find((i) => i.eid === 'P-SR1')?.idTail).toBe('…7777');
    expect(JSON.stringify(s)).not.toContain('620102198501017777');
  });
});

describe('ranks the person a query names before one an alias record merely shares a name part with', () => {
  it('a family or given name alone is a prefix match, not an exact one', async () => {
    const one = await searchAs('station', '张');
    const alias = one.items.find((i) => i.eid === 'P-SR6');
    // 程敬 is found (one of his records says 张轮山), as a prefix match like every 张…
    expect(alias?.matchedBy).toEqual(['prefix']);
    // … and after the persons whose own name begins with 张.
    const ids = eids(one);
    for (const e of ['P-SR1', 'P-SR2', 'P-SR3', 'P-SR5']) expect(ids.indexOf(e), e).toBeLessThan(ids.indexOf('P-SR6'));
    // A given name equal to the term is not `exact` either; the whole alias still is.
    expect((await searchAs('station', '轮山')).items.find((i) => i.eid === 'P-SR6')?.matchedBy).toEqual(['prefix']);
    expect((await searchAs('station', '张轮山')).items.find((i) => i.eid === 'P-SR6')?.matchedBy).toEqual(['exact']);
  });

  it('full Pinyin is a Pinyin match, not an exact one', async () => {
    const b = await searchAs('station', 'zhangwei');
    expect(b.items.find((i) => i.eid === 'P-SR1')?.matchedBy).toEqual(['pinyin']);
  });
});

describe('never returns what the viewer may not see', () => {
  it('the 张伟 known only to the non-shared source is absent for a station officer, by name, Pinyin, initials and ID tail', async () => {
    for (const q of ['张伟', 'zhangwei', 'zw', '7777', '9097777', '620102199909097777']) {
      const b = await searchAs('station', q);
      expect(eids(b), q).not.toContain('P-SR4');
      expect(JSON.stringify(b), q).not.toContain('620102199909097777');
    }
  });

  it('the owner unit of that source finds it', async () => {
    expect(eids(await searchAs('county', '张伟'))).toContain('P-SR4');
  });
});

describe('a hit shows no more than the profile', () => {
  type Golden = Record<string, { value: unknown; masked: boolean } | undefined>;
  async function profileAs(level: 'province' | 'city' | 'county' | 'station', eid: string) {
    const res = await as(app, level, 'officer')({ url: `/api/entities/${eid}` });
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as { golden: Golden; identifiers: { value: string; masked: boolean }[] };
  }

  it('a birth year never beside a second resident ID the viewer sees masked (its hidden middle)', async () => {
    // The county's grant unmasks ID A; ID B, from the open source, stays masked for it.
    const profile = await profileAs('county', 'P-SR7');
    expect(profile.identifiers.find((i) => i.value.endsWith('3333'))?.masked).toBe(true);
    expect(profile.golden.birthDate?.masked).toBe(true);
    for (const q of ['赵敏', 'zhaomin', 'zm', '8888', '3333']) {
      const hit = (await searchAs('county', q)).items.find((i) => i.eid === 'P-SR7');
      expect(hit, q).toBeDefined();
      expect(hit?.birthYear, q).toBeNull();
      expect(JSON.stringify(hit), q).not.toContain('1990');
    }
    // The owner of the open source reads both IDs, and the birth year with them.
    expect((await searchAs('province', '赵敏')).items.find((i) => i.eid === 'P-SR7')?.birthYear).toBe('1990');
  });

  it('for every viewer and hit: a birth year, sex or home county only where the profile shows it in plain', async () => {
    for (const level of ['province', 'city', 'county', 'station'] as const) {
      for (const q of ['张伟', '赵敏', '7777', '8888', '3333', 'zw']) {
        for (const hit of (await searchAs(level, q)).items) {
          const g = (await profileAs(level, hit.eid)).golden;
          const plain = (attr: string) => g[attr] !== undefined && !g[attr]?.masked;
          const where = `${level} ${q} ${hit.eid}`;
          if (!plain('birthDate')) expect(hit.birthYear, where).toBeNull();
          else expect(hit.birthYear, where).toBe(String(g.birthDate?.value).slice(0, 4));
          if (!plain('sex')) expect(hit.sex, where).toBeNull();
          if (!plain('homeDivision')) expect(hit.homeCounty, where).toBeNull();
        }
      }
    }
  });
});
