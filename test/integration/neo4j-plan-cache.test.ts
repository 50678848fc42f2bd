/**
 * The Neo4j our launcher runs keeps one plan per statement and parameter types, whatever the sizes
 * of its list and string parameters. Neo4j's default also keys its plan cache by each list's and
 * string's size class (1, 2-10, 11-100, 101-1000, ...): on a server just started, the first
 * request whose list fell in a class the warm-up had not used planned its statement again — a
 * search with one candidate, 0.45-0.8 s; a leader's first group of 20 rows after a rehearsal of 1,
 * 0.1-0.25 s a statement (docs/api.md, "Plans by size class"). Checked here by the plan cache's
 * own count, not by time.
 */
import type { Graph } from '@onemap/graph-schema/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestGraph } from '../helpers/graph.ts';

let graph: Graph;
beforeAll(() => {
  graph = openTestGraph();
});
afterAll(async () => {
  await graph.driver.close();
});

/** How many plans Neo4j's query caches held, as it says when it clears them. */
async function clearPlans(): Promise<number> {
  const r = await graph.driver.executeQuery('CALL db.clearQueryCaches()', {}, { database: graph.database });
  const said = String(r.records[0]?.get('value') ?? '');
  if (/already empty/i.test(said)) return 0;
  const m = /cleared of (\d+) quer/i.exec(said);
  if (!m) throw new Error(`db.clearQueryCaches() said something this test does not read: ${said}`);
  return Number(m[1]);
}

describe('the plan cache of the launcher Neo4j', () => {
  it('one plan for a statement run with lists and strings of every size class', async () => {
    await clearPlans();
    const statement =
      'UNWIND $eids AS id MATCH (e:Entity {eid: id}) WHERE e.name STARTS WITH $prefix RETURN count(e) AS n';
    for (const size of [1, 5, 50, 500])
      await graph.driver.executeQuery(
        statement,
        { eids: Array.from({ length: size }, (_, i) => `plan-cache-probe-${i}`), prefix: 'x'.repeat(size) },
        { database: graph.database },
      );
    expect(await clearPlans()).toBe(1);
  });

  it('a statement run with another parameter type is planned again (the count sees plans, so the check above can fail)', async () => {
    await clearPlans();
    const statement = 'MATCH (e:Entity {eid: $eid}) RETURN count(e) AS n';
    await graph.driver.executeQuery(statement, { eid: 'plan-cache-probe' }, { database: graph.database });
    await graph.driver.executeQuery(statement, { eid: 42 }, { database: graph.database });
    expect(await clearPlans()).toBe(2);
  });
});
