import { describe, expect, it } from 'vitest';
import { decideField, decideSource, type PolicyInput } from './policy.ts';
import type { GrantInfo, SourceInfo, UnitInfo } from './types.ts';

const units = new Map<string, UnitInfo>(
  [
    ['620000', 'province', null],
    ['620100', 'city', '620000'],
    ['620102', 'county', '620100'],
    ['620102001', 'station', '620102'],
    ['620103', 'county', '620100'],
  ].map(([code, level, parent]) => [code as string, { code: code as string, name: code as string, level: level as UnitInfo['level'], parent: parent as string | null }]),
);
const src = (id: string, shareClass: SourceInfo['shareClass'], ownerUnit: string): SourceInfo => ({
  id,
  nameZh: id,
  nameEn: id,
  ownerUnit,
  shareClass,
  grade: 3,
  fieldSensitivity: { 'person.name': 3, 'person.sex': 1 },
});
const OPEN = src('open', 'unconditional', '620000');
const COND = src('cond', 'conditional', '620000');
const NONE = src('none', 'none', '620102');
const future = new Date(Date.now() + 86_400_000).toISOString();
const past = new Date(Date.now() - 1000).toISOString();
const grant = (unitCode: string, expiresAt: string, purposes: GrantInfo['purposes'], fields: string[] = []): GrantInfo => ({ id: `g-${unitCode}`, unitCode, sourceId: 'cond', purposes, expiresAt, fields });

function input(unitCode: string, grants: GrantInfo[] = [], purposeKind: PolicyInput['purposeKind'] = 'criminal_case', roles: PolicyInput['roles'] = ['officer']): PolicyInput {
  return { unitCode, roles, purposeKind, units, sources: new Map([OPEN, COND, NONE].map((s) => [s.id, s])), grants, now: new Date() };
}

describe('decideSource', () => {
  const table: [string, SourceInfo, PolicyInput, boolean, string][] = [
    ['unconditional → everyone', OPEN, input('620103'), true, 'unconditional'],
    ['conditional, owner unit', COND, input('620000'), true, 'owner'],
    ['conditional, no grant', COND, input('620102'), false, 'no_grant'],
    ['conditional, live grant with the purpose', COND, input('620102', [grant('620102', future, ['criminal_case'])]), true, 'grant'],
    ['conditional, grant to a unit above covers below', COND, input('620102001', [grant('620100', future, ['criminal_case'])]), true, 'grant'],
    ['conditional, grant to a unit below does not cover above', COND, input('620100', [grant('620102', future, ['criminal_case'])]), false, 'no_grant'],
    ['conditional, grant to a sibling does not cover', COND, input('620103', [grant('620102', future, ['criminal_case'])]), false, 'no_grant'],
    ['conditional, expired grant', COND, input('620102', [grant('620102', past, ['criminal_case'])]), false, 'grant_expired'],
    ['conditional, grant for another purpose', COND, input('620102', [grant('620102', future, ['administrative_case'])]), false, 'purpose_not_granted'],
    ['not shared, owner', NONE, input('620102'), true, 'owner'],
    ['not shared, superior of owner', NONE, input('620000'), true, 'owner'],
    ['not shared, below owner', NONE, input('620102001'), false, 'not_shared'],
    ['not shared, sibling of owner, even with a grant', NONE, input('620103', [{ ...grant('620103', future, ['criminal_case']), sourceId: 'none' }]), false, 'not_shared'],
  ];
  for (const [name, s, inp, visible, why] of table) {
    it(name, () => {
      const d = decideSource(s, inp);
      expect(d.visible).toBe(visible);
      expect(d.visible ? d.via : d.reason).toBe(why);
    });
  }
});

describe('decideField', () => {
  it('low grades are plain for cleared roles', () => expect(decideField(OPEN, 'person', 'sex', input('620103'))).toBe('plain'));
  it('grade 3 is plain for officers, masked for admins', () => {
    expect(decideField(OPEN, 'person', 'name', input('620103'))).toBe('plain');
    expect(decideField(OPEN, 'person', 'name', input('620103', [], 'criminal_case', ['admin']))).toBe('masked');
  });
  it('resident id and phone are grade 4 whatever the catalog says', () => {
    expect(decideField(OPEN, 'person', 'residentId', input('620103'))).toBe('masked');
    expect(decideField(OPEN, 'person', 'phone', input('620103'))).toBe('masked');
  });
  it('grade 4 is plain for the owner and units above it', () => {
    expect(decideField(OPEN, 'person', 'residentId', input('620000'))).toBe('plain');
    expect(decideField(NONE, 'person', 'residentId', input('620100'))).toBe('plain');
  });
  it('grade 4 is plain with a live grant listing the field for this purpose', () => {
    expect(decideField(COND, 'person', 'residentId', input('620102', [grant('620102', future, ['criminal_case'], ['residentId'])]))).toBe('plain');
    expect(decideField(COND, 'person', 'residentId', input('620102', [grant('620102', future, ['criminal_case'], ['*'])]))).toBe('plain');
    expect(decideField(COND, 'person', 'phone', input('620102', [grant('620102', future, ['criminal_case'], ['residentId'])]))).toBe('masked');
    expect(decideField(COND, 'person', 'residentId', input('620102', [grant('620102', past, ['criminal_case'], ['residentId'])]))).toBe('masked');
    expect(decideField(COND, 'person', 'residentId', input('620102', [grant('620102', future, ['administrative_case'], ['residentId'])]))).toBe('masked');
  });

  it('grade 4 stays masked under `statistics` (a request that states no purpose), even with a grant listing the field and statistics', () => {
    const g = grant('620102', future, ['criminal_case', 'statistics'], ['residentId']);
    expect(decideField(COND, 'person', 'residentId', input('620102', [g], 'statistics'))).toBe('masked');
    expect(decideField(COND, 'person', 'residentId', input('620102', [{ ...g, fields: ['*'] }], 'statistics'))).toBe('masked');
    expect(decideField(COND, 'person', 'residentId', input('620102', [g], 'criminal_case'))).toBe('plain');
    // the owner unit reads its own source in plain under a purpose, and masked without one
    expect(decideField(COND, 'person', 'residentId', input(COND.ownerUnit, [], 'criminal_case'))).toBe('plain');
    expect(decideField(COND, 'person', 'residentId', input(COND.ownerUnit, [], 'statistics'))).toBe('masked');
  });
  it('a home position is as sensitive as the home address, whatever grade the source gives its coordinates', () => {
    const registry: SourceInfo = { ...COND, fieldSensitivity: { 'home.lon': 1, 'home.lat': 1, 'home.address': 3, 'hotel.lon': 1 } };
    const only = (fields: string[]) => input('620102', [grant('620102', future, ['criminal_case'], fields)]);
    for (const attribute of ['lon', 'lat', 'location']) {
      expect(decideField(registry, 'home', attribute, only(['residentId']))).toBe('masked');
      // a grant that unmasks the address unmasks the position derived from it
      expect(decideField(registry, 'home', attribute, only(['address']))).toBe('plain');
      expect(decideField(registry, 'home', attribute, input(registry.ownerUnit))).toBe('plain');
    }
    // a venue's position is no one's home: its catalog grade holds
    expect(decideField(registry, 'hotel', 'lon', only([]))).toBe('plain');
  });
  it('planners see nothing in plain', () => expect(decideField(OPEN, 'person', 'sex', input('620000', [], 'statistics', ['planner']))).toBe('masked'));
});
