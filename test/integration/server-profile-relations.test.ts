/**
 * A profile lists each relation once: the pipeline keeps one edge per source
 * (`MERGE (a)-[:HAS_PHONE {source}]->(b)`), and merges can bring two of the same source, so a
 * phone stated by three sources came back three times. One entry per (type, direction, other),
 * with the visible sources of its edges; an edge of a source the viewer may not see adds nothing.
 */
import { writeTx } from '@onemap/graph-schema/server';
import type { FastifyInstance } from 'fastify';
import { describe, expect, it } from 'vitest';
import type { Profile } from '../../server/src/schemas/entities.ts';
import { as, useServerApp } from '../helpers/server-app.ts';
import { E, FX } from '../helpers/server-fixtures.ts';

let app: FastifyInstance;
useServerApp(
  { RATE_LIMIT_PER_MINUTE: 1_000_000 },
  (s) => {
    ({ app } = s);
  },
  async (graph) => {
    // Besides the fixture's fx_open edge: the same phone from fx_cond, from fx_closed, and a second
    // fx_open edge (as a merge of two entities that both had it leaves behind).
    await writeTx(graph, (tx) =>
      tx.run(
        `MATCH (p:Entity {eid: $p}), (t:Entity {eid: $t})
         UNWIND $edges AS x
         CREATE (p)-[:HAS_PHONE {source: x.source, rid: x.rid, rids: [x.rid]}]->(t)`,
        { p: E.P1, t: E.phone, edges: [{ source: FX.cond, rid: 'fx_cond:1' }, { source: FX.closed, rid: 'fx_closed:1' }, { source: FX.open, rid: 'fx_open:9' }] },
      ),
    );
  },
);

async function phoneRelations(level: 'county' | 'otherCity') {
  const res = await as(app, level, 'analyst')({ url: `/api/entities/${E.P1}` });
  expect(res.statusCode, res.body).toBe(200);
  const profile = res.json() as Profile;
  return { profile, phones: profile.relations.filter((r) => r.type === 'HAS_PHONE' && r.other.eid === E.phone) };
}

describe('profile relations', () => {
  it('lists a phone stated by several sources once, with the sources the viewer may see', async () => {
    const { profile, phones } = await phoneRelations('county');
    expect(phones).toHaveLength(1);
    expect(phones[0]).toMatchObject({ direction: 'out', sources: [FX.closed, FX.cond, FX.open], source: FX.closed });
    const keys = profile.relations.map((r) => `${r.type}|${r.direction}|${r.other.eid}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('names no source the viewer may not see', async () => {
    const { phones } = await phoneRelations('otherCity');
    expect(phones).toHaveLength(1);
    expect(phones[0]?.sources).toEqual([FX.open]);
    expect(phones[0]?.source).toBe(FX.open);
  });
});
