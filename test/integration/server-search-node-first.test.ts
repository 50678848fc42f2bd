/**
 * Search matches candidates on their nodes first (golden name, Pinyin, identifiers) and reads
 * records only for what the node cannot decide and for the page: the answer must be the one the
 * record path gives (every candidate's records read), for every viewer, and a value the viewer may
 * not see — a golden name from an invisible source, a masked name beyond what its mask shows —
 * never makes a hit.
 */
import { type Graph, writeTx } from '@onemap/graph-schema/server';
import type { FastifyInstance } from 'fastify';
import { chooseGoldenValue } from '@onemap/graph-schema';
import { describe, expect, it } from 'vitest';
import type { Viewer } from '../../server/src/access/viewer.ts';
import { type SearchStats, search } from '../../server/src/services/search.ts';
import { as, useServerApp, viewerFor } from '../helpers/server-app.ts';
import { FX } from '../helpers/server-fixtures.ts';

let graph: Graph;
let app: FastifyInstance;

interface Rec {
  source: string;
  name: string;
  residentId: string;
  birthDate: string;
  sex: string;
  at: string;
  /** The name's Pinyin as the record states it (family, given), when it does. */
  py?: [string, string];
}
/**
 * Persons as the pipeline writes them: golden name with provenance (the latest record stating it),
 * searchText with Pinyin and identifiers. NF5's golden name comes from the non-shared source while
 * its shared record says another name; NF6 is known only to the non-shared source.
 */
const PEOPLE: { eid: string; name: string; py: string; ini: string; golden: number; recs: Rec[] }[] = [
  {
    eid: 'P-NF1',
    name: '李娜',
    py: 'li na',
    ini: 'ln',
    golden: 0,
    recs: [
      {
        source: FX.open,
        name: '李娜',
        residentId: '620102198501011234',
        birthDate: '1985-01-01',
        sex: '女',
        at: '2026-10-02',
      },
    ],
  },
  {
    eid: 'P-NF2',
    name: '李娜',
    py: 'li na',
    ini: 'ln',
    golden: 1,
    recs: [
      {
        source: FX.open,
        name: '李娜',
        residentId: '620103199202021234',
        birthDate: '1992-02-02',
        sex: '女',
        at: '2026-10-01',
      },
      {
        source: FX.cond,
        name: '李娜',
        residentId: '620103199202021234',
        birthDate: '1992-02-02',
        sex: '女',
        at: '2026-10-03',
      },
    ],
  },
  {
    eid: 'P-NF3',
    name: '李娜娜',
    py: 'li nana',
    ini: 'lnn',
    golden: 0,
    recs: [
      {
        source: FX.open,
        name: '李娜娜',
        residentId: '620104197003035678',
        birthDate: '1970-03-03',
        sex: '女',
        at: '2026-10-02',
      },
    ],
  },
  {
    eid: 'P-NF4',
    name: '李纳',
    py: 'li na',
    ini: 'ln',
    golden: 0,
    recs: [
      {
        source: FX.cond,
        name: '李纳',
        residentId: '620102196006069999',
        birthDate: '1960-06-06',
        sex: '男',
        at: '2026-10-02',
      },
    ],
  },
  {
    eid: 'P-NF5',
    name: '李秘密',
    py: 'li mimi',
    ini: 'lmm',
    golden: 1,
    recs: [
      {
        source: FX.open,
        name: '李公开',
        residentId: '620102199909094321',
        birthDate: '1999-09-09',
        sex: '男',
        at: '2026-10-01',
      },
      {
        source: FX.closed,
        name: '李秘密',
        residentId: '620102199909094321',
        birthDate: '1999-09-09',
        sex: '男',
        at: '2026-10-05',
      },
    ],
  },
  {
    eid: 'P-NF6',
    name: '李娜',
    py: 'li na',
    ini: 'ln',
    golden: 0,
    recs: [
      {
        source: FX.closed,
        name: '李娜',
        residentId: '620102200001011234',
        birthDate: '2000-01-01',
        sex: '女',
        at: '2026-10-02',
      },
    ],
  },
  {
    // Named by fx_open (made the authority for names by the viewers of the last test) and also
    // known to the non-shared source: not seen whole by the station, yet its name is the station's own.
    eid: 'P-NF7',
    name: '李娜',
    py: 'li na',
    ini: 'ln',
    golden: 0,
    recs: [
      {
        source: FX.open,
        name: '李娜',
        residentId: '620102198807071234',
        birthDate: '1988-07-07',
        sex: '女',
        at: '2026-10-01',
        py: ['li', 'na'],
      },
      {
        source: FX.closed,
        name: '李娜',
        residentId: '620102198807071234',
        birthDate: '1988-07-07',
        sex: '女',
        at: '2026-10-04',
      },
    ],
  },
];

/** What a record states of its person: the household division is its resident ID's county. */
function recordAttrs(r: Rec): Record<string, string> {
  const py: Record<string, string> = r.py ? { pyFamily: r.py[0], pyGiven: r.py[1] } : {};
  return { name: r.name, residentId: r.residentId, birthDate: r.birthDate, sex: r.sex, homeDivision: r.residentId.slice(0, 6), ...py };
}

/** A hit's detail attributes and the node properties that hold them (resolver `nodePropertyOf`). */
const DETAIL_PROPERTIES = { residentId: 'residentId', birthDate: 'birthDate', sex: 'sex', homeDivision: 'unitCode' } as const;

useServerApp(
  { RATE_LIMIT_PER_MINUTE: 1_000_000 },
  (s) => {
    ({ app, graph } = s);
  },
  async (graph) => {
    await writeTx(graph, async (tx) => {
      for (const p of PEOPLE) {
        const g = p.recs[p.golden] as Rec;
        const rid = (i: number) => `${p.recs[i]?.source}:${p.eid}:${i}`;
        const sources = [...new Set(p.recs.map((r) => r.source))].sort();
        // the details a hit shows, as the pipeline chooses them over every record (no source an authority here)
        const details: Record<string, string> = {};
        const detailProv: Record<string, { source: string; rid: string }> = {};
        for (const [attr, prop] of Object.entries(DETAIL_PROPERTIES)) {
          const best = chooseGoldenValue(p.recs.map((r, i) => ({ value: recordAttrs(r)[attr], source: r.source, rid: rid(i), authoritative: false, at: Date.parse(`${r.at}T00:00:00Z`) })));
          if (!best) continue;
          details[prop] = String(best.value);
          detailProv[prop] = { source: best.source, rid: best.rid };
        }
        await tx.run(
          `CREATE (e:Entity:Person {eid: $eid, name: $name, namePinyin: $py, searchText: $searchText, provenance: $prov, inSources: $sources}) SET e += $details`,
          {
            eid: p.eid,
            name: p.name,
            py: p.py,
            details,
            sources,
            searchText: `${p.recs.map((r) => r.name).join(' ')} ${p.py} ${p.py.replace(' ', '')} ${p.ini} ${g.residentId}`,
            prov: JSON.stringify({ ...detailProv, name: { source: g.source, rid: rid(p.golden) } }),
          },
        );
        for (const [i, r] of p.recs.entries()) {
          await tx.run(
            `MATCH (e:Entity {eid: $eid})
             CREATE (sr:SourceRecord {rid: $rid, source: $r.source, recordId: $rid, receivedAt: datetime($at), hash: $rid, attrs: $attrs})
             CREATE (sr)-[:RESOLVED_TO {role: 'person', decision: 'anchor', score: 1.0, at: datetime()}]->(e)
             MERGE (i:Identifier {kind: 'resident_id', value: $r.residentId}) ON CREATE SET i.valueReversed = reverse(i.value)
             MERGE (e)-[:HAS_IDENTIFIER {source: $r.source, rid: $rid}]->(i)`,
            {
              eid: p.eid,
              rid: rid(i),
              r,
              at: `${r.at}T00:00:00Z`,
              attrs: JSON.stringify({ person: recordAttrs(r) }),
            },
          );
        }
      }
    });
  },
);

const QUERIES = [
  '李娜',
  '李',
  'lina',
  'li na',
  'ln',
  'lnn',
  'linana',
  '1234',
  '4321',
  '李秘密',
  '李公开',
  '李娜 女',
  '李娜 1985',
  'limimi',
  // a given name's Pinyin alone, and with one typo: matched on the syllable groups of the golden name's Pinyin
  'nana',
  'mimu',
  '620102198501011234',
];

describe('node-first search', () => {
  it('answers exactly what the record path answers, for every viewer, query and page', async () => {
    // hits described on their nodes (details and sources) and from their records, per viewer
    const described = new Map<string, { onNode: number; pageHits: number }>();
    for (const level of ['province', 'county', 'station', 'otherCity'] as const) {
      for (const role of ['officer', 'analyst'] as const) {
        const v = await viewerFor(app, level, role);
        for (const q of QUERIES) {
          for (const [page, size] of [
            [1, 50],
            [1, 2],
            [2, 2],
          ] as const) {
            const stats = {} as SearchStats;
            const fast = await search(graph, v, q, ['Person'], page, size, { stats });
            const d = described.get(level) ?? { onNode: 0, pageHits: 0 };
            described.set(level, { onNode: d.onNode + stats.describedOnNode, pageHits: d.pageHits + stats.pageHits });
            const reference = await search(graph, v, q, ['Person'], page, size, { nodeFirst: false });
            const what = `${level} ${role} ${q} page ${page}/${size}`;
            // A page settled before every candidate (or every tier of a Pinyin term) was read says
            // so, and counts the hits found: a lower bound that still covers the page. The rest is the reference's.
            const { total, totalIsEstimate, ...answer } = fast;
            const { total: refTotal, ...refAnswer } = reference;
            expect(answer, what).toEqual(refAnswer);
            if (totalIsEstimate) {
              expect(total, what).toBeLessThanOrEqual(refTotal);
              expect(total, what).toBeGreaterThanOrEqual(Math.min(refTotal, page * size));
            } else expect(total, what).toBe(refTotal);
          }
        }
      }
    }
    // Hits decided on their nodes are described there when the node can tell (persons seen whole
    // here: no source is an authority), the rest from their records; fewer for the station and the
    // other city, which do not see fx_closed (P-NF5, P-NF7). Both answered as the reference does, above.
    const share = (level: string) => (described.get(level)?.onNode ?? 0) / (described.get(level)?.pageHits ?? 1);
    for (const level of described.keys()) expect(share(level), level).toBeGreaterThan(0);
    expect(share('station')).toBeLessThan(share('province'));
    expect(share('otherCity')).toBeLessThan(share('province'));
  });

  it('decides on the node a name a visible authority gave when no hidden source is one (一数一源), answering what the record path answers', async () => {
    // fx_open the authority for persons' names: hidden fx_closed records cannot vote on P-NF7's name
    const withAuthority = (v: Viewer): Viewer => ({ ...v, isAuthority: (s, ka) => s === FX.open && ka === 'Person.name' });
    for (const level of ['station', 'otherCity'] as const) {
      const plain = await viewerFor(app, level, 'officer');
      const v = withAuthority(plain);
      for (const q of QUERIES) {
        for (const [page, size] of [
          [1, 50],
          [1, 2],
          [2, 2],
        ] as const) {
          const fast = await search(graph, v, q, ['Person'], page, size);
          const reference = await search(graph, v, q, ['Person'], page, size, { nodeFirst: false });
          const what = `${level} ${q} page ${page}/${size}`;
          const { total, totalIsEstimate, ...answer } = fast;
          const { total: refTotal, ...refAnswer } = reference;
          expect(answer, what).toEqual(refAnswer);
          if (!totalIsEstimate) expect(total, what).toBe(refTotal);
        }
      }
      // P-NF7 decided on its node, by its name and by its name's record's Pinyin: fewer record
      // windows read than without the authority, the same hits
      for (const q of ['李娜', 'lina']) {
        const counted = async (viewer: Viewer) => {
          const stats = {} as SearchStats;
          const res = await search(graph, viewer, q, ['Person'], 1, 50, { stats });
          return { stats, eids: res.items.map((i) => i.eid) };
        };
        const [a, b] = [await counted(v), await counted(plain)];
        expect(a.eids, `${level} ${q}`).toContain('P-NF7');
        expect(a.eids, `${level} ${q}`).toEqual(b.eids);
        expect(a.stats.recordsToDecide, `${level} ${q}`).toBeLessThan(b.stats.recordsToDecide);
      }
    }
  });

  it('never matches a golden name whose source the viewer may not see, nor a person known only there', async () => {
    // The station sees fx_open (not the owner's non-shared fx_closed): NF5's node says 李秘密 (from fx_closed).
    for (const q of ['李秘密', 'limimi', 'lmm']) {
      const res = await as(app, 'station', 'officer')({ url: `/api/search?q=${encodeURIComponent(q)}&kind=Person` });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.body, q).not.toContain('P-NF5');
      expect(res.body, q).not.toContain('李秘密');
    }
    // Its shared record's name finds it, named as that record says.
    const open = await as(
      app,
      'station',
      'officer',
    )({ url: `/api/search?q=${encodeURIComponent('李公开')}&kind=Person` });
    expect(open.json().items.map((i: { eid: string }) => i.eid)).toContain('P-NF5');
    expect(open.body).not.toContain('李秘密');
    const b = await as(app, 'station', 'officer')({ url: `/api/search?q=${encodeURIComponent('李娜')}&kind=Person` });
    expect(b.body).not.toContain('P-NF6');
    // The owner unit sees fx_closed and finds both by the golden name.
    const owner = await as(
      app,
      'county',
      'officer',
    )({ url: `/api/search?q=${encodeURIComponent('李秘密')}&kind=Person` });
    expect(owner.json().items.map((i: { eid: string }) => i.eid)).toContain('P-NF5');
  });
});
