/**
 * The profile reads its neighbours' and its traces' places in its own query (`readProfile`'s
 * `places`), not in statements of their own (`summaries`, `placeViews`). Both paths must answer
 * the same for every viewer: names masked alike, homes coarsened alike, invisible ones absent.
 */
import type { Graph } from '@onemap/graph-schema/server';
import { readTx } from '@onemap/graph-schema/server';
import type { FastifyInstance } from 'fastify';
import { describe, expect, it } from 'vitest';
import type { Viewer } from '../../server/src/access/viewer.ts';
import { readNodeSummaries, readProfile } from '../../server/src/repositories/entities.ts';
import type { Profile } from '../../server/src/schemas/entities.ts';
import { PROFILE_LIMITS, placeViews, profileRelations, SUMMARY_RECORDS, summaries, tracePlace } from '../../server/src/services/entity-view.ts';
import { as, useServerApp, viewerFor } from '../helpers/server-app.ts';
import { E, LEVELS, type LevelName } from '../helpers/server-fixtures.ts';

let app: FastifyInstance;
let graph: Graph;
useServerApp({ RATE_LIMIT_PER_MINUTE: 1_000_000 }, (s) => {
  ({ app, graph } = s);
});

const VIEWERS: [LevelName, string][] = [
  ...(Object.keys(LEVELS) as LevelName[]).map((l): [LevelName, string] => [l, 'analyst']),
  ['county', 'officer'],
  ['otherCity', 'officer'],
];
const ENTITIES = Object.values(E);

/** The relations and trace places as the earlier path built them: `summaries` and `placeViews`, one statement each. */
async function separatePath(eid: string, viewer: Viewer) {
  const found = await readTx(graph, (tx) => readProfile({ tx }, eid, viewer.visibleSources, PROFILE_LIMITS));
  if (!found?.entity.visible) return null;
  const others = await summaries(graph, found.relations.map((r) => r.other), viewer);
  const places = await placeViews(graph, found.traces.map((t) => t.placeEid), viewer);
  return {
    relations: profileRelations(found.relations, others),
    recentTraces: found.traces.map((t) => {
      const pl = tracePlace(viewer, t, places);
      return { eid: t.placeEid, name: pl.name, lon: pl.position?.lon ?? null, lat: pl.position?.lat ?? null };
    }),
  };
}

describe('a profile in one pass', () => {
  it('shows the same neighbours and trace places as summaries and placeViews, for every viewer', async () => {
    let compared = 0;
    for (const [level, role] of VIEWERS) {
      const viewer = await viewerFor(app, level, role);
      for (const eid of ENTITIES) {
        const res = await as(app, level, role)({ url: `/api/entities/${eid}` });
        const expected = await separatePath(eid, viewer);
        if (!expected) {
          expect(res.statusCode, `${level} ${role} ${eid}`).toBe(404);
          continue;
        }
        expect(res.statusCode, res.body).toBe(200);
        const profile = res.json() as Profile;
        expect(profile.relations, `${level} ${role} ${eid}`).toEqual(JSON.parse(JSON.stringify(expected.relations)));
        expect(profile.recentTraces.map((t) => t.place), `${level} ${role} ${eid}`).toEqual(expected.recentTraces);
        compared += profile.relations.length + profile.recentTraces.length;
      }
    }
    // the fixture gives the comparison something to compare: relations and traces, homes among them
    expect(compared).toBeGreaterThan(40);
  });

  it("reads the places' node summaries as readNodeSummaries does", async () => {
    const viewer = await viewerFor(app, 'county', 'analyst'); // sees fx_cond, the home's source
    const found = await readTx(graph, (tx) => readProfile({ tx }, E.P1, viewer.visibleSources, PROFILE_LIMITS));
    const eids = [...new Set([...(found?.traces ?? []).map((t) => t.placeEid), ...(found?.relations ?? []).filter((r) => r.neighbour.kind === 'Place').map((r) => r.other)])];
    expect(eids).toContain(E.home);
    const nodes = await readNodeSummaries(graph, eids, viewer.visibleSources, SUMMARY_RECORDS);
    const byEid = (rows: Iterable<{ eid: string }>) => [...rows].sort((a, b) => a.eid.localeCompare(b.eid));
    expect(byEid(found?.places ?? [])).toEqual(byEid(nodes.values()));
  });
});
