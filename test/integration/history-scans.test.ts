/**
 * Reads whose cost must follow what they answer, not what the graph has piled up over time:
 * - the resolve leader's sync check (every group) counted analysts' decisions by scanning every
 *   decision ever made; now two counts from Neo4j's count store (undone decisions carry
 *   `UndoneDecision`, migration V053 and the server's undo);
 * - the review queue (possible matches to decide) read every source record of the viewer's
 *   sources to find the few possible matches among them — ~7 db hits a record, seconds at a
 *   million; now it starts from the index of possible-match edges (`resolved_to_candidate`: only
 *   a possible match has a `candidate`).
 * Each is measured in db hits (PROFILE) before and after the graph grows by what the read must not
 * look at; never time. Own ids: `P-HS*`, `R-HS*`, `D-HS*`.
 */
import type { Graph } from '@onemap/graph-schema/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSyncState } from '../../resolver/src/graph/load-index.ts';
import { listPossibleMatches } from '../../server/src/repositories/resolution.ts';
import { clearGraph, openTestGraph } from '../helpers/graph.ts';
import { profilingGraph, replanOnCurrentStatistics, totalHits } from '../helpers/plans.ts';

let graph: Graph;
const q = (cypher: string, params: Record<string, unknown> = {}) =>
  graph.driver.executeQuery(cypher, params, { database: graph.database });

/** The db hits of one call of `read` on a graph whose reads are profiled, and what it returned. */
async function profiled<T>(read: (g: Graph) => Promise<T>): Promise<{ hits: number; value: T }> {
  const p = profilingGraph(graph);
  const value = await read(p.graph);
  return { hits: p.plans.reduce((s, plan) => s + totalHits(plan), 0), value };
}

const SOURCES = ['hotel'];
/** How many ordinary records (and decisions) the graph grows by between two measurements. */
const GROWTH = 2_000;

beforeAll(async () => {
  graph = openTestGraph();
  await clearGraph(graph);
});
afterAll(async () => {
  await clearGraph(graph);
  await graph.driver.close();
});

describe('reads that must not scan the graph’s history', () => {
  it('the sync check counts decisions without reading them', async () => {
    const empty = await profiled(readSyncState);
    expect(empty.value.decisions).toBe('0/0');
    await q(
      `UNWIND range(1, $n) AS k
       CREATE (d:ResolutionDecision {id: 'D-HS' + k, kind: 'merge', eids: ['P-HS' + k, 'P-HS0'], undone: k <= 3})
       WITH d WHERE d.undone SET d:UndoneDecision`,
      { n: GROWTH },
    );
    await replanOnCurrentStatistics(graph);
    const grown = await profiled(readSyncState);
    expect(grown.value.decisions).toBe(`${GROWTH}/3`);
    expect(grown.hits).toBeLessThanOrEqual(empty.hits + 2);
    await q(`MATCH (d:ResolutionDecision) WHERE d.id STARTS WITH 'D-HS' DETACH DELETE d`);
  });

  it('the review queue reads the possible matches, not every record of the viewer’s sources', async () => {
    // A's record is a possible match of B; B has a record of its own to compare with
    await q(
      `CREATE (a:Entity:Person {eid: 'P-HSA', name: '王小明', inSources: $sources}),
              (b:Entity:Person {eid: 'P-HSB', name: '王晓明', inSources: $sources}),
              (:Entity:Person {eid: 'P-HSC', name: '李四', inSources: $sources})
       CREATE (:SourceRecord {rid: 'hotel:R-HS1', source: 'hotel', recordId: 'R-HS1', attrs: '{}', mentions: '{}'})
                -[:RESOLVED_TO {role: 'guest', score: 0.6, decision: 'possible_match', candidate: 'P-HSB', at: datetime()}]->(a)
       CREATE (:SourceRecord {rid: 'hotel:R-HS2', source: 'hotel', recordId: 'R-HS2', attrs: '{}', mentions: '{}'})
                -[:RESOLVED_TO {role: 'guest', score: 0.99, decision: 'match'}]->(b)`,
      { sources: SOURCES },
    );
    await replanOnCurrentStatistics(graph);
    const small = await profiled((g) => listPossibleMatches(g, SOURCES, {}, 20));
    expect(small.value.map((r) => [r.recordEid, r.candidateEid])).toEqual([['P-HSA', 'P-HSB']]);
    // the same source's ordinary records: what the queue must not read
    await q(
      `MATCH (c:Entity {eid: 'P-HSC'})
       UNWIND range(3, $n + 2) AS k
       CREATE (:SourceRecord {rid: 'hotel:R-HS' + k, source: 'hotel', recordId: 'R-HS' + k, attrs: '{}', mentions: '{}'})
                -[:RESOLVED_TO {role: 'guest', score: 0.99, decision: 'match'}]->(c)`,
      { n: GROWTH },
    );
    await replanOnCurrentStatistics(graph);
    const grown = await profiled((g) => listPossibleMatches(g, SOURCES, {}, 20));
    expect(grown.value.map((r) => [r.recordEid, r.candidateEid])).toEqual([['P-HSA', 'P-HSB']]);
    // before: ~3 db hits more for each of the 2,000 records
    expect(grown.hits).toBeLessThan(small.hits + 50);
  });
});
