import type { SourceCatalogEntry } from '@onemap/graph-schema';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from './load-catalog.ts';
import { SOURCE_ORDER } from './source-order.ts';
import { validateCatalog } from './validate-catalog.ts';

const REQUIRED_SOURCES = [
  'business',
  'checkpoint',
  'hotel',
  'household',
  'incident',
  'netcafe',
  'rail',
  'telecom',
  'vehicle_registry',
];

describe('source catalog', () => {
  it('holds every required source and all entries are valid', () => {
    const entries = loadCatalog();
    expect(entries.map((e) => e.id).sort()).toEqual(REQUIRED_SOURCES);
    expect(validateCatalog(entries).problems).toEqual([]);
  });

  it('SOURCE_ORDER loads every catalog source once, the person, company, vehicle and phone registries before any event', () => {
    const entries = loadCatalog();
    expect([...SOURCE_ORDER].sort()).toEqual(entries.map((e) => e.id).sort());
    const registries = ['household', 'business', 'vehicle_registry', 'telecom'];
    const lastRegistry = Math.max(...registries.map((s) => SOURCE_ORDER.indexOf(s)));
    const events = entries.filter((e) => e.authorityFor.length === 0).map((e) => SOURCE_ORDER.indexOf(e.id));
    expect(Math.min(...events)).toBeGreaterThan(lastRegistry);
  });

  it('maps every field of every source (target set, or null with a stated meaning)', () => {
    for (const e of loadCatalog()) {
      for (const f of e.fields) {
        expect(f.meaning.length, `${e.id}.${f.column}`).toBeGreaterThan(3);
        expect(f.target === null || /^[a-z_]+\.[a-zA-Z]+$/.test(f.target)).toBe(true);
      }
    }
  });

  it('gives the agreed sources authority for persons, organizations, vehicles and phones', () => {
    const by = new Map(loadCatalog().map((e) => [e.id, e.authorityFor]));
    expect(by.get('household')).toEqual(expect.arrayContaining(['Person.name', 'Person.residentId', 'Person.sex']));
    expect(by.get('business')).toContain('Organization.creditCode');
    expect(by.get('vehicle_registry')).toContain('Vehicle.plate');
    expect(by.get('telecom')).toContain('Phone.phone');
  });

  it('collects every problem at once, naming source and field', () => {
    const good = loadCatalog().find((e) => e.id === 'hotel') as SourceCatalogEntry;
    const bad: SourceCatalogEntry = {
      ...good,
      frequency: 'daily',
      fields: [
        ...good.fields,
        { column: 'x1', target: 'ghost.name', meaning: 'unknown role', sensitivity: 1 },
        { column: 'x2', target: 'guest.wingspan', meaning: 'unknown attribute', sensitivity: 1 },
      ],
      // an attribute derived from a mapped one (the household division, from the address) may have an authority
      authorityFor: [...good.authorityFor, 'Person.wingspan', 'Person.homeDivision'],
    };
    const { ok, problems } = validateCatalog([bad, good]);
    expect(ok).toBe(false);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/source hotel: frequency/),
        expect.stringMatching(/source hotel, field x1: target role ghost/),
        expect.stringMatching(/source hotel, field x2: wingspan is not an attribute of Person/),
        expect.stringMatching(/id used by more than one entry/),
        expect.stringMatching(/authorityFor Person.wingspan is not a Kind.attribute/),
      ]),
    );
    expect(problems.join('\n')).not.toMatch(/Person.homeDivision/);
  });
});
