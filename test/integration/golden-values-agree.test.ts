/**
 * One golden-value rule: the value the pipeline writes on an entity node equals the value the
 * server's profile computes from the records, for a viewer who sees every source. Both run
 * graph-schema's `chooseGoldenValue`; this test shows they are fed the same candidates.
 */
import { readTx } from '@onemap/graph-schema/server';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clearGraph } from '../helpers/graph.ts';
import { ingestDirect, openTestPipeline, sampleFiles } from '../helpers/pipeline.ts';
import { buildTestApp, PURPOSE, purposeHeader } from '../helpers/server-app.ts';
import { seedWebUsers, WEB_USERS } from '../helpers/web-seed.ts';

/** Standardized attribute → entity node property (resolver/src/pipeline/golden-values.ts), for the attributes compared here. */
const PROPERTY_OF: Record<string, Record<string, string>> = {
  Person: { name: 'name', family: 'familyName', given: 'givenName', sex: 'sex', birthDate: 'birthDate', residentId: 'residentId', nationality: 'nationality', ethnicity: 'ethnicity', address: 'address', homeDivision: 'unitCode' },
  Organization: { name: 'name', creditCode: 'creditCode', address: 'address', industry: 'industry', status: 'status' },
};

interface EntityRecords {
  eid: string;
  kind: string;
  props: Record<string, unknown>;
  provenance: Record<string, { source: string; rid: string }>;
  /** attribute -> distinct values its records state */
  values: Map<string, Set<string>>;
  records: number;
}

let t: ReturnType<typeof openTestPipeline>;
let app: FastifyInstance;
beforeAll(async () => {
  t = openTestPipeline();
  await clearGraph(t.graph);
  await t.redis.flushdb();
  await seedWebUsers(t.graph);
  // The first day of persons and companies: registries (authorities) and the person events that restate them.
  const results = await ingestDirect(t.pipeline, sampleFiles(['2026-03-02'], ['household', 'business', 'telecom', 'hotel', 'rail', 'netcafe']));
  expect(results.every((b) => b.status === 'done')).toBe(true);
  app = await buildTestApp({ RATE_LIMIT_PER_MINUTE: 1_000_000 });
}, 1_200_000);
afterAll(async () => {
  await app?.close();
  await t?.close();
});

/** Persons and organizations with several records, with what their records say per attribute. */
async function entitiesWithRecords(): Promise<EntityRecords[]> {
  return readTx(t.graph, async (tx) => {
    const r = await tx.run(
      `MATCH (e:Entity) WHERE e:Person OR e:Organization
       MATCH (sr:SourceRecord)-[x:RESOLVED_TO]->(e)
       WITH e, collect({role: x.role, attrs: sr.attrs}) AS recs WHERE size(recs) >= 2 AND size(recs) <= 200
       RETURN e.eid AS eid, [l IN labels(e) WHERE l <> 'Entity'][0] AS kind, properties(e) AS props, recs
       ORDER BY size(recs) DESC, eid LIMIT 600`,
    );
    return r.records.map((x) => {
      const kind = x.get('kind') as string;
      const props = x.get('props') as Record<string, unknown>;
      const values = new Map<string, Set<string>>();
      for (const rec of x.get('recs') as { role: string; attrs: string }[]) {
        const attrs = (JSON.parse(rec.attrs) as Record<string, Record<string, string>>)[rec.role] ?? {};
        for (const attr of Object.keys(PROPERTY_OF[kind] ?? {})) {
          const v = attrs[attr];
          if (!v) continue;
          if (!values.has(attr)) values.set(attr, new Set());
          values.get(attr)!.add(v);
        }
      }
      const provenance = JSON.parse((props.provenance as string) ?? '{}') as EntityRecords['provenance'];
      return { eid: x.get('eid') as string, kind, props, provenance, values, records: (x.get('recs') as unknown[]).length };
    });
  });
}

describe('golden values: the entity node and the profile agree', () => {
  it('for a viewer who sees every source, every profile golden value is the node value, traced to the same record', async () => {
    const all = await entitiesWithRecords();
    const conflicting = all.filter((e) => [...e.values.values()].some((s) => s.size > 1));
    // The sample's noise gives real conflicts (typos, stale addresses, re-deliveries): the rule is exercised.
    expect(conflicting.length).toBeGreaterThan(5);
    const chosen = [...conflicting.slice(0, 40), ...all.filter((e) => !conflicting.includes(e)).slice(0, 10)];
    const token = app.jwt.sign({ sub: WEB_USERS.officer.username, unit: '', roles: [], tv: 0 });
    let compared = 0;
    let comparedConflicts = 0;
    let plainValues = 0;
    for (const e of chosen) {
      const res = await app.inject({ url: `/api/entities/${e.eid}`, headers: { authorization: `Bearer ${token}`, ...purposeHeader(PURPOSE) } });
      expect(res.statusCode, res.body).toBe(200);
      const golden = res.json().golden as Record<string, { value: unknown; masked: boolean; source: string; rid: string }>;
      for (const [attr, prop] of Object.entries(PROPERTY_OF[e.kind]!)) {
        const node = e.props[prop];
        const profile = golden[attr];
        if (node === undefined) {
          expect(profile, `${e.eid} ${attr}`).toBeUndefined();
          continue;
        }
        expect(profile, `${e.eid} ${attr}`).toBeDefined();
        // Where it came from is never masked: the same record on both sides.
        expect({ source: profile!.source, rid: profile!.rid }, `${e.eid} ${attr}`).toEqual(e.provenance[prop]);
        if (!profile!.masked) {
          expect(String(profile!.value), `${e.eid} ${attr}`).toBe(String(node));
          plainValues++;
        }
        compared++;
        if ((e.values.get(attr)?.size ?? 0) > 1) comparedConflicts++;
      }
    }
    expect(compared).toBeGreaterThan(100);
    expect(comparedConflicts).toBeGreaterThan(5);
    expect(plainValues).toBeGreaterThan(50);
  });
});
