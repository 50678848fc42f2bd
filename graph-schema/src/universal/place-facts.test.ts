import { describe, expect, it } from 'vitest';
import { mentionsHome, placeFactsOf, placeRoleFact, pointOfRoleAttrs, statedPoint } from './place-facts.ts';

describe('place facts', () => {
  it('lists each source and role once, sorted, and the sources of which a record mentions home', () => {
    const f = placeFactsOf([
      { source: 'rail', role: 'station', attrs: '{"station":{"name":"x"}}' },
      { source: 'hotel', role: 'hotel', attrs: '{"hotel":{"placeKind":"home"}}' },
      { source: 'hotel', role: 'hotel', attrs: null },
      { source: 'household', role: 'home', attrs: '{"home":{"address":"y"}}' },
    ]);
    expect(f).toEqual({ recordRoles: ['hotel:hotel', 'household:home', 'rail:station'], homeSources: ['hotel', 'household'], pointStatements: [] });
    expect(placeFactsOf([])).toEqual({ recordRoles: [], homeSources: [], pointStatements: [] });
  });

  it('mentions home only for a string holding the word', () => {
    expect(mentionsHome('{"home":{}}')).toBe(true);
    expect(mentionsHome('{"place":{}}')).toBe(false);
    expect(mentionsHome(undefined)).toBe(false);
    expect(placeRoleFact('hotel', 'guest')).toBe('hotel:guest');
  });

  it('lists each source and the point its records state for their role once, sorted, as stated', () => {
    const f = placeFactsOf([
      { source: 'rail', role: 'station', attrs: '{"station":{"lon":"103.8","lat":"36.06"}}' },
      { source: 'rail', role: 'station', attrs: '{"station":{"lon":"103.8","lat":"36.06","name":"again"}}' },
      { source: 'hotel', role: 'hotel', attrs: '{"guest":{"lon":"1","lat":"2"},"hotel":{"name":"no point"}}' },
      { source: 'netcafe', role: 'place', attrs: '{"place":{"lat":36.1,"lon":103.9}}' },
      { source: 'checkpoint', role: 'place', attrs: '{"place":{"lon":"103.9"}}' },
    ]);
    expect(f.pointStatements).toEqual(['netcafe:103.9:36.1', 'rail:103.8:36.06']);
    expect(statedPoint('{"place":{"lon":"","lat":"1"}}', 'place')).toBeNull();
    expect(statedPoint('not json "lon"', 'place')).toBeNull();
  });

  it("reads a role's point from its attrs object as from the record's attrs JSON (what the bulk load spills)", () => {
    const cases: Record<string, unknown>[] = [
      { place: { lon: '103.8', lat: '36.06', name: 'x' } },
      { place: { lon: 103.9, lat: 36.1 } },
      { place: { lon: -0, lat: 1e21 } },
      { place: { lon: Number.NaN, lat: '1' } },
      { place: { lon: Number.POSITIVE_INFINITY, lat: 2 } },
      { place: { lon: '', lat: '1' } },
      { place: { lon: '1' } },
      { place: { lon: ['1'], lat: '2' } },
      { place: { lon: { v: 1 }, lat: '2' } },
      { place: { lon: true, lat: '2' } },
      { place: ['1', '2'] },
      { place: null },
      { other: { lon: '1', lat: '2' } },
    ];
    for (const attrs of cases) expect(pointOfRoleAttrs(attrs.place), JSON.stringify(attrs)).toEqual(statedPoint(JSON.stringify(attrs), 'place'));
    expect(pointOfRoleAttrs({ lon: 103.9, lat: '36.1' })).toEqual({ lon: '103.9', lat: '36.1' });
  });
});
