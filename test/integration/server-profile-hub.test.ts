/**
 * A hub's profile reads nothing proportional to its degree: a place seen in thousands of
 * sightings counts its records per source only up to the profile's scan limit (and says so:
 * `sourcesTruncated`), and an entity with many visits reads at most `traces × RECORD_SCAN_FACTOR`
 * of them (the db hits are in docs/api.md, `npm run bench api-profile`). Shown on a small hub
 * with small limits, through `readProfile` itself.
 */
import { type Graph, readTx, writeTx } from '@onemap/graph-schema/server';
import type { FastifyInstance } from 'fastify';
import { describe, expect, it } from 'vitest';
import { RECORD_SCAN_FACTOR, readProfile } from '../../server/src/repositories/entities.ts';
import type { Profile } from '../../server/src/schemas/entities.ts';
import { as, useServerApp } from '../helpers/server-app.ts';
import { FX } from '../helpers/server-fixtures.ts';

let graph: Graph;
let app: FastifyInstance;
const HUB = 'L-HUB1';
const TRAVELLER = 'P-HUB1';
const SIGHTINGS = 60;

useServerApp(
  { RATE_LIMIT_PER_MINUTE: 1_000_000 },
  (s) => {
    ({ app, graph } = s);
  },
  async (graph) => {
    await writeTx(graph, (tx) =>
      tx.run(
        `CREATE (h:Entity:Place {eid: $hub, name: '兰州站', placeKind: 'station', location: point({longitude: 103.85, latitude: 36.03}),
                                  provenance: $prov, inSources: [$open, $cond]})
         CREATE (p:Entity:Person {eid: $traveller, name: '赵旅', inSources: [$open], provenance: $pprov})
         CREATE (pr:SourceRecord {rid: $open + ':person', source: $open, recordId: 'person', receivedAt: datetime('2026-10-01T00:00:00Z'), hash: 'p', attrs: '{"person":{"name":"赵旅"}}'})
         CREATE (pr)-[:RESOLVED_TO {role: 'person', decision: 'anchor', score: 1.0}]->(p)
         WITH h, p
         UNWIND range(1, $n) AS k
         WITH h, p, k, CASE WHEN k % 3 = 0 THEN $cond ELSE $open END AS src
         CREATE (sr:SourceRecord {rid: src + ':s' + k, source: src, recordId: 's' + k, receivedAt: datetime('2026-10-01T00:00:00Z') + duration({minutes: k}), hash: 's' + k,
                                  attrs: '{"place":{"name":"兰州站","placeKind":"station"}}'})
         CREATE (sr)-[:RESOLVED_TO {role: 'place', decision: 'anchor', score: 1.0}]->(h)
         CREATE (p)-[:VISITED {at: datetime('2026-10-01T00:00:00Z') + duration({minutes: k}), kind: 'checkpoint', source: src, rid: src + ':s' + k, place: h.eid}]->(h)`,
        {
          hub: HUB,
          traveller: TRAVELLER,
          n: SIGHTINGS,
          open: FX.open,
          cond: FX.cond,
          prov: JSON.stringify({
            name: { source: FX.open, rid: `${FX.open}:s1` },
            placeKind: { source: FX.open, rid: `${FX.open}:s1` },
          }),
          pprov: JSON.stringify({ name: { source: FX.open, rid: `${FX.open}:person` } }),
        },
      ),
    );
  },
);

const VS = [FX.open, FX.cond];
const limits = (sourceScan: number, traces = 50) => ({ records: 10, relations: 10, traces, sourceScan, summaryRecords: 20 });

describe('a hub profile', () => {
  it('counts records per source up to the scan limit, and says when it stopped', async () => {
    const capped = await readTx(graph, (tx) => readProfile({ tx }, HUB, VS, limits(25)));
    expect(capped?.sourcesTruncated).toBe(true);
    expect(capped?.sources.reduce((a, s) => a + s.records, 0)).toBe(25);
    const whole = await readTx(graph, (tx) => readProfile({ tx }, HUB, VS, limits(1000)));
    expect(whole?.sourcesTruncated).toBe(false);
    expect(whole?.sources).toEqual([
      { source: FX.cond, records: SIGHTINGS / 3, lastReceivedAt: expect.any(String) },
      { source: FX.open, records: (SIGHTINGS * 2) / 3, lastReceivedAt: expect.any(String) },
    ]);
  });

  it('with more visits than the trace limit, answers the limit, newest first', async () => {
    const traces = 3;
    const res = await readTx(graph, (tx) => readProfile({ tx }, TRAVELLER, VS, limits(1000, traces)));
    expect(traces * RECORD_SCAN_FACTOR).toBeLessThan(SIGHTINGS);
    expect(res?.traces).toHaveLength(traces);
    const at = res?.traces.map((t) => Date.parse(t.at)) ?? [];
    expect([...at].sort((a, b) => b - a)).toEqual(at);
  });

  it('the API answer carries sourcesTruncated only when the counts stopped', async () => {
    const res = await as(app, 'province', 'analyst')({ url: `/api/entities/${HUB}` });
    expect(res.statusCode, res.body).toBe(200);
    const p = res.json() as Profile;
    expect(p.sourcesTruncated).toBeUndefined();
    expect(p.sources.map((s) => s.source)).toEqual([FX.cond, FX.open]);
  });
});
