/**
 * After every committed group the pipeline asks which watches and which early-warning rules follow
 * the entities it touched (through merges: two index seeks per touched eid). When no watch, or no
 * rule of the kinds asked, is active — the usual case — the reads follow no eid at all: their cost
 * does not grow with the group (before, hundreds of seeks per group for nothing). With one active,
 * each touched eid is followed again. Counts (db hits), never time. Own ids: `P-NF*`, `W-NF*`, `WR-NF*`.
 */
import { type Graph, readWatchesFollowing } from '@onemap/graph-schema/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readActiveWarningRules } from '../../resolver/src/graph/warnings.ts';
import { clearGraph, openTestGraph } from '../helpers/graph.ts';
import { profilingGraph, totalHits } from '../helpers/plans.ts';

/** The touched eids of a large group. */
const TOUCHED = Array.from({ length: 400 }, (_, k) => `P-NF${k}`);

let graph: Graph;
const q = (cypher: string, params: Record<string, unknown> = {}) =>
  graph.driver.executeQuery(cypher, params, { database: graph.database });

/** The db hits of one call of `read` on a graph whose reads are profiled. */
async function hitsOf(read: (g: Graph) => Promise<unknown>): Promise<number> {
  const p = profilingGraph(graph);
  await read(p.graph);
  return p.plans.reduce((s, plan) => s + totalHits(plan), 0);
}

beforeAll(async () => {
  graph = openTestGraph();
  await clearGraph(graph);
  await q(`UNWIND $eids AS eid CREATE (:Entity:Person {eid: eid})`, { eids: TOUCHED });
  // inactive ones only: a watch ended, a rule switched off
  await q(`CREATE (:Watch {id: 'W-NF1', eid: 'P-NF1', active: false})`);
  await q(
    `CREATE (:WarningRule {id: 'WR-NF1', kind: 'area', active: false, expiresAt: datetime() + duration('P30D'), subjects: ['P-NF1']})`,
  );
});
afterAll(async () => {
  await clearGraph(graph);
  await graph.driver.close();
});

describe('after-commit reads when nothing follows the touched entities', () => {
  it('with no active watch, the watches read follows no touched eid; with one, it follows each', async () => {
    const idle = await hitsOf((g) => readWatchesFollowing(g, TOUCHED));
    expect(idle).toBeLessThan(50);
    await q(`CREATE (:Watch {id: 'W-NF2', eid: 'P-NF2', active: true})`);
    expect(await readWatchesFollowing(graph, TOUCHED)).toEqual(new Map([['P-NF2', ['P-NF2']]]));
    expect(await hitsOf((g) => readWatchesFollowing(g, TOUCHED))).toBeGreaterThan(2 * TOUCHED.length);
  });

  it('with no active rule of the kinds asked, the rules read follows no touched eid; with one, it follows each', async () => {
    const idle = await hitsOf((g) => readActiveWarningRules(g, TOUCHED, ['area', 'meet']));
    expect(idle).toBeLessThan(50);
    expect(await readActiveWarningRules(graph, TOUCHED, ['area'])).toEqual({ rules: [], current: new Map() });
    await q(
      `CREATE (:WarningRule {id: 'WR-NF2', kind: 'area', unitCode: '620102', active: true, expiresAt: datetime() + duration('P30D'), subjects: ['P-NF3']})`,
    );
    // a rule of another kind is active: still nothing to follow for these kinds
    expect(await hitsOf((g) => readActiveWarningRules(g, TOUCHED, ['cotravel']))).toBeLessThan(50);
    const active = await readActiveWarningRules(graph, TOUCHED, ['area']);
    expect(active.rules.map((r) => r.id)).toEqual(['WR-NF2']);
    expect(active.current.get('P-NF3')).toBe('P-NF3');
    expect(await hitsOf((g) => readActiveWarningRules(g, TOUCHED, ['area']))).toBeGreaterThan(2 * TOUCHED.length);
  });
});
