/**
 * Visibility as a property: the `inSources` list the writers keep on every entity must say exactly
 * what walking its records and edges says — after chunks of the real chunk writer (records,
 * identifiers, relations, visits, a merge), after an analyst's split and its undo — and the server
 * must answer "visible?" from it the same as from the walk, for random viewers.
 */
import { type Graph, migrate, readTx } from '@onemap/graph-schema/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emptyChunk, type ChunkRows } from '../../resolver/src/graph/write-rows.ts';
import { writeChunk } from '../../resolver/src/graph/write-chunk.ts';
import { readEntities } from '../../server/src/repositories/entities.ts';
import { splitEntity, undoDecision, readDecision } from '../../server/src/repositories/resolution.ts';
import { clearGraph, openTestGraph } from '../helpers/graph.ts';
import { rng } from '../helpers/rng.ts';

const SOURCES = ['household', 'hotel', 'netcafe', 'rail', 'telecom', 'business', 'incident'];


/** A random chunk over persons P-V0..P-V{n}, places L-V0..L-V4 and phones T-V0..T-V4. */
function randomChunk(seq: number, rand: () => number, persons: number): ChunkRows {
  const c = emptyChunk(seq);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)] as T;
  const entity = (eid: string, kind: 'Person' | 'Place' | 'Phone') =>
    c.entities.push({ eid, kind, props: { name: eid }, provenance: '{}', searchText: eid, lon: null, lat: null });
  for (let i = 0; i < 5; i++) {
    entity(`L-V${i}`, 'Place');
    entity(`T-V${i}`, 'Phone');
  }
  for (let i = 0; i < persons; i++) {
    const eid = `P-V${i}`;
    entity(eid, 'Person');
    // Some persons are known only through edges (no record of their own in this chunk).
    if (rand() < 0.7) {
      const source = pick(SOURCES);
      const rid = `${source}:c${seq}-p${i}`;
      c.records.push({ rid, source, recordId: `c${seq}-p${i}`, receivedAt: '2026-10-01T00:00:00Z', hash: rid, file: 'f', line: i, batchId: `b${seq}`, attrs: '{}', mentions: '{}', flags: [], resolved: [{ eid, role: 'person', score: 1, decision: 'anchor' }] });
      if (rand() < 0.5) c.identifiers.push({ eid, kind: 'resident_id', value: `ID-${seq}-${i}`, source, rid });
    }
    if (rand() < 0.4) c.relations.push({ type: 'HAS_PHONE', from: eid, to: `T-V${Math.floor(rand() * 5)}`, source: pick(SOURCES), rid: `x:c${seq}-r${i}`, role: null });
    if (rand() < 0.5) c.visits.push({ subject: eid, place: `L-V${Math.floor(rand() * 5)}`, at: '2026-10-02T08:00:00Z', until: null, kind: 'hotel_stay', source: pick(SOURCES), rid: `v:c${seq}-v${i}` });
  }
  return c;
}

/** Every entity's sources as the walk finds them, and as its `inSources` lists them. */
async function bothWays(graph: Graph) {
  return readTx(graph, async (tx) => {
    const r = await tx.run(
      `MATCH (e:Entity)
       CALL (e) { OPTIONAL MATCH (e)<-[:RESOLVED_TO]-(r:SourceRecord) RETURN collect(DISTINCT r.source) AS recs }
       CALL (e) { OPTIONAL MATCH (e)-[x]-() WHERE NOT x:RESOLVED_TO AND x.source IS NOT NULL RETURN collect(DISTINCT x.source) AS edges }
       RETURN e.eid AS eid, recs + edges AS walked, e.inSources AS listed ORDER BY eid`,
    );
    return r.records.map((x) => ({ eid: x.get('eid') as string, walked: [...new Set(x.get('walked') as string[])].sort(), listed: x.get('listed') as string[] | null }));
  });
}

let graph: Graph;
beforeAll(async () => {
  graph = openTestGraph();
  await clearGraph(graph);
  await migrate(graph);
});
afterAll(async () => {
  await graph?.driver.close();
});

describe('inSources: visibility as a property', () => {
  it('lists exactly the sources of each entity’s records and edges after chunks and a merge, sorted', async () => {
    const rand = rng(42);
    await writeChunk(graph, randomChunk(1, rand, 30));
    await writeChunk(graph, randomChunk(2, rand, 30));
    const merge = randomChunk(3, rand, 30);
    merge.merges.push({ from: 'P-V7', into: 'P-V3', reason: 'test' });
    merge.entities = merge.entities.filter((e) => e.eid !== 'P-V7');
    merge.records = merge.records.filter((r) => r.resolved[0]?.eid !== 'P-V7');
    merge.identifiers = merge.identifiers.filter((r) => r.eid !== 'P-V7');
    merge.relations = merge.relations.filter((r) => r.from !== 'P-V7');
    merge.visits = merge.visits.filter((r) => r.subject !== 'P-V7');
    await writeChunk(graph, merge);
    const rows = await bothWays(graph);
    expect(rows.length).toBeGreaterThan(35);
    expect(rows.find((r) => r.eid === 'P-V7')).toBeUndefined();
    for (const r of rows) expect(r.listed, r.eid).toEqual(r.walked);
  });

  it('is rebuilt when an analyst splits records off an entity, and again on undo', async () => {
    const before = await bothWays(graph);
    const subject = before.find((r) => r.walked.length >= 2 && r.eid.startsWith('P-'));
    expect(subject).toBeDefined();
    const rid = await readTx(graph, async (tx) => {
      const r = await tx.run('MATCH (:Entity {eid: $eid})<-[:RESOLVED_TO]-(s:SourceRecord) RETURN s.rid AS rid LIMIT 1', { eid: subject?.eid });
      return r.records[0]?.get('rid') as string;
    });
    expect(rid).toBeTruthy();
    const actor = { by: 'test', unit: '620000', purpose: 'test', reason: 'test' };
    const { id, newEid } = await splitEntity(graph, subject?.eid as string, [rid], actor);
    const split = await bothWays(graph);
    expect(split.find((r) => r.eid === newEid)?.walked.length).toBeGreaterThan(0);
    for (const r of split) expect(r.listed, r.eid).toEqual(r.walked);
    const d = await readDecision(graph, id);
    await undoDecision(graph, d as NonNullable<typeof d>, 'test');
    const undone = await bothWays(graph);
    expect(undone.find((r) => r.eid === newEid)).toBeUndefined();
    for (const r of undone) expect(r.listed, r.eid).toEqual(r.walked);
  });

  it('the server answers “visible?” from the list exactly as the walk would, for 40 random viewers', async () => {
    const rows = await bothWays(graph);
    const rand = rng(7);
    for (let v = 0; v < 40; v++) {
      const vs = SOURCES.filter(() => rand() < 0.4);
      const got = await readEntities(graph, rows.map((r) => r.eid), vs, 5);
      for (const r of rows) expect(got.get(r.eid)?.visible, `${r.eid} for [${vs.join(',')}]`).toBe(r.walked.some((s) => vs.includes(s)));
    }
  });

  it('an entity the writers never listed falls back to the walk (so nothing written elsewhere is hidden or shown wrongly)', async () => {
    const rows = await bothWays(graph);
    const some = rows.filter((r) => r.walked.length > 0).slice(0, 5).map((r) => r.eid);
    const session = graph.driver.session({ database: graph.database });
    try {
      await session.run('UNWIND $eids AS eid MATCH (e:Entity {eid: eid}) REMOVE e.inSources', { eids: some });
    } finally {
      await session.close();
    }
    for (const vs of [[], ['hotel'], SOURCES]) {
      const got = await readEntities(graph, some, vs, 5);
      for (const eid of some) expect(got.get(eid)?.visible).toBe((rows.find((r) => r.eid === eid)?.walked ?? []).some((s) => vs.includes(s)));
    }
  });
});
