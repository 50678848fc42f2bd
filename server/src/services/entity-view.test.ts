import { describe, expect, it } from 'vitest';
import type { SourceInfo, UnitInfo } from '../access/types.ts';
import { buildViewer } from '../access/viewer.ts';
import { summarizeNode } from './entity-view.ts';

const units = new Map<string, UnitInfo>([
  ['620000', { code: '620000', name: '省', level: 'province', parent: null }],
  ['620200', { code: '620200', name: '市', level: 'city', parent: '620000' }],
]);
/** An unconditional source whose records name persons in two roles: a reporter (grade 3) and a suspect (grade 4). */
const INCIDENT: SourceInfo = {
  id: 'incident',
  nameZh: 'i',
  nameEn: 'i',
  ownerUnit: '620000',
  shareClass: 'unconditional',
  grade: 3,
  fieldSensitivity: { 'reporter.name': 3, 'suspect.name': 4 },
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
const viewer = (unitCode: string) =>
  buildViewer({
    username: 'u',
    displayName: 'u',
    unitCode,
    roles: ['officer'],
    authMethod: 'jwt',
    purpose: { kind: 'criminal_case', caseNumber: 'A0001', text: '测试' },
    units,
    sources: new Map([
      [INCIDENT.id, INCIDENT],
      [HOTEL.id, HOTEL],
    ]),
    grants: [],
    authority: new Map(),
    kAnonymity: 5,
  });
const node = (source: string) => ({
  eid: 'P-1',
  kind: 'Person',
  name: '赵六',
  placeKind: null,
  provenance: JSON.stringify({ name: { source, rid: `${source}:1` } }),
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
