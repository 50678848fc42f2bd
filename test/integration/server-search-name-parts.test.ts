/**
 * A surname alone (`q=张`) matches a name by prefix, whichever way the match is found: on the
 * candidate's node (golden name 张伟) or in its records (a record's `family` 张). Before, a
 * record's `family` made an exact match, so a 章伟 whose alias record said 张伟 ranked above every
 * 张 matched on its node. A place whose name only holds the surname inside it (a checkpoint 泾川张村卡口)
 * matches by `contains`, below every person the surname begins.
 */
import { type Graph, writeTx } from '@onemap/graph-schema/server';
import type { FastifyInstance } from 'fastify';
import { describe, expect, it } from 'vitest';
import { as, useServerApp } from '../helpers/server-app.ts';
import { E, FX } from '../helpers/server-fixtures.ts';

const ALIAS = 'P-NP1';

async function seed(graph: Graph) {
  await writeTx(graph, (tx) =>
    tx.run(
      `CREATE (p:Entity:Person {eid: $eid, name: '章伟', namePinyin: 'zhang wei', searchText: '章伟 张伟', provenance: $prov, inSources: [$open]})
       CREATE (a:SourceRecord {rid: $open + ':np-1', source: $open, recordId: 'np-1', receivedAt: datetime('2026-10-01T00:00:00Z'), attrs: '{"person":{"name":"章伟","family":"章","given":"伟"}}'})
       CREATE (b:SourceRecord {rid: $open + ':np-2', source: $open, recordId: 'np-2', receivedAt: datetime('2026-10-02T00:00:00Z'), attrs: '{"person":{"name":"张伟","family":"张","given":"伟","pyFamily":"zhang"}}'})
       CREATE (a)-[:RESOLVED_TO {role: 'person', decision: 'anchor', score: 1.0}]->(p)
       CREATE (b)-[:RESOLVED_TO {role: 'person', decision: 'match', score: 1.0}]->(p)`,
      { eid: ALIAS, open: FX.open, prov: JSON.stringify({ name: { source: FX.open, rid: `${FX.open}:np-1` } }) },
    ),
  );
  // a checkpoint whose name holds 张 inside it, and sorts before every person by eid
  await writeTx(graph, (tx) =>
    tx.run(
      `CREATE (p:Entity:Place {eid: 'L-NP0', name: '泾川张村卡口', placeKind: 'checkpoint', searchText: '泾川张村卡口', provenance: $prov, inSources: [$open]})
       CREATE (r:SourceRecord {rid: $open + ':np-3', source: $open, recordId: 'np-3', receivedAt: datetime('2026-10-01T00:00:00Z'), attrs: '{"place":{"name":"泾川张村卡口","placeKind":"checkpoint"}}'})
       CREATE (r)-[:RESOLVED_TO {role: 'place', decision: 'anchor', score: 1.0}]->(p)`,
      { open: FX.open, prov: JSON.stringify({ name: { source: FX.open, rid: `${FX.open}:np-3` }, placeKind: { source: FX.open, rid: `${FX.open}:np-3` } }) },
    ),
  );
}

let app: FastifyInstance;
useServerApp({ RATE_LIMIT_PER_MINUTE: 1_000_000 }, (s) => ({ app } = s), seed);

describe('search by a surname', () => {
  it("matches a 张 on its node and a 章 by its alias record's family alike: by prefix", async () => {
    const res = await as(app, 'province', 'analyst')({ url: `/api/search?q=${encodeURIComponent('张')}` });
    expect(res.statusCode, res.body).toBe(200);
    const items = res.json().items as { eid: string; matchedBy: string[] }[];
    const zhang = items.find((h) => h.eid === E.P1);
    const alias = items.find((h) => h.eid === ALIAS);
    expect(zhang?.matchedBy).toEqual(['prefix']);
    expect(alias?.matchedBy).toEqual(['prefix']);
  });

  it('ranks a place that holds the surname inside its name (contains) below every person it begins (prefix)', async () => {
    const res = await as(app, 'province', 'analyst')({ url: `/api/search?q=${encodeURIComponent('张')}&pageSize=50` });
    expect(res.statusCode, res.body).toBe(200);
    const items = res.json().items as { eid: string; kind: string; matchedBy: string[]; score: number }[];
    const place = items.findIndex((h) => h.eid === 'L-NP0');
    expect(place, JSON.stringify(items.map((h) => [h.eid, h.matchedBy, h.score]))).toBeGreaterThanOrEqual(0);
    expect(items[place]?.matchedBy).toEqual(['contains']);
    const lastPrefix = items.map((h) => h.matchedBy.includes('prefix')).lastIndexOf(true);
    expect(lastPrefix, 'every prefix match comes before it').toBeLessThan(place);
  });

});
