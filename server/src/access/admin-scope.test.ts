import { describe, expect, it } from 'vitest';
import type { HttpError } from '../errors.ts';
import { adminScope, checkUserChange, planUnitChanges, subtreeOf } from './admin-scope.ts';
import type { UnitInfo } from './types.ts';

const TREE: UnitInfo[] = [
  { code: '620000', name: 'P', level: 'province', parent: null },
  { code: '620100', name: 'C', level: 'city', parent: '620000' },
  { code: '620102', name: 'K1', level: 'county', parent: '620100' },
  { code: '620102001', name: 'S1', level: 'station', parent: '620102' },
  { code: '620103', name: 'K2', level: 'county', parent: '620100' },
  { code: '620200', name: 'C2', level: 'city', parent: '620000' },
];
const units = new Map(TREE.map((u) => [u.code, u]));
const scopeOf = (unitCode: string, username = 'me') => adminScope({ username, unitCode, units });
const codeOf = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return (e as HttpError).code;
  }
  return null;
};

describe('subtreeOf', () => {
  it('holds the unit and every existing unit below it, and survives a cycle', () => {
    expect([...subtreeOf('620100', units)].sort()).toEqual(['620100', '620102', '620102001', '620103']);
    expect(subtreeOf('999999', units).size).toBe(0);
    const cyclic = new Map([
      ['a', { code: 'a', parent: 'b' }],
      ['b', { code: 'b', parent: 'a' }],
    ]);
    expect([...subtreeOf('a', cyclic)].sort()).toEqual(['a', 'b']);
  });
});

describe('planUnitChanges', () => {
  const city = scopeOf('620100');
  it('accepts a move inside the subtree and a new unit', () => {
    const rows = planUnitChanges(city, units, [
      { code: '620102001', name: 'S1', level: 'station', parent: '620103' },
      { code: '620103002', name: 'S2', level: 'station', parent: '620103' },
    ]);
    expect(rows).toHaveLength(2);
  });
  it('accepts a new unit under a new unit of the same batch', () => {
    const rows = planUnitChanges(scopeOf('620000'), units, [
      { code: '620300', name: 'C3', level: 'city', parent: '620000' },
      { code: '620302', name: 'K3', level: 'county', parent: '620300' },
    ]);
    expect(rows).toHaveLength(2);
  });
  it.each([
    ['own unit', [{ code: '620100', name: 'x', level: 'city', parent: '620000' }], 'ONEMAP_ERR_OWN_UNIT'],
    ['an ancestor', [{ code: '620000', name: 'x', level: 'province', parent: '620102' }], 'ONEMAP_ERR_OWN_UNIT'],
    [
      'a unit outside',
      [{ code: '620200', name: 'x', level: 'county', parent: '620100' }],
      'ONEMAP_ERR_UNIT_CODE_TAKEN',
    ],
    ['a parent outside', [{ code: '620201', name: 'x', level: 'county', parent: '620200' }], 'ONEMAP_ERR_NOT_FOUND'],
    [
      'a parent that does not exist',
      [{ code: '620109', name: 'x', level: 'county', parent: '620199' }],
      'ONEMAP_ERR_NOT_FOUND',
    ],
    ['a cycle', [{ code: '620102', name: 'K1', level: 'county', parent: '620102001' }], 'ONEMAP_ERR_UNIT_TREE'],
    [
      'a cycle across two entries',
      [
        { code: '620102', name: 'K1', level: 'county', parent: '620103' },
        { code: '620103', name: 'K2', level: 'county', parent: '620102' },
      ],
      'ONEMAP_ERR_UNIT_TREE',
    ],
    ['a second root', [{ code: '630000', name: 'x', level: 'province', parent: null }], 'ONEMAP_ERR_UNIT_TREE'],
    [
      'a level not below the parent',
      [{ code: '620103', name: 'K2', level: 'city', parent: '620100' }],
      'ONEMAP_ERR_UNIT_TREE',
    ],
    [
      'a re-level above its children',
      [{ code: '620102', name: 'K1', level: 'station', parent: '620100' }],
      'ONEMAP_ERR_UNIT_TREE',
    ],
    [
      'the same code twice',
      [
        { code: '620104', name: 'a', level: 'county', parent: '620100' },
        { code: '620104', name: 'b', level: 'county', parent: '620100' },
      ],
      'ONEMAP_ERR_UNIT_TREE',
    ],
  ] as [string, UnitInfo[], string][])('refuses %s', (_, entries, code) => {
    expect(codeOf(() => planUnitChanges(city, units, entries))).toBe(code);
  });
});

describe('checkUserChange', () => {
  const county = scopeOf('620102', 'boss');
  const user = (username: string, unitCode: string) => ({ username, unitCode, roles: ['officer'], disabled: false });
  it('answers a user outside the scope like a missing one', () => {
    expect(codeOf(() => checkUserChange(county, 'x', user('x', '620103'), { disabled: true }))).toBe(
      'ONEMAP_ERR_NOT_FOUND',
    );
    expect(codeOf(() => checkUserChange(county, 'x', null, { disabled: true }))).toBe('ONEMAP_ERR_NOT_FOUND');
  });
  it('says which changes revoke earlier tokens', () => {
    const below = user('x', '620102001');
    expect(checkUserChange(county, 'x', below, { password: true }).revokesTokens).toBe(true);
    expect(checkUserChange(county, 'x', below, { roles: ['analyst'] }).revokesTokens).toBe(true);
    expect(checkUserChange(county, 'x', below, { roles: ['officer'] }).revokesTokens).toBe(false);
    expect(checkUserChange(county, 'x', below, { disabled: true }).revokesTokens).toBe(true);
    expect(checkUserChange(county, 'x', below, { disabled: false }).revokesTokens).toBe(false);
    expect(checkUserChange(county, 'x', below, { certFingerprint: null }).revokesTokens).toBe(false);
  });
  it('lets an admin change its own password but nothing that grants', () => {
    const self = user('boss', '620102');
    expect(checkUserChange(county, 'boss', self, { password: true }).revokesTokens).toBe(true);
    for (const change of [{ roles: ['admin', 'analyst'] }, { unitCode: '620102001' }, { disabled: false }]) {
      expect(codeOf(() => checkUserChange(county, 'boss', self, change))).toBe('ONEMAP_ERR_SELF_ADMINISTRATION');
    }
  });
  it('moving a user into the admin’s own unit needs an admin above', () => {
    expect(codeOf(() => checkUserChange(county, 'x', user('x', '620102001'), { unitCode: '620102' }))).toBe(
      'ONEMAP_ERR_NEEDS_HIGHER_UNIT',
    );
  });
});
