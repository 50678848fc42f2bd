/**
 * Analysis answers say when a limit cut them: `truncated` (and, for co-location, `truncatedBy`
 * naming the limit) instead of silently dropping what lies beyond a cap.
 */
import type { Graph } from '@onemap/graph-schema/server';
import type { FastifyInstance } from 'fastify';
import { describe, expect, it } from 'vitest';
import { as, useServerApp } from '../helpers/server-app.ts';
import { E, FX } from '../helpers/server-fixtures.ts';

let graph: Graph;
let app: FastifyInstance;
useServerApp({ RATE_LIMIT_PER_MINUTE: 1_000_000 }, (s) => {
  ({ app, graph } = s);
});

const WINDOW = 'from=2026-11-01T00:00:00Z&to=2026-11-03T00:00:00Z';

describe('co-location (同地出现) says when it was cut', () => {
  it('an answer within every limit is not truncated', async () => {
    const res = await as(app, 'county', 'analyst')({ url: `/api/analysis/co-location?eid=${E.P1}&${WINDOW}&minCount=1` });
    expect(res.statusCode).toBe(200);
    const b = res.json();
    expect(b.coLocated.length).toBeGreaterThan(1);
    expect(b.truncated).toBe(false);
    expect(b.truncatedBy).toEqual({ limit: false, subjectSightings: false, nearbyPlaces: false });
  });

  it('an answer cut by `limit` says so', async () => {
    const res = await as(app, 'county', 'analyst')({ url: `/api/analysis/co-location?eid=${E.P1}&${WINDOW}&minCount=1&limit=1` });
    const b = res.json();
    expect(b.coLocated).toHaveLength(1);
    expect(b.truncated).toBe(true);
    expect(b.truncatedBy.limit).toBe(true);
  });

  it('an answer cut by the nearby-places cap (CO_LOCATION_LIMITS.nearbyPlaces) names it', async () => {
    // 60 more places the analyst may see at the hotel's position: more than the 50 the query looks at per sighting.
    await graph.driver.executeQuery(
      `UNWIND range(1, 60) AS i
       CREATE (:Entity:Place {eid: 'L-FXCAP-' + i, name: 'cap ' + i, location: point({longitude: 103.83, latitude: 36.06}), inSources: [$open]})`,
      { open: FX.open },
      { database: graph.database },
    );
    const res = await as(app, 'county', 'analyst')({ url: `/api/analysis/co-location?eid=${E.P1}&${WINDOW}&minCount=1&radiusM=50` });
    const b = res.json();
    expect(b.truncated).toBe(true);
    expect(b.truncatedBy).toMatchObject({ nearbyPlaces: true, subjectSightings: false });
  });
});

describe('collision (时空碰撞) says when it was cut', () => {
  it('reports truncated when more subjects were in every window than `limit`', async () => {
    const w = { lon: 103.83, lat: 36.06, radiusM: 200, from: '2026-11-01T00:00:00Z', to: '2026-11-03T00:00:00Z' };
    const all = await as(app, 'county', 'analyst')({ method: 'POST', url: '/api/analysis/collision', payload: { windows: [w, w] } });
    expect(all.statusCode).toBe(200);
    expect(all.json().matches.length).toBeGreaterThan(1);
    expect(all.json().truncated).toBe(false);
    const one = await as(app, 'county', 'analyst')({ method: 'POST', url: '/api/analysis/collision', payload: { windows: [w, w], limit: 1 } });
    expect(one.json().matches).toHaveLength(1);
    expect(one.json().truncated).toBe(true);
  });
});
