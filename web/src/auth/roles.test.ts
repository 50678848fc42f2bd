import { describe, expect, it } from 'vitest';
import { screensFor, seesIndividuals } from './roles.ts';

const user = (role: 'planner' | 'officer' | 'analyst' | 'admin' | 'auditor', roles?: ('planner' | 'officer' | 'analyst' | 'admin' | 'auditor')[]) => ({ username: 'u', name: 'u', role, roles, unitCode: '620000' });

describe('screensFor', () => {
  it('gives a planner the map only, and no individuals', () => {
    expect(screensFor(user('planner'))).toEqual(['map']);
    expect(seesIndividuals(user('planner'))).toBe(false);
  });
  it('gives an auditor the audit trail only', () => {
    expect(screensFor(user('auditor'))).toEqual(['audit']);
  });
  it('unions the screens of several roles, in menu order', () => {
    expect(screensFor(user('officer', ['officer', 'auditor']))).toEqual(['map', 'search', 'trajectory', 'watches', 'audit']);
  });
});
