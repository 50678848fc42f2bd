import { describe, expect, it } from 'vitest';
import { mentionsHome, placeFactsOf, placeRoleFact } from './place-facts.ts';

describe('place facts', () => {
  it('lists each source and role once, sorted, and the sources of which a record mentions home', () => {
    const f = placeFactsOf([
      { source: 'rail', role: 'station', attrs: '{"station":{"name":"x"}}' },
      { source: 'hotel', role: 'hotel', attrs: '{"hotel":{"placeKind":"home"}}' },
      { source: 'hotel', role: 'hotel', attrs: null },
      { source: 'household', role: 'home', attrs: '{"home":{"address":"y"}}' },
    ]);
    expect(f).toEqual({ recordRoles: ['hotel:hotel', 'household:home', 'rail:station'], homeSources: ['hotel', 'household'] });
    expect(placeFactsOf([])).toEqual({ recordRoles: [], homeSources: [] });
  });

  it('mentions home only for a string holding the word', () => {
    expect(mentionsHome('{"home":{}}')).toBe(true);
    expect(mentionsHome('{"place":{}}')).toBe(false);
    expect(mentionsHome(undefined)).toBe(false);
    expect(placeRoleFact('hotel', 'guest')).toBe('hotel:guest');
  });
});
