/**
 * What a profile request reads in the database, counted: every statement of `buildProfile` runs
 * under `PROFILE` and its db hits are summed, for (a) an ordinary person with a few records, (b) a
 * person whose neighbour is a hub (a hotel with thousands of stays) and (c) that hub itself, for a
 * viewer who sees every source and one who does not (the hub is then not seen whole). Counts,
 * never time: the figures are in docs/api.md ("A profile's db hits").
 */
import { type Graph, readTx, writeTx } from '@onemap/graph-schema/server';
import type { FastifyInstance } from 'fastify';
import type { ProfiledPlan } from 'neo4j-driver';
import { describe, expect, it } from 'vitest';
import type { Viewer } from '../../server/src/access/viewer.ts';
import type { Profile } from '../../server/src/schemas/entities.ts';
import { buildProfile, requireVisibleEntity, summaries } from '../../server/src/services/entity-view.ts';
import { neighbourhood } from '../../server/src/services/relations.ts';
import { profilingRunner, replanOnCurrentStatistics, totalHits } from '../helpers/plans.ts';
import { useServerApp, viewerFor } from '../helpers/server-app.ts';
import { FX } from '../helpers/server-fixtures.ts';

let graph: Graph;
let app: FastifyInstance;
const ORDINARY = 'P-DH1';
const NEIGHBOUR = 'P-DH2';
const HUB = 'L-DH1';
const STAYS = 1500;

useServerApp(
  { RATE_LIMIT_PER_MINUTE: 1_000_000 },
  (s) => {
    ({ app, graph } = s);
  },
  async (graph) => {
    // As the writers keep them: `inSources` on every entity, the place facts on every place.
    await writeTx(graph, (tx) =>
      tx.run(
        `CREATE (h:Entity:Place {eid: $hub, name: '兰州大酒店', placeKind: 'hotel', location: point({longitude: 103.83, latitude: 36.06}),
                                  provenance: $hprov, inSources: [$open, $cond], recordRoles: [$cond + ':hotel', $open + ':hotel'], homeSources: []})
         CREATE (c:Entity:Place {eid: 'L-DH2', name: '网吧', placeKind: 'internet_cafe', location: point({longitude: 103.80, latitude: 36.05}),
                                  provenance: $cprov, inSources: [$open], recordRoles: [$open + ':place'], homeSources: []})
         CREATE (csr:SourceRecord {rid: $open + ':dhc', source: $open, recordId: 'dhc', receivedAt: datetime('2026-10-01T00:00:00Z'), hash: 'c', attrs: '{"place":{"name":"网吧"}}'})
         CREATE (csr)-[:RESOLVED_TO {role: 'place', decision: 'anchor', score: 1.0}]->(c)
         CREATE (t:Entity:Phone {eid: 'T-DH1', number: '+8613800009901', inSources: [$open]})
         CREATE (o:Entity:Organization {eid: 'O-DH1', name: '兰州某公司', inSources: [$cond]})
         CREATE (a:Entity:Person {eid: $ordinary, name: '李明', inSources: [$open, $cond], provenance: $aprov})
         CREATE (b:Entity:Person {eid: $neighbour, name: '王芳', inSources: [$open, $cond], provenance: $bprov})
         WITH h, c, t, o, a, b
         UNWIND [[a, $open, 'a1', 1], [a, $open, 'a2', 2], [a, $cond, 'a3', 3], [b, $open, 'b1', 1], [b, $cond, 'b2', 2]] AS x
         WITH h, c, t, o, a, b, x[0] AS p, x[1] AS src, x[2] AS id, x[3] AS k
         CREATE (sr:SourceRecord {rid: src + ':' + id, source: src, recordId: id, receivedAt: datetime('2026-10-01T00:00:00Z') + duration({hours: k}), hash: id,
                                  attrs: '{"person":{"name":"' + p.name + '","phone":"+8613800009901"}}'})
         CREATE (sr)-[:RESOLVED_TO {role: 'person', decision: 'anchor', score: 1.0}]->(p)
         WITH DISTINCT h, c, t, o, a, b
         MERGE (pn:Identifier {kind: 'phone', value: '+8613800009901'}) ON CREATE SET pn.valueReversed = reverse(pn.value)
         CREATE (a)-[:HAS_IDENTIFIER {source: $open, rid: $open + ':a1'}]->(pn)
         CREATE (a)-[:HAS_PHONE {source: $open, rid: $open + ':a1'}]->(t)
         CREATE (a)-[:WORKS_FOR {source: $cond, rid: $cond + ':a3'}]->(o)
         CREATE (b)-[:WORKS_FOR {source: $open, rid: $open + ':b1'}]->(h)
         WITH h, c, a, b
         UNWIND range(1, 3) AS k
         CREATE (a)-[:VISITED {at: datetime('2026-10-02T00:00:00Z') + duration({hours: k}), kind: 'internet_login', source: $open, rid: $open + ':av' + k, place: c.eid}]->(c)
         CREATE (b)-[:VISITED {at: datetime('2026-10-02T00:00:00Z') + duration({hours: k}), kind: 'hotel_stay', source: $open, rid: $open + ':bv' + k, place: h.eid}]->(h)`,
        {
          hub: HUB,
          ordinary: ORDINARY,
          neighbour: NEIGHBOUR,
          open: FX.open,
          cond: FX.cond,
          hprov: JSON.stringify({
            name: { source: FX.open, rid: `${FX.open}:st1` },
            placeKind: { source: FX.open, rid: `${FX.open}:st1` },
          }),
          cprov: JSON.stringify({ name: { source: FX.open, rid: `${FX.open}:dhc` } }),
          aprov: JSON.stringify({ name: { source: FX.open, rid: `${FX.open}:a1` } }),
          bprov: JSON.stringify({ name: { source: FX.open, rid: `${FX.open}:b1` } }),
        },
      ),
    );
    // The hub's stays: a guest, a record resolved to the guest and the hotel, a visit.
    await writeTx(graph, (tx) =>
      tx.run(
        `MATCH (h:Place {eid: $hub})
         UNWIND range(1, $n) AS k
         WITH h, k, CASE WHEN k % 3 = 0 THEN $cond ELSE $open END AS src
         CREATE (g:Entity:Person {eid: 'P-DHG' + k, name: '旅客' + k, inSources: [src]})
         CREATE (sr:SourceRecord {rid: src + ':st' + k, source: src, recordId: 'st' + k, receivedAt: datetime('2026-10-01T00:00:00Z') + duration({minutes: k}), hash: 'st' + k,
                                  attrs: '{"hotel":{"name":"兰州大酒店"},"person":{"name":"旅客"}}'})
         CREATE (sr)-[:RESOLVED_TO {role: 'hotel', decision: 'anchor', score: 1.0}]->(h)
         CREATE (sr)-[:RESOLVED_TO {role: 'person', decision: 'anchor', score: 1.0}]->(g)
         CREATE (g)-[:VISITED {at: datetime('2026-10-01T00:00:00Z') + duration({minutes: k}), kind: 'hotel_stay', source: src, rid: src + ':st' + k, place: h.eid}]->(h)`,
        { hub: HUB, n: STAYS, open: FX.open, cond: FX.cond },
      ),
    );
    await replanOnCurrentStatistics(graph);
  },
);

/** Rows of the plan's operators that expand the profiled entity's records (`(e)<-[…:RESOLVED_TO]-(sr)`). */
function recordRowsExpanded(p: ProfiledPlan): number {
  const details = String((p.arguments as Record<string, unknown>).Details ?? '');
  const own = /Expand/.test(p.operatorType) && /\(e\)<-\[\w+:RESOLVED_TO\]-\(sr\)/.test(details) ? p.rows : 0;
  return own + p.children.reduce((s, c) => s + recordRowsExpanded(c), 0);
}

/** `buildProfile` with every statement under PROFILE: each statement's plan, and the answer. */
async function profiled(
  eid: string,
  viewer: Viewer,
): Promise<{ plans: ProfiledPlan[]; hits: number[]; answer: unknown }> {
  const plans: ProfiledPlan[] = [];
  const answer = await readTx(graph, (tx) => buildProfile({ tx: profilingRunner(tx, plans) }, eid, viewer));
  return { plans, hits: plans.map(totalHits), answer };
}

async function viewers() {
  const whole = await viewerFor(app, 'county', 'analyst'); // sees fx_open and fx_cond
  const partial = await viewerFor(app, 'otherCity', 'analyst'); // fx_open only: the hub is not seen whole
  expect(whole.visibleSources).toEqual(expect.arrayContaining([FX.open, FX.cond]));
  expect(partial.visibleSources).toContain(FX.open);
  expect(partial.visibleSources).not.toContain(FX.cond);
  return { whole, partial };
}

describe("a profile's db hits", () => {
  it("reads each of a hub's visible records once: the record window and the per-source counts share one expansion", async () => {
    for (const viewer of Object.values(await viewers())) {
      const { plans, answer } = await profiled(HUB, viewer);
      const profile = answer as Profile;
      const counted = profile.sources.reduce((a, x) => a + x.records, 0);
      // every visible stay counted (fewer than the scan limit), the window full
      expect(counted).toBe(viewer.visibleSources.includes(FX.cond) ? STAYS : STAYS - STAYS / 3);
      expect(profile.records).toHaveLength(50);
      // the profile's statement expands the hub's records once: no more rows than it has visible records
      const first = plans[0];
      expect(first).toBeDefined();
      expect(recordRowsExpanded(first as ProfiledPlan)).toBe(counted);
    }
  });

  it('reads (a) an ordinary person, (b) a hub neighbour, (c) a hub within bounds of their own, for both viewers (figures: ONEMAP_PRINT_PLANS=1)', async () => {
    const { whole, partial } = await viewers();
    const lines: string[] = [];
    const total: Record<string, number> = {};
    for (const [label, eid] of [
      ['(a) ordinary', ORDINARY],
      ['(b) hub neighbour', NEIGHBOUR],
      ['(c) hub', HUB],
    ] as const) {
      for (const [vname, viewer] of [
        ['whole', whole],
        ['partial', partial],
      ] as const) {
        const { hits } = await profiled(eid, viewer);
        total[`${label} ${vname}`] = hits.reduce((a, b) => a + b, 0);
        lines.push(`${label} ${vname}: ${hits.join(' + ')} = ${total[`${label} ${vname}`]}`);
      }
    }
    if (process.env.ONEMAP_PRINT_PLANS) console.log(lines.join('\n'));
    // what a profile reads is bounded by its own edges and limits, never by the records of the
    // viewer's sources (a plan that seeks the SourceRecord(source) index read them all: 10–40k here)
    for (const v of ['whole', 'partial']) {
      expect(total[`(a) ordinary ${v}`], lines.join('\n')).toBeLessThan(1_000);
      expect(total[`(b) hub neighbour ${v}`], lines.join('\n')).toBeLessThan(1_500);
      expect(total[`(c) hub ${v}`], lines.join('\n')).toBeLessThan(10_000);
    }
  });
});

describe('an entity looked up for its eid and kind', () => {
  it('reads none of its records (a trajectory, co-location, a path, a rule or a watch needs only those), and is as visible as read whole', async () => {
    for (const viewer of Object.values(await viewers())) {
      const expanded = async (records: number | undefined) => {
        const plans: ProfiledPlan[] = [];
        const found = await readTx(graph, (tx) =>
          requireVisibleEntity({ tx: profilingRunner(tx, plans) }, HUB, viewer, { records }),
        );
        expect(plans).toHaveLength(1);
        return { row: found.row, rows: recordRowsExpanded(plans[0] as ProfiledPlan) };
      };
      const bare = await expanded(0);
      const whole = await expanded(undefined);
      expect(bare.rows).toBe(0);
      expect(bare.row.records).toEqual([]);
      expect(whole.rows).toBeGreaterThan(200); // the hub's window: its newest 200 of up to 1 000 visible records
      expect({
        eid: bare.row.eid,
        kind: bare.row.kind,
        visible: bare.row.visible,
        seenWhole: bare.row.seenWhole,
      }).toEqual({
        eid: whole.row.eid,
        kind: whole.row.kind,
        visible: whole.row.visible,
        seenWhole: whole.row.seenWhole,
      });
    }
  });
});

describe("a relation graph's reads", () => {
  it("reads a neighbour's node once: a person the hop found unnamed for the viewer is summarized from its records, not looked up again", async () => {
    const { whole, partial } = await viewers();
    for (const [vname, viewer] of [
      ['whole', whole],
      ['partial', partial],
    ] as const) {
      const queries: string[] = [];
      // the hub's relation graph: hop 1 is the person who works for it (seen whole only by `whole`)
      const answer = await readTx(graph, (tx) =>
        neighbourhood({ tx: profilingRunner(tx, [], queries) }, HUB, viewer, 2, undefined, 200),
      );
      const node = answer.nodes.find((n) => n.eid === NEIGHBOUR);
      // the same summary as any entity gets (its node first, then its records)
      const reference = (await summaries(graph, [NEIGHBOUR], viewer)).get(NEIGHBOUR);
      expect(reference, vname).toBeDefined();
      expect(node, vname).toEqual({ ...reference, hop: 1 });
      // node summaries (`readNodeSummaries`, whose rows carry `homeHint`) are never read: the hop
      // read the person's node, and the root is a place read whole by its own statement
      expect(
        queries.filter((q) => q.includes('homeHint')),
        `${vname}: ${queries.map((q) => q.replace(/\s+/g, ' ').slice(0, 60)).join(' | ')}`,
      ).toEqual([]);
    }
    // what the partial viewer sees comes from its own records: the name fx_open states
    const partialAnswer = await neighbourhood(graph, HUB, partial, 2, undefined, 200);
    expect(partialAnswer.nodes.find((n) => n.eid === NEIGHBOUR)).toMatchObject({ name: '王芳', hop: 1 });
  });
});
