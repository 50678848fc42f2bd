/**
 * A profile's and a trajectory's places are summarized from the place facts on the node
 * (`recordRoles`, `homeSources`) when the node has them, else from the place's record window.
 * Both must answer the same for every viewer: the facts are kept per source, so a role or a home
 * hint from a source the viewer may not see counts for nobody who cannot see it.
 */
import { type Graph, recountPlaceFacts, writeTx } from '@onemap/graph-schema/server';
import type { FastifyInstance } from 'fastify';
import { describe, expect, it } from 'vitest';
import { as, useServerApp } from '../helpers/server-app.ts';
import { E, FX, LEVELS, type LevelName } from '../helpers/server-fixtures.ts';

const PERSON = 'P-PF1';
/** Places with golden values from a visible-to-some source, and records of several sources and roles (`venue` masks a name; some mention `home`). */
const PLACES = [
  { eid: 'L-PF1', name: '测试酒店一', prov: FX.open, records: [{ source: FX.open, role: 'place', home: false }, { source: FX.closed, role: 'venue', home: false }] },
  { eid: 'L-PF2', name: '测试酒店二', prov: FX.open, records: [{ source: FX.open, role: 'place', home: false }, { source: FX.cond, role: 'home', home: true }] },
  { eid: 'L-PF3', name: '测试网吧三', prov: FX.cond, records: [{ source: FX.cond, role: 'place', home: false }, { source: FX.open, role: 'venue', home: false }] },
  { eid: 'L-PF4', name: '测试车站四', prov: FX.closed, records: [{ source: FX.closed, role: 'place', home: true }, { source: FX.open, role: 'place', home: false }] },
];

async function seed(graph: Graph) {
  await writeTx(graph, async (tx) => {
    await tx.run(
      `CREATE (p:Entity:Person {eid: $eid, name: '测试人', searchText: $eid, provenance: $prov, inSources: [$open]})
       CREATE (r:SourceRecord {rid: $open + ':pf-person', source: $open, recordId: 'pf-person', receivedAt: datetime('2026-11-01T00:00:00Z'), attrs: '{"person":{"name":"测试人"}}'})
       CREATE (r)-[:RESOLVED_TO {role: 'person', decision: 'anchor', score: 1.0}]->(p)`,
      { eid: PERSON, open: FX.open, prov: JSON.stringify({ name: { source: FX.open, rid: `${FX.open}:pf-person` } }) },
    );
    for (const [i, pl] of PLACES.entries()) {
      const rid0 = `${pl.prov}:pf-${pl.eid}`;
      await tx.run(
        `CREATE (p:Entity:Place {eid: $eid, name: $name, placeKind: 'hotel', location: point({longitude: $lon, latitude: 36.0}), searchText: $name, provenance: $prov})
         WITH p
         UNWIND $records AS x
         CREATE (r:SourceRecord {rid: x.source + ':pf-' + $eid + '-' + x.role, source: x.source, recordId: 'pf', receivedAt: datetime('2026-10-01T00:00:00Z'),
                                 attrs: CASE WHEN x.home THEN '{"' + x.role + '":{"placeKind":"home","address":"城关区某路1号"}}' ELSE '{"' + x.role + '":{"name":"' + $name + '"}}' END})
         CREATE (r)-[:RESOLVED_TO {role: x.role, decision: 'match', score: 1.0}]->(p)
         WITH DISTINCT p
         MATCH (person:Person {eid: $person})
         CREATE (person)-[:VISITED {at: datetime($at), kind: 'hotel_stay', source: $open, rid: $open + ':pf-v' + $eid, place: p.eid}]->(p)`,
        { eid: pl.eid, name: pl.name, lon: 103.8 + i / 100, at: `2026-11-0${i + 2}T08:00:00Z`, records: pl.records, person: PERSON, open: FX.open, prov: JSON.stringify({ name: { source: pl.prov, rid: rid0 }, placeKind: { source: pl.prov, rid: rid0 }, lon: { source: pl.prov, rid: rid0 } }) },
      );
    }
  });
}

let app: FastifyInstance;
let graph: Graph;
useServerApp({ RATE_LIMIT_PER_MINUTE: 1_000_000 }, (s) => ({ app, graph } = s), seed);

const VIEWERS: [LevelName, string][] = [...(Object.keys(LEVELS) as LevelName[]).map((l): [LevelName, string] => [l, 'analyst']), ['county', 'officer'], ['otherCity', 'officer']];
const URLS = [
  ...[PERSON, E.P1, E.P3, ...PLACES.map((p) => p.eid), E.hotel, E.home].map((eid) => `/api/entities/${eid}`),
  ...[PERSON, E.P1].map((eid) => `/api/entities/${eid}/trajectory?from=2026-10-01T00:00:00Z&to=2026-12-01T00:00:00Z`),
];

/** Every viewer's answer for every URL (status and body). */
async function answers() {
  const out: Record<string, { status: number; body: unknown }> = {};
  for (const [level, role] of VIEWERS) {
    for (const url of URLS) {
      const res = await as(app, level, role)({ url });
      out[`${level} ${role} ${url}`] = { status: res.statusCode, body: res.statusCode === 200 ? res.json() : null };
    }
  }
  return out;
}

async function run(q: string, params: Record<string, unknown> = {}) {
  await writeTx(graph, (tx) => tx.run(q, params));
}

describe('place summaries from the place facts on the node', () => {
  it('answer every viewer as the record window does (profiles and trajectories, names masked by a role of a visible source only)', async () => {
    const eids = await writeTx(graph, async (tx) => (await tx.run('MATCH (p:Place) RETURN collect(p.eid) AS e')).records[0]?.get('e') as string[]);
    await writeTx(graph, (tx) => recountPlaceFacts(tx, eids));
    const facts = await writeTx(graph, async (tx) => (await tx.run("MATCH (p:Place {eid: 'L-PF2'}) RETURN p.recordRoles AS r, p.homeSources AS h")).records[0]?.toObject());
    expect(facts).toEqual({ r: [`${FX.cond}:home`, `${FX.open}:place`], h: [FX.cond] });
    const withFacts = await answers();
    await run('MATCH (p:Place) REMOVE p.recordRoles, p.homeSources');
    const fromWindow = await answers();
    expect(withFacts).toEqual(fromWindow);

    // the comparison compares something: the person's trace places, named, some masked (a `venue`
    // record of a source the viewer sees) and some not, for some viewers
    const names = Object.entries(withFacts)
      .filter(([k, v]) => k.endsWith(`/api/entities/${PERSON}`) && v.status === 200)
      .flatMap(([, v]) => (v.body as { recentTraces: { place: { eid: string; name: string | null } }[] }).recentTraces.map((t) => t.place));
    expect(names.length).toBeGreaterThan(20);
    const pf1 = names.filter((p) => p.eid === 'L-PF1').map((p) => p.name);
    expect(pf1).toContain('测试酒店一');
    expect(pf1.some((n) => n !== null && n !== '测试酒店一')).toBe(true);
  });
});
