import { describe, expect, it } from 'vitest';
import { name, toProfile } from './adapters.ts';
import type * as W from './wire.ts';

/** A place profile as the server answers it: its code is both a golden value and an identifier. */
function placeProfile(identifiers: W.Profile['identifiers']): W.Profile {
  return {
    eid: 'P-1',
    kind: 'place',
    golden: {
      name: { value: '泾川宾馆', masked: false, source: 'hotel', rid: 'hotel:1' },
      code: { value: 'H620821001', masked: false, source: 'hotel', rid: 'hotel:1' },
    },
    identifiers,
    relations: [],
    recentTraces: [],
    records: [{ rid: 'hotel:1', source: 'hotel', receivedAt: '2026-11-01T00:00:00Z' }],
  } as unknown as W.Profile;
}

describe('toProfile', () => {
  it('lists an identifier the golden values already show from the same source once', () => {
    const p = toProfile(
      placeProfile([
        { kind: 'place_code', value: 'H620821001', masked: false, source: 'hotel' },
      ] as W.Profile['identifiers']),
    );
    expect(p.attributes.filter((a) => a.value === 'H620821001')).toEqual([
      { name: 'code', value: 'H620821001', masked: false, source: 'hotel', rid: 'hotel:1' },
    ]);
  });

  it('keeps the identifier when another source gives the same value, and every other identifier', () => {
    const p = toProfile(
      placeProfile([
        { kind: 'place_code', value: 'H620821001', masked: false, source: 'business' },
        { kind: 'phone', value: '139****0001', masked: true, source: 'hotel' },
      ] as W.Profile['identifiers']),
    );
    expect(p.attributes.map((a) => `${a.name}|${a.value}|${a.source}`)).toEqual([
      'name|泾川宾馆|hotel',
      'code|H620821001|hotel',
      'id:place_code|H620821001|business',
      'id:phone|139****0001|hotel',
    ]);
    expect(p.name).toBe('泾川宾馆');
  });
});

describe('name', () => {
  it('never leaves a name blank: the visible name, *** when masked, else the eid', () => {
    expect(name('王伟', false, 'E1')).toBe('王伟');
    expect(name(null, true, 'E1')).toBe('***');
    expect(name(null, false, 'E1')).toBe('E1');
  });
});
