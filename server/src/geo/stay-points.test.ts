import { describe, expect, it } from 'vitest';
import { toBeijingIso } from '@onemap/graph-schema';
import { stayPoints } from './stay-points.ts';

const at = (m: number) => new Date(Date.UTC(2026, 10, 1, 8, m)).toISOString();

describe('stayPoints', () => {
  it('finds one stay when points stay within the radius for long enough', () => {
    const s = stayPoints([
      { lon: 103.8, lat: 36.06, at: at(0) },
      { lon: 103.8003, lat: 36.0601, at: at(10) },
      { lon: 103.9, lat: 36.1, at: at(20) },
    ]);
    expect(s).toHaveLength(1);
    expect(s[0]).toMatchObject({ start: toBeijingIso(at(0)), points: 2, minutes: 10 });
  });

  it('ignores a short pause below the time threshold', () => {
    expect(stayPoints([{ lon: 103.8, lat: 36.06, at: at(0) }, { lon: 103.8, lat: 36.06, at: at(3) }])).toEqual([]);
  });

  it('counts a single sighting with its own end time (a hotel night) as a stay', () => {
    const s = stayPoints([{ lon: 103.8, lat: 36.06, at: at(0), until: at(59), placeEid: 'P1' }]);
    expect(s).toHaveLength(1);
    expect(s[0]?.placeEids).toEqual(['P1']);
  });

  it('splits when the trajectory leaves the radius', () => {
    const s = stayPoints(
      [
        { lon: 103.8, lat: 36.06, at: at(0) },
        { lon: 103.8, lat: 36.06, at: at(10) },
        { lon: 103.85, lat: 36.06, at: at(20) },
        { lon: 103.85, lat: 36.06, at: at(40) },
      ],
      { radiusM: 100, minMinutes: 5 },
    );
    expect(s.map((x) => x.points)).toEqual([2, 2]);
  });

  it('states a stay\'s start and end both in +08:00 and in order (ends came back in UTC: issue 16)', () => {
    const s = stayPoints([{ lon: 103.8, lat: 36.06, at: '2026-03-09T14:23:00+08:00', until: '2026-03-09T20:25:00+08:00' }]);
    expect(s[0]).toMatchObject({ start: '2026-03-09T14:23:00+08:00', end: '2026-03-09T20:25:00+08:00' });
    expect(Date.parse(s[0]?.end ?? '')).toBeGreaterThan(Date.parse(s[0]?.start ?? ''));
  });
});
