/**
 * Findings of the seventh security review, each kept as the test that failed before its fix. Both
 * are one class: a node's values, merged over every source, decided an answer for a viewer who does
 * not see the entity whole.
 * - P7 search: a candidate whose node name (the golden name over every source) matched a term got
 *   the golden-name bonus, and its node's Pinyin decided a match, though a hidden source's votes
 *   chose that name: the rank (and whether a Pinyin term hits at all) told what the hidden source
 *   says. A node decides or ranks only when `seenWhole`; else the viewer's own golden name does.
 * - P3 series: candidate cases were filtered in Cypher by the case node's merged type, time and
 *   scene, so a hidden record moved a case into or out of a seed's series window. Cases not seen
 *   whole are decided on their visible records (`readSeriesCandidates` → `{ whole, partly }`), their
 *   scene too: the point their visible records choose, not the node's (`viewerPosition`).
 */
import { type Graph, writeTx } from '@onemap/graph-schema/server';
import type { FastifyInstance } from 'fastify';
import { describe, expect, it } from 'vitest';
import { as, useServerApp } from '../helpers/server-app.ts';
import { FX } from '../helpers/server-fixtures.ts';

let graph: Graph;
let app: FastifyInstance;

/** Two persons with the same visible records (two say 王探针, one 张探针); A also has two records of fx_closed naming him 张探针. */
const A = 'P-S15A';
const B = 'P-S15B';
const PERSON_RECORDS = [
  // [suffix, source, name, pyFamily, receivedAt]
  ['1', FX.open, '王探针', 'wang', '2026-10-01T00:00:00Z'],
  ['2', FX.open, '王探针', 'wang', '2026-10-02T00:00:00Z'],
  ['3', FX.open, '张探针', 'zhang', '2026-10-05T00:00:00Z'],
] as const;
const HIDDEN_PERSON_RECORDS = [
  ['4', FX.closed, '张探针', 'zhang', '2026-10-03T00:00:00Z'],
  ['5', FX.closed, '张探针', 'zhang', '2026-10-04T00:00:00Z'],
] as const;

/** Series: a seed case, a case whose hidden record moves it out of the window (IN) and one whose hidden record moves it in (OUT). */
const SEED = 'C-S15SEED';
const IN = 'C-S15IN';
const OUT = 'C-S15OUT';
const SCENE = 'C-S15SCN';
const SUSPECT = 'P-S15SUS';
type CaseValues = { caseType: string; occurredAt: string; lon: number; lat: number };
const VISIBLE_CASE: Record<string, CaseValues> = {
  [SEED]: { caseType: '盗窃', occurredAt: '2026-11-10T02:00:00', lon: 103.7, lat: 36.4 },
  [IN]: { caseType: '盗窃', occurredAt: '2026-11-11T02:30:00', lon: 103.71, lat: 36.41 },
  [OUT]: { caseType: '盗窃', occurredAt: '2026-09-01T02:30:00', lon: 103.72, lat: 36.42 },
  [SCENE]: { caseType: '盗窃', occurredAt: '2026-11-12T01:00:00', lon: 103.73, lat: 36.39 },
};
/**
 * What fx_closed says of IN, OUT and SCENE (twice each, so the node's values are these): IN another
 * type and month, OUT a time inside the window, SCENE a scene 800 km away (the node's point then
 * comes from fx_closed's record, as its provenance says).
 */
const HIDDEN_CASE: Record<string, CaseValues> = {
  [IN]: { caseType: '诈骗', occurredAt: '2026-06-01T12:00:00', lon: 103.71, lat: 36.41 },
  [OUT]: { caseType: '盗窃', occurredAt: '2026-11-11T03:00:00', lon: 103.72, lat: 36.42 },
  [SCENE]: { caseType: '盗窃', occurredAt: '2026-11-12T01:00:00', lon: 111.5, lat: 40.8 },
};
const MOVED = Object.keys(HIDDEN_CASE);
/** The case node's provenance of its point: the record it was chosen from. */
const pointProvenance = (rid: string) =>
  JSON.stringify({ lon: { source: rid.split(':')[0], rid }, lat: { source: rid.split(':')[0], rid } });
const visibleRid = (eid: string) => `${FX.open}:${eid}`;
const pointRid = (eid: string) => {
  const h = HIDDEN_CASE[eid];
  const v = VISIBLE_CASE[eid] as CaseValues;
  return h && (h.lon !== v.lon || h.lat !== v.lat) ? `${FX.closed}:${eid}-h1` : visibleRid(eid);
};

const caseAttrs = (eid: string, v: CaseValues) =>
  JSON.stringify({ case: { caseNumber: `A6201022026S15${eid.slice(-3)}`, ...v } });

useServerApp(
  { RATE_LIMIT_PER_MINUTE: 1_000_000 },
  (s) => {
    ({ app, graph } = s);
  },
  async (g) => {
    await writeTx(g, async (tx) => {
      // P7: A's node is named 张探针 (three records of five, over every source), traced to the visible
      // record s15a3; B's node, over its three visible records only, is named 王探针.
      for (const [eid, name, py, nameRid, hidden] of [
        [A, '张探针', 'zhang tanzhen', `${FX.open}:${A}-3`, HIDDEN_PERSON_RECORDS],
        [B, '王探针', 'wang tanzhen', `${FX.open}:${B}-2`, []],
      ] as const) {
        await tx.run(
          `CREATE (p:Entity:Person {eid: $eid, name: $name, namePinyin: $py, searchText: '张探针 王探针',
                                    pinyinKeys: 'zhang wang tanzhen zhangtanzhen wangtanzhen', pinyinInitials: 'ztz wtz',
                                    provenance: $prov})
           WITH p
           UNWIND $records AS x
           CREATE (r:SourceRecord {rid: x.source + ':' + $eid + '-' + x.n, source: x.source, recordId: $eid + '-' + x.n, receivedAt: datetime(x.at),
                                   attrs: x.attrs, hash: $eid + x.n})
           CREATE (r)-[:RESOLVED_TO {role: 'person', decision: 'anchor', score: 1.0, at: datetime()}]->(p)`,
          {
            eid,
            name,
            py,
            prov: JSON.stringify({ name: { source: FX.open, rid: nameRid } }),
            records: [...PERSON_RECORDS, ...hidden].map(([n, source, nm, pyFamily, at]) => ({
              n,
              source,
              at,
              attrs: JSON.stringify({ person: { name: nm, pyFamily, pyGiven: 'tanzhen' } }),
            })),
          },
        );
      }
      // P3: four visible cases of fx_open with one visible suspect; IN, OUT and SCENE also known to
      // fx_closed, whose two records each give the node their type, time and scene.
      for (const eid of [SEED, ...MOVED]) {
        const visible = VISIBLE_CASE[eid] as CaseValues;
        const node = HIDDEN_CASE[eid] ?? visible;
        await tx.run(
          `CREATE (c:Entity:Case {eid: $eid, name: $eid, caseType: $node.caseType, occurredAt: $node.occurredAt,
                                  location: point({longitude: $node.lon, latitude: $node.lat}), provenance: $prov})
           CREATE (r:SourceRecord {rid: $open + ':' + $eid, source: $open, recordId: $eid, receivedAt: datetime('2026-11-12T00:00:00Z'), attrs: $attrs, hash: $eid})
           CREATE (r)-[:RESOLVED_TO {role: 'case', decision: 'anchor', score: 1.0, at: datetime()}]->(c)
           WITH c
           UNWIND $hidden AS h
           CREATE (hr:SourceRecord {rid: $closed + ':' + $eid + '-' + h, source: $closed, recordId: $eid + '-' + h, receivedAt: datetime('2026-11-12T00:00:00Z'),
                                    attrs: $hiddenAttrs, hash: $eid + h})
           CREATE (hr)-[:RESOLVED_TO {role: 'case', decision: 'anchor', score: 1.0, at: datetime()}]->(c)`,
          {
            eid,
            node,
            open: FX.open,
            closed: FX.closed,
            attrs: caseAttrs(eid, visible),
            prov: pointProvenance(pointRid(eid)),
            hidden: HIDDEN_CASE[eid] ? ['h1', 'h2'] : [],
            hiddenAttrs: HIDDEN_CASE[eid] ? caseAttrs(eid, HIDDEN_CASE[eid]) : '{}',
          },
        );
      }
      await tx.run(
        `CREATE (p:Entity:Person {eid: $sus, name: '串并嫌疑', provenance: '{}'})
         CREATE (r:SourceRecord {rid: $open + ':' + $sus, source: $open, recordId: $sus, receivedAt: datetime('2026-11-12T00:00:00Z'),
                                 attrs: '{"person":{"name":"串并嫌疑"}}', hash: $sus})
         CREATE (r)-[:RESOLVED_TO {role: 'person', decision: 'anchor', score: 1.0, at: datetime()}]->(p)
         WITH p
         MATCH (c:Case) WHERE c.eid IN $cases
         CREATE (p)-[:INVOLVED_IN {source: $open, rid: $open + ':inv-' + c.eid, role: '嫌疑人'}]->(c)`,
        { sus: SUSPECT, open: FX.open, cases: [SEED, ...MOVED] },
      );
    });
  },
);

describe('P7 search: the golden name over every source ranks and decides a hit the viewer does not see whole', () => {
  type Hit = { eid: string; score: number; matchedBy: string[] };
  const hitsFor = async (q: string) => {
    const res = await as(app, 'station', 'officer')({ url: `/api/search?q=${encodeURIComponent(q)}&pageSize=50` });
    expect(res.statusCode, res.body).toBe(200);
    const items = res.json().items as Hit[];
    const of = (eid: string) => {
      const h = items.find((x) => x.eid === eid);
      return h ? { score: h.score, matchedBy: [...h.matchedBy].sort() } : null;
    };
    return { a: of(A), b: of(B) };
  };

  it('a hidden source naming A exactly as the term gives A no higher rank than B, whose visible records are the same', async () => {
    const { a, b } = await hitsFor('张探针');
    expect(b, 'B is found by the name one of its visible records states').not.toBeNull();
    expect(a, 'the same visible records: the same hit, the same rank').toEqual(b);
  });

  it("A's node Pinyin (of the name the hidden source votes for) makes no hit B would not be", async () => {
    for (const q of ['zhangtanzhen', 'wangtanzhen']) {
      const { a, b } = await hitsFor(q);
      expect(a, `${q}: the same visible records, the same answer`).toEqual(b);
    }
    // the viewer's own golden name, 王探针, is still found by its Pinyin
    expect((await hitsFor('wangtanzhen')).a).not.toBeNull();
  });
});

describe('P3 series: a hidden record moves a case into or out of the series window', () => {
  it("the seed's series answers the same with and without fx_closed's records of IN, OUT and SCENE", async () => {
    const series = async () => {
      const res = await as(app, 'station', 'analyst')({ url: `/api/analysis/series?eid=${SEED}` });
      expect(res.statusCode, res.body).toBe(200);
      return res.json();
    };
    const withHidden = await series();
    // IN and SCENE are in the window by what the station sees (same type, a day or two apart, within 3 km): members
    expect(withHidden.cases.map((c: { entity: { eid: string } }) => c.entity.eid)).toEqual(
      expect.arrayContaining([IN, SCENE]),
    );
    // as the graph would be had fx_closed never known these cases: the nodes' values are the visible records'
    await writeTx(graph, async (tx) => {
      await tx.run(
        `MATCH (r:SourceRecord)-[:RESOLVED_TO]->(c:Case) WHERE c.eid IN $cases AND r.source = $closed DETACH DELETE r`,
        { cases: MOVED, closed: FX.closed },
      );
      for (const eid of MOVED) {
        const v = VISIBLE_CASE[eid] as CaseValues;
        await tx.run(
          `MATCH (c:Case {eid: $eid})
           SET c.caseType = $v.caseType, c.occurredAt = $v.occurredAt, c.location = point({longitude: $v.lon, latitude: $v.lat}), c.provenance = $prov`,
          { eid, v, prov: pointProvenance(visibleRid(eid)) },
        );
      }
    });
    const withoutHidden = await series();
    expect(withHidden, 'a hidden record decides nothing of the answer').toEqual(withoutHidden);
  });
});
