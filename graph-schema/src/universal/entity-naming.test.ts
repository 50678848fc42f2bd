import { describe, expect, it } from 'vitest';
import { composeName, NAMING_ATTRIBUTES, NAMING_PROPERTIES, namingAttributesOf } from './entity-naming.ts';
import { ENTITY_LABELS } from './graph-model.ts';

describe('entity naming', () => {
  it('names every entity kind by at least one attribute', () => {
    for (const kind of ENTITY_LABELS) expect(NAMING_ATTRIBUTES[kind].length, kind).toBeGreaterThan(0);
    expect(namingAttributesOf('Vehicle').map((a) => a.attribute)).toEqual(['plate']);
    expect(namingAttributesOf('Nothing')).toEqual([]);
    expect(NAMING_PROPERTIES).toEqual(expect.arrayContaining(['name', 'plate', 'number', 'caseType', 'caseNumber']));
  });

  it('joins the present parts in order, null when none is', () => {
    expect(composeName(['盗窃', 'A6201022026110001'])).toBe('盗窃 A6201022026110001');
    expect(composeName([undefined, 'A6201022026110001'])).toBe('A6201022026110001');
    expect(composeName(['', null])).toBeNull();
  });
});
