import { describe, expect, it } from 'vitest';
import { officerOf } from '../../../test/helpers/unit-viewer.ts';
import type { SourceInfo } from '../access/types.ts';
import { summarizeNode } from './entity-view.ts';

/** An unconditional source whose records name persons in two roles: a reporter (grade 3) and a suspect (grade 4). */
const INCIDENT: SourceInfo = {
  id: 'incident',
  nameZh: 'i',
  nameEn: 'i',
  ownerUnit: '620000',
  shareClass: 'unconditional',
  grade: 3,
  fieldSensitivity: { 'reporter.name': 3, 'suspect.name': 4, 'vehicle.plate': 4, 'case.caseNumber': 4, 'company.name': 4, 'phone.phone': 4 },
};
const HOTEL: SourceInfo = {
  id: 'hotel',
  nameZh: 'h',
  nameEn: 'h',
  ownerUnit: '620000',
  shareClass: 'unconditional',
  grade: 3,
  fieldSensitivity: { 'guest.name': 3 },
};
const viewer = (unitCode: string) => officerOf(unitCode, [INCIDENT, HOTEL]);
const node = (source: string) => ({
  eid: 'P-1',
  kind: 'Person',
  name: '赵六',
  naming: { name: '赵六' },
  placeKind: null,
  provenance: JSON.stringify({ name: { source, rid: `${source}:1` } }),
  seenWhole: true,
  hiddenSources: [] as string[],
});

describe('a name from a node, whose record role the node does not keep', () => {
  it('is masked when any role of its source grades the name above what the viewer may read', () => {
    expect(summarizeNode(node('incident'), viewer('620200'))).toMatchObject({
      name: expect.not.stringContaining('赵六'),
      nameMasked: true,
    });
  });
  it('is plain when every role of its source lets the viewer read names, or for the owner unit', () => {
    expect(summarizeNode(node('hotel'), viewer('620200'))).toMatchObject({ name: '赵六', nameMasked: false });
    expect(summarizeNode(node('incident'), viewer('620000'))).toMatchObject({ name: '赵六', nameMasked: false });
  });
});

/** A node of `kind` as the pipeline writes it: `name` made of its naming properties, provenance keyed by property. */
const named = (kind: string, naming: Record<string, string>, source: string) => ({
  eid: `${kind}-1`,
  kind,
  name: Object.values(naming).join(' '),
  naming,
  placeKind: null,
  provenance: JSON.stringify(Object.fromEntries(Object.keys(naming).map((p) => [p, { source, rid: `${source}:1` }]))),
  seenWhole: true,
  hiddenSources: [] as string[],
});

describe('a name from a node is masked by the rule of the attribute it stands for, whatever the kind', () => {
  const cases: { kind: string; naming: Record<string, string>; hidden: string }[] = [
    { kind: 'Vehicle', naming: { plate: '甘A12345' }, hidden: '12345' },
    { kind: 'Phone', naming: { number: '+8613800000001' }, hidden: '13800000001' },
    { kind: 'Case', naming: { caseType: '盗窃', caseNumber: 'A6201022026110001' }, hidden: 'A6201022026110001' },
    { kind: 'Organization', naming: { name: '兰州示例贸易有限公司' }, hidden: '示例贸易' },
  ];
  it.each(cases)('$kind: masked where its source grades that attribute above the viewer, plain for the owner', ({ kind, naming, hidden }) => {
    const masked = summarizeNode(named(kind, naming, 'incident'), viewer('620200'));
    expect(masked?.nameMasked).toBe(true);
    expect(masked?.name).not.toContain(hidden);
    expect(summarizeNode(named(kind, naming, 'incident'), viewer('620000'))).toMatchObject({ name: Object.values(naming).join(' '), nameMasked: false });
    // a source that does not grade the attribute: plain as its rule says (a phone number stays masked: a protected attribute)
    expect(summarizeNode(named(kind, naming, 'hotel'), viewer('620200'))?.nameMasked).toBe(kind === 'Phone');
  });
  it('is not made from a node the viewer does not see whole, nor from a part whose source is hidden', () => {
    expect(summarizeNode({ ...named('Vehicle', { plate: '甘A12345' }, 'hotel'), seenWhole: false }, viewer('620200'))).toBeNull();
    expect(summarizeNode(named('Vehicle', { plate: '甘A12345' }, 'elsewhere'), viewer('620200'))).toBeNull();
  });
});

describe('a name from a node the viewer does not see whole', () => {
  // household is the authority for a person's name (一数一源); rail and census are sources this viewer may not see
  const HOUSEHOLD: SourceInfo = { ...HOTEL, id: 'household', fieldSensitivity: { 'person.name': 2 } };
  const authority = (extra: Record<string, string[]> = {}) =>
    new Map(Object.entries({ household: ['Person.name'], ...extra }).map(([s, a]) => [s, new Set(a)]));
  const hiddenFrom = (hidden: string[], source = 'household') => ({ ...node(source), seenWhole: false, hiddenSources: hidden });
  it('stands when a visible authority named it and no hidden source is an authority for names: hidden records cannot vote', () => {
    const v = officerOf('620200', [HOTEL, HOUSEHOLD], authority());
    expect(summarizeNode(hiddenFrom(['rail']), v)).toMatchObject({ name: '赵六', nameMasked: false });
  });
  it('does not stand when a hidden source is an authority for names too (its records would vote), nor when a non-authority named it', () => {
    expect(summarizeNode(hiddenFrom(['rail', 'census']), officerOf('620200', [HOTEL, HOUSEHOLD], authority({ census: ['Person.name'] })))).toBeNull();
    expect(summarizeNode(hiddenFrom(['rail'], 'hotel'), officerOf('620200', [HOTEL, HOUSEHOLD], authority()))).toBeNull();
    // an authority for another attribute only is no authority for the name
    expect(summarizeNode(hiddenFrom(['rail']), officerOf('620200', [HOTEL, HOUSEHOLD], new Map([['household', new Set(['Person.address'])]])))).toBeNull();
  });
  it('does not stand when the row does not name its hidden sources, nor when the authority itself is hidden', () => {
    expect(summarizeNode(hiddenFrom([]), officerOf('620200', [HOTEL, HOUSEHOLD], authority()))).toBeNull();
    expect(summarizeNode(hiddenFrom(['rail']), officerOf('620200', [HOTEL], authority()))).toBeNull();
  });
});
