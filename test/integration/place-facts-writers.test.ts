/**
 * Place facts (`recordRoles`, `homeSources`, `pointStatements` on every place; graph-schema `place-facts.ts`) must say
 * exactly what a recount of the place's records says — after chunks of the real chunk writer, a
 * merge, a corrected re-delivery, trace-only writes and their correction, an analyst's split, its
 * undo and a merge — and a place summary must read the same from them as from the record window.
 */
import fs from 'node:fs';
import { placeFactsOf } from '@onemap/graph-schema';
import { type Graph, migrate, readTx } from '@onemap/graph-schema/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChunkRows, emptyChunk, type SourceRecordRow } from '../../resolver/src/graph/write-rows.ts';
import { writeChunk } from '../../resolver/src/graph/write-chunk.ts';
import { writeTraceRecords } from '../../resolver/src/graph/trace-records.ts';
import { readNodeSummaries } from '../../server/src/repositories/entities.ts';
import { mergeEntities, readDecision, splitEntity, undoDecision } from '../../server/src/repositories/resolution.ts';
import { clearGraph, openTestGraph } from '../helpers/graph.ts';
import { rng } from '../helpers/rng.ts';

const SOURCES = ['household', 'hotel', 'netcafe', 'rail', 'checkpoint'];
const ROLES = ['place', 'hotel', 'home'];
const PLACES = 6;


function record(rid: string, source: string, attrs: string, resolved: SourceRecordRow['resolved'], isNew = true): SourceRecordRow {
  return { rid, source, recordId: rid.split(':')[1] as string, receivedAt: '2026-10-01T00:00:00Z', hash: `${rid}#${attrs.length}`, file: 'f', line: 1, batchId: 'b', attrs, mentions: '{}', flags: [], resolved, isNew };
}

/** Points records state: few, so sources repeat them (a string as the standardizer writes it, or a fixture's number). */
const POINTS = [['103.8', '36.06'], ['103.81', '36.07'], [103.9, 36.1]] as const;

/** Some records of random sources, each resolving to a guest and to one of the places in a random role; a third mention `home`, about half state a point. */
function randomChunk(seq: number, rand: () => number, records: number): ChunkRows {
  const c = emptyChunk(seq);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)] as T;
  for (let i = 0; i < PLACES; i++) c.entities.push({ eid: `L-F${i}`, kind: 'Place', props: { name: `place ${i}` }, provenance: '{}', searchText: `p${i}`, lon: null, lat: null });
  for (let i = 0; i < records; i++) {
    const guest = `P-F${seq}-${i}`;
    c.entities.push({ eid: guest, kind: 'Person', props: { name: guest }, provenance: '{}', searchText: guest, lon: null, lat: null });
    const source = pick(SOURCES);
    const role = pick(ROLES);
    const point = rand() < 0.5 ? pick(POINTS) : null;
    const at = point ? `,${JSON.stringify({ lon: point[0], lat: point[1] }).slice(1, -1)}` : '';
    const attrs = rand() < 0.33 ? `{"${role}":{"placeKind":"home","address":"x"${at}}}` : `{"${role}":{"name":"n${i}"${at}}}`;
    c.records.push(record(`${source}:c${seq}-${i}`, source, attrs, [
      { eid: guest, role: 'guest', score: 1, decision: 'new' },
      { eid: `L-F${Math.floor(rand() * PLACES)}`, role, score: 1, decision: 'match' },
    ]));
  }
  return c;
}

/** Every place's facts as kept on its node, and as a recount of its records says. */
async function factsBothWays(graph: Graph) {
  return readTx(graph, async (tx) => {
    const r = await tx.run(
      `MATCH (p:Place)
       OPTIONAL MATCH (p)<-[rt:RESOLVED_TO]-(r:SourceRecord)
       RETURN p.eid AS eid, p.recordRoles AS recordRoles, p.homeSources AS homeSources, p.pointStatements AS pointStatements,
              collect(CASE WHEN r IS NULL THEN null ELSE {source: r.source, role: rt.role, attrs: r.attrs} END) AS records
       ORDER BY eid`,
    );
    return r.records.map((x) => ({
      eid: x.get('eid') as string,
      kept: {
        recordRoles: x.get('recordRoles') as string[] | null,
        homeSources: (x.get('homeSources') as string[] | null) ?? [],
        pointStatements: (x.get('pointStatements') as string[] | null) ?? [],
      },
      recount: placeFactsOf(x.get('records') as { source: string; role: string; attrs: string }[]),
    }));
  });
}

async function expectFactsEqualRecount(graph: Graph) {
  const rows = await factsBothWays(graph);
  expect(rows.length).toBeGreaterThan(0);
  for (const r of rows) expect(r.kept, r.eid).toEqual(r.recount);
  return rows;
}

async function run(graph: Graph, q: string, params: Record<string, unknown> = {}) {
  const s = graph.driver.session({ database: graph.database });
  try {
    return await s.run(q, params);
  } finally {
    await s.close();
  }
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

describe('place facts kept by every writer', () => {
  const rand = rng(15);
  const actor = { by: 'test', unit: '620000', purpose: 'test', reason: 'test' };

  it('equal a recount after chunks, a merge of two places and a corrected re-delivery', async () => {
    const first = randomChunk(1, rand, 12);
    first.identifiers.push({ eid: 'L-F0', kind: 'place_code', value: 'PC-F0', source: 'checkpoint', rid: 'checkpoint:pc0' });
    first.identifiers.push({ eid: 'L-F2', kind: 'place_code', value: 'PC-F2', source: 'checkpoint', rid: 'checkpoint:pc2' });
    first.entities.push({ eid: 'V-F1', kind: 'Vehicle', props: { name: '甘A00001' }, provenance: '{}', searchText: 'v', lon: null, lat: null });
    first.identifiers.push({ eid: 'V-F1', kind: 'plate', value: '甘A00001', source: 'checkpoint', rid: 'checkpoint:pc0' });
    await writeChunk(graph, first);
    await writeChunk(graph, randomChunk(2, rand, 12));
    const rows = await expectFactsEqualRecount(graph);
    // the data gives the comparison something to compare
    expect(rows.some((r) => r.kept.homeSources.length > 0)).toBe(true);
    expect(rows.some((r) => (r.kept.recordRoles?.length ?? 0) >= 3)).toBe(true);
    expect(rows.some((r) => r.kept.pointStatements.length >= 2)).toBe(true);

    const merge = randomChunk(3, rand, 6);
    merge.merges.push({ from: 'L-F5', into: 'L-F4', reason: 'test' });
    merge.entities = merge.entities.filter((e) => e.eid !== 'L-F5');
    for (const r of merge.records) for (const x of r.resolved) if (x.eid === 'L-F5') x.eid = 'L-F4';
    await writeChunk(graph, merge);
    expect((await expectFactsEqualRecount(graph)).find((r) => r.eid === 'L-F5')).toBeUndefined();

    // A record that said `home` at one place, corrected: it now names another place and no home.
    const homeRecord = await readTx(graph, async (tx) => {
      const r = await tx.run(
        `MATCH (s:SourceRecord)-[x:RESOLVED_TO]->(p:Place) WHERE s.attrs CONTAINS 'home' AND s.rid STARTS WITH 'hotel:'
         MATCH (s)-[g:RESOLVED_TO]->(guest:Person)
         RETURN s.rid AS rid, p.eid AS place, guest.eid AS guest LIMIT 1`,
      );
      return r.records[0]?.toObject() as { rid: string; place: string; guest: string } | undefined;
    });
    expect(homeRecord).toBeDefined();
    const fix = emptyChunk(4);
    const other = homeRecord?.place === 'L-F1' ? 'L-F2' : 'L-F1';
    fix.records.push(record(homeRecord?.rid as string, 'hotel', '{"hotel":{"name":"corrected"}}', [
      { eid: homeRecord?.guest as string, role: 'guest', score: 1, decision: 'match' },
      { eid: other, role: 'hotel', score: 1, decision: 'match' },
    ], false));
    await writeChunk(graph, fix);
    await expectFactsEqualRecount(graph);
  });

  it('equal a recount after trace-only writes and a corrected trace record', async () => {
    const anchors = [
      { kind: 'Vehicle', idKind: 'plate', value: '甘A00001' },
      { kind: 'Place', idKind: 'place_code', value: 'PC-F0' },
      { kind: 'Place', idKind: 'place_code', value: 'PC-F2' },
    ];
    const trace = (rid: string, place: string, attrs: string) => ({
      record: { ...record(rid, 'checkpoint', attrs, []), resolved: [{ role: 'vehicle', score: 1, decision: 'anchor' }, { role: 'checkpoint', score: 1, decision: 'anchor' }] },
      anchors: { vehicle: 'Vehicle|plate|甘A00001', checkpoint: `Place|place_code|${place}` },
      visits: [{ subjectRole: 'vehicle', placeRole: 'checkpoint', at: '2026-10-01T08:00:00Z', until: null, kind: 'checkpoint_pass', source: 'checkpoint', rid }],
    });
    const first = await writeTraceRecords(graph, [{ id: 'g1', records: [trace('checkpoint:t1', 'PC-F0', '{"checkpoint":{"note":"home","lon":"103.7","lat":"36.01"}}'), trace('checkpoint:t2', 'PC-F2', '{}')] }], anchors, async () => {});
    expect(first.groups.get('g1')).not.toBe('leader');
    const rows = await expectFactsEqualRecount(graph);
    expect(rows.find((r) => r.eid === 'L-F0')?.kept.recordRoles).toContain('checkpoint:checkpoint');
    expect(rows.find((r) => r.eid === 'L-F0')?.kept.homeSources).toContain('checkpoint');
    expect(rows.find((r) => r.eid === 'L-F0')?.kept.pointStatements).toContain('checkpoint:103.7:36.01');
    // corrected: the pass was at the other checkpoint, and says no home
    await writeTraceRecords(graph, [{ id: 'g2', records: [trace('checkpoint:t1', 'PC-F2', '{"checkpoint":{"note":"x"}}')] }], anchors, async () => {});
    await expectFactsEqualRecount(graph);
  });

  it("equal a recount after an analyst's split of a place, its undo and a merge of two places", async () => {
    const rid = await readTx(graph, async (tx) => {
      const r = await tx.run("MATCH (:Place {eid: 'L-F1'})<-[:RESOLVED_TO]-(s:SourceRecord) RETURN s.rid AS rid ORDER BY rid LIMIT 1");
      return r.records[0]?.get('rid') as string;
    });
    expect(rid).toBeTruthy();
    const { id, newEid } = await splitEntity(graph, 'L-F1', [rid], actor);
    const split = await expectFactsEqualRecount(graph);
    expect(split.find((r) => r.eid === newEid)?.kept.recordRoles?.length).toBeGreaterThan(0);
    const d = await readDecision(graph, id);
    await undoDecision(graph, d as NonNullable<typeof d>, 'test');
    expect((await expectFactsEqualRecount(graph)).find((r) => r.eid === newEid)).toBeUndefined();

    const mergeId = await mergeEntities(graph, 'L-F0', ['L-F3'], actor);
    expect((await expectFactsEqualRecount(graph)).find((r) => r.eid === 'L-F3')).toBeUndefined();
    const md = await readDecision(graph, mergeId);
    await undoDecision(graph, md as NonNullable<typeof md>, 'test');
    expect((await expectFactsEqualRecount(graph)).find((r) => r.eid === 'L-F3')).toBeDefined();
  });

  it('a place summary reads the same from the facts as from its record window, for 30 random viewers', async () => {
    const eids = (await factsBothWays(graph)).map((r) => r.eid);
    const viewers = Array.from({ length: 30 }, () => SOURCES.filter(() => rand() < 0.5));
    const withFacts = await Promise.all(viewers.map((vs) => readNodeSummaries(graph, eids, vs, 20)));
    await run(graph, 'MATCH (p:Place) REMOVE p.recordRoles, p.homeSources, p.pointStatements');
    const fromWindow = await Promise.all(viewers.map((vs) => readNodeSummaries(graph, eids, vs, 20)));
    let hints = 0;
    viewers.forEach((vs, i) => {
      for (const eid of eids) {
        const a = withFacts[i]?.get(eid);
        const b = fromWindow[i]?.get(eid);
        expect({ ...a, roles: [...(a?.roles ?? [])].sort() }, `${eid} for [${vs.join(',')}]`).toEqual({ ...b, roles: [...(b?.roles ?? [])].sort() });
        if (a?.homeHint) hints++;
      }
    });
    expect(hints).toBeGreaterThan(0);
    // migration V051 fills the point facts of places written before them, as a recount says
    const v051 = fs.readFileSync(new URL('../../graph-schema/migrations/V051__place_point_statements.cypher', import.meta.url), 'utf8');
    await run(graph, v051);
    const migrated = await factsBothWays(graph);
    expect(migrated.some((r) => r.kept.pointStatements.length > 0)).toBe(true);
    for (const r of migrated) expect(r.kept.pointStatements, r.eid).toEqual(r.recount.pointStatements);
    // a place without facts gets them recounted by the next write that touches it
    await writeChunk(graph, randomChunk(5, rand, 4));
    const rows = await factsBothWays(graph);
    expect(rows.filter((r) => r.kept.recordRoles !== null).length).toBeGreaterThan(0);
    for (const r of rows) if (r.kept.recordRoles !== null) expect(r.kept, r.eid).toEqual(r.recount);
  });
});
