import { describe, expect, it } from 'vitest';
import { closeCompletions, maskForViewer, maskText, nodeValueDecision } from './mask-for-viewer.ts';
import { effectiveGrade } from './policy.ts';
import type { SourceInfo, UnitInfo } from './types.ts';
import { buildViewer } from './viewer.ts';

const units = new Map<string, UnitInfo>([
  ['620000', { code: '620000', name: '省', level: 'province', parent: null }],
  ['620200', { code: '620200', name: '市', level: 'city', parent: '620000' }],
]);
const SRC: SourceInfo = { id: 'hotel', nameZh: 'h', nameEn: 'h', ownerUnit: '620000', shareClass: 'unconditional', grade: 3, fieldSensitivity: { 'guest.residentId': 4, 'guest.sex': 1, 'guest.name': 3 } };
const viewer = (unitCode: string, roles: ('officer' | 'planner' | 'auditor')[]) =>
  buildViewer({ username: 'u', displayName: 'u', unitCode, roles, authMethod: 'jwt', purpose: { kind: 'criminal_case', caseNumber: 'A0001', text: '测试' }, units, sources: new Map([[SRC.id, SRC]]), grants: [], authority: new Map(), kAnonymity: 5 });

describe('derived attributes (graph-schema ATTRIBUTE_META)', () => {
  it('an attribute the source does not deliver takes the grade of what it was derived from', () => {
    expect(effectiveGrade(SRC, 'guest', 'birthDate')).toBe(4);
    expect(effectiveGrade(SRC, 'guest', 'birthCounty')).toBe(4);
    expect(effectiveGrade(SRC, 'guest', 'family')).toBe(3);
    // delivered by the source: its own catalog grade
    expect(effectiveGrade(SRC, 'guest', 'sex')).toBe(1);
  });
  it('a birth date is masked for an officer who sees the resident ID masked, plain for the owner', () => {
    const other = viewer('620200', ['officer']);
    expect(maskForViewer(other, { attribute: 'birthDate', value: '1990-03-07', source: 'hotel', role: 'guest' })).toEqual({ value: '***', masked: true });
    expect(maskForViewer(viewer('620000', ['officer']), { attribute: 'birthDate', value: '1990-03-07', source: 'hotel', role: 'guest' }).masked).toBe(false);
  });
  it('internal keys are always masked, and dropped from an answer', () => {
    const owner = viewer('620000', ['officer']);
    expect(maskForViewer(owner, { attribute: 'addressKey', value: '秘密街9号', source: 'hotel', role: 'guest' }).masked).toBe(true);
    const out = closeCompletions({ nameKey: { value: 'X', masked: false, source: 'hotel', rid: 'r' }, name: { value: '张伟', masked: false, source: 'hotel', rid: 'r' } });
    expect(Object.keys(out)).toEqual(['name']);
  });
  it('a plain birth date next to a masked resident ID is masked in the same answer', () => {
    const out = closeCompletions({ birthDate: { value: '1990-03-07', masked: false, source: 'b', rid: 'r' } }, ['residentId']);
    expect(out.birthDate).toMatchObject({ masked: true, value: '***' });
  });
});

describe('nodeValueDecision: a node value whose record role is unknown', () => {
  it('is plain or masked when every role of its source decides alike, else unknown (null)', () => {
    const owner = viewer('620000', ['officer']);
    const other = viewer('620200', ['officer']);
    expect(nodeValueDecision(owner, 'hotel', 'residentId')).toBe('plain');
    expect(nodeValueDecision(other, 'hotel', 'residentId')).toBe('masked');
    // a guest's sex is graded 1 (plain); in a role the catalog does not grade it follows the resident ID it is derived from (4)
    expect(maskForViewer(other, { attribute: 'sex', value: '男', source: 'hotel', role: 'guest' }).masked).toBe(false);
    expect(maskForViewer(other, { attribute: 'sex', value: '男', source: 'hotel', role: 'host' }).masked).toBe(true);
    expect(nodeValueDecision(other, 'hotel', 'sex')).toBeNull();
    // a birth date follows `guest.residentId` (the attribute it is derived from) in the guest role: masked in every role
    expect(nodeValueDecision(other, 'hotel', 'birthDate')).toBe('masked');
    // a source the viewer does not know: no decision
    expect(nodeValueDecision(other, 'rail', 'name')).toBeNull();
  });
});

describe('free text (audit parameters, search terms)', () => {
  it('masks identifier-shaped tokens for a viewer without a source to own', () => {
    expect(maskText(viewer('620000', ['auditor']), 'q=620102199003071234 and 13800000001')).toBe('q=620102********1234 and 138****0001');
  });
});
