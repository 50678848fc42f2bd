/**
 * Collision (时空碰撞) over drawn polygons and jurisdictions, through the API on the real graph:
 * the places inside are found exactly, a polygon is validated with a clear 400, and only a
 * jurisdiction the caller's unit may see can be named.
 */
import type { FastifyInstance } from 'fastify';
import { describe, expect, it } from 'vitest';
import { as, useServerApp } from '../helpers/server-app.ts';
import { E } from '../helpers/server-fixtures.ts';

let app: FastifyInstance;
useServerApp({ RATE_LIMIT_PER_MINUTE: 1_000_000 }, (s) => {
  ({ app } = s);
});

const TIME = { from: '2026-11-01T00:00:00Z', to: '2026-11-03T00:00:00Z' };
/** Around the fixture hotel (103.83, 36.06) and internet cafe (103.84, 36.07); not the far hotel (103.75, 36.05). */
const AROUND_HOTEL_AND_CAFE = {
  type: 'Polygon',
  coordinates: [
    [
      [103.82, 36.05],
      [103.85, 36.05],
      [103.85, 36.08],
      [103.82, 36.08],
      [103.82, 36.05],
    ],
  ],
};
/** A triangle holding the hotel but not the cafe. */
const HOTEL_ONLY = {
  type: 'Polygon',
  coordinates: [
    [
      [103.825, 36.055],
      [103.835, 36.055],
      [103.83, 36.065],
      [103.825, 36.055],
    ],
  ],
};
const collide = (level: Parameters<typeof as>[1], windows: unknown[]) =>
  as(app, level, 'analyst')({ method: 'POST', url: '/api/analysis/collision', payload: { windows } });

describe('collision over a drawn polygon', () => {
  it('finds who was inside the polygon in both windows, and no one outside it', async () => {
    const res = await collide('county', [
      { polygon: AROUND_HOTEL_AND_CAFE, ...TIME },
      { polygon: HOTEL_ONLY, ...TIME },
    ]);
    expect(res.statusCode).toBe(200);
    const eids = res.json().matches.map((m: { entity: { eid: string } }) => m.entity.eid);
    expect(eids).toEqual(expect.arrayContaining([E.P1, E.P3]));
    const places = res.json().matches.flatMap((m: { hits: { placeEid: string }[] }) => m.hits.map((h) => h.placeEid));
    expect(places).not.toContain(E.far);
    expect(res.json().truncated).toBe(false);
  });

  it('a polygon around the far hotel only and one around the hotel: only who was at both', async () => {
    const far = {
      type: 'Polygon',
      coordinates: [
        [
          [103.74, 36.04],
          [103.76, 36.04],
          [103.76, 36.06],
          [103.74, 36.04],
        ],
      ],
    };
    const res = await collide('county', [
      { polygon: far, ...TIME },
      { polygon: HOTEL_ONLY, ...TIME },
    ]);
    expect(res.statusCode).toBe(200);
    // P1 was at the far hotel (non-shared source of the county) and at the hotel; P3 never at the far one.
    const eids = res.json().matches.map((m: { entity: { eid: string } }) => m.entity.eid);
    expect(eids).toContain(E.P1);
    expect(eids).not.toContain(E.P3);
  });

  it.each([
    [
      'a ring that is not closed',
      {
        type: 'Polygon',
        coordinates: [
          [
            [103.82, 36.05],
            [103.85, 36.05],
            [103.85, 36.08],
            [103.82, 36.08],
          ],
        ],
      },
      /not closed/,
    ],
    [
      'a ring that crosses itself',
      {
        type: 'Polygon',
        coordinates: [
          [
            [103.82, 36.05],
            [103.85, 36.08],
            [103.85, 36.05],
            [103.82, 36.08],
            [103.82, 36.05],
          ],
        ],
      },
      /crosses itself/,
    ],
    [
      'an area larger than the cap',
      {
        type: 'Polygon',
        coordinates: [
          [
            [100, 34],
            [106, 34],
            [106, 40],
            [100, 40],
            [100, 34],
          ],
        ],
      },
      /area may be at most/,
    ],
    [
      'more positions than the cap',
      {
        type: 'Polygon',
        coordinates: [
          [
            ...Array.from({ length: 300 }, (_, i) => [
              103.8 + 0.05 * Math.cos((2 * Math.PI * i) / 300),
              36 + 0.05 * Math.sin((2 * Math.PI * i) / 300),
            ]),
            [103.85, 36],
          ],
        ],
      },
      /must NOT have more than 200 items|at most 200/,
    ],
    [
      'a position that is not [lon, lat]',
      {
        type: 'Polygon',
        coordinates: [
          [
            [103.82, 36.05],
            [203.85, 36.05],
            [103.85, 36.08],
            [103.82, 36.05],
          ],
        ],
      },
      /must be <= 180/,
    ],
    [
      'a polygon without area',
      {
        type: 'Polygon',
        coordinates: [
          [
            [103.82, 36.05],
            [103.83, 36.06],
            [103.84, 36.07],
            [103.82, 36.05],
          ],
        ],
      },
      /no area/,
    ],
  ])('refuses %s with 400 ONEMAP_ERR_VALIDATION and the reason', async (_name, polygon, reason) => {
    const res = await collide('county', [
      { polygon, ...TIME },
      { polygon: HOTEL_ONLY, ...TIME },
    ]);
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('ONEMAP_ERR_VALIDATION');
    expect(res.json().message).toMatch(reason);
  });

  it('refuses a window naming two areas, or none', async () => {
    const both = await collide('county', [
      { polygon: HOTEL_ONLY, lon: 103.83, lat: 36.06, ...TIME },
      { polygon: HOTEL_ONLY, ...TIME },
    ]);
    expect(both.statusCode).toBe(400);
    expect(both.json().message).toMatch(/exactly one area/);
    const none = await collide('county', [{ ...TIME }, { polygon: HOTEL_ONLY, ...TIME }]);
    expect(none.statusCode).toBe(400);
    const half = await collide('county', [
      { lon: 103.83, ...TIME },
      { polygon: HOTEL_ONLY, ...TIME },
    ]);
    expect(half.statusCode).toBe(400);
    expect(half.json().message).toMatch(/missing lat/);
  });

  it('circles still work as before (radius default 200 m)', async () => {
    const res = await collide('county', [
      { lon: 103.83, lat: 36.06, ...TIME },
      { polygon: HOTEL_ONLY, ...TIME },
    ]);
    expect(res.statusCode).toBe(200);
    expect(res.json().matches.map((m: { entity: { eid: string } }) => m.entity.eid)).toContain(E.P3);
  });
});

describe('collision over a jurisdiction (辖区)', () => {
  it('a county’s own territory: the persons seen at its places in both windows', async () => {
    const res = await collide('county', [
      { jurisdiction: '620102', ...TIME },
      { polygon: HOTEL_ONLY, ...TIME },
    ]);
    expect(res.statusCode).toBe(200);
    const eids = res.json().matches.map((m: { entity: { eid: string } }) => m.entity.eid);
    expect(eids).toEqual(expect.arrayContaining([E.P1, E.P3]));
    // Only places of 620102 count: the far hotel lies in 620103.
    const places = res.json().matches.flatMap((m: { hits: { placeEid: string }[] }) => m.hits.map((h) => h.placeEid));
    expect(places).not.toContain(E.far);
  });

  it('a city names its counties; a station names its county', async () => {
    const city = await collide('city', [
      { jurisdiction: '620103', ...TIME },
      { jurisdiction: '620100', ...TIME },
    ]);
    expect(city.statusCode).toBe(200);
    const station = await collide('station', [
      { jurisdiction: '620102', ...TIME },
      { polygon: HOTEL_ONLY, ...TIME },
    ]);
    expect(station.statusCode).toBe(200);
  });

  it.each([
    ['a unit above the caller’s', 'county', '620100'],
    ['a neighbouring county', 'county', '620103'],
    ['another city', 'otherCity', '620102'],
    ['a code that names no unit', 'province', '629999'],
    ['a station (no territory)', 'province', '620102'.padEnd(9, '1')],
  ] as const)(
    'refuses %s with 400 ONEMAP_ERR_UNKNOWN_JURISDICTION, saying nothing of what lies there',
    async (_name, level, code) => {
      const res = await collide(level, [
        { jurisdiction: code, ...TIME },
        { polygon: HOTEL_ONLY, ...TIME },
      ]);
      expect(res.statusCode).toBe(400);
      expect(res.json().code).toBe(code.length === 9 ? 'ONEMAP_ERR_VALIDATION' : 'ONEMAP_ERR_UNKNOWN_JURISDICTION');
      expect(JSON.stringify(res.json())).not.toMatch(/P-FX|L-FX/);
    },
  );
});
