import { describe, expect, it } from 'vitest';
import type { AuditEntry } from './chain.ts';
import { shownEntry, userFilterHidden } from './shown-entry.ts';

const ID = '620102199001011234';
const stored: AuditEntry = {
  seq: 7,
  prevHash: 'a'.repeat(64),
  hash: 'b'.repeat(64),
  at: '2026-12-02T00:00:00.000Z',
  requestId: 'r7',
  user: ID,
  unit: '620102',
  role: 'officer',
  purposeJson: JSON.stringify({ kind: 'criminal_case', caseNumber: 'A6201022026110001', text: `查 ${ID}` }),
  route: `/api/nope/${ID}/%E7%94%98A12345`,
  method: 'GET',
  paramsJson: JSON.stringify({ query: { q: ID } }),
  resultCount: null,
  outcome: 'error',
  status: 404,
};

describe('shownEntry', () => {
  it('masks every text a caller wrote: user, purpose, route (the path as sent, percent-encoded too) and parameters', () => {
    const shown = shownEntry(stored);
    const text = JSON.stringify(shown);
    expect(text).not.toContain('19900101');
    expect(text).not.toContain('A12345');
    expect(shown.route).toBe('/api/nope/620102********1234/***');
    expect(shown.user).toBe('620102********1234');
  });
  it("shows the server's own fields as stored", () => {
    const { user: _u, purposeJson: _p, route: _r, paramsJson: _q, ...own } = stored;
    expect(shownEntry(stored)).toMatchObject(own);
    expect(shownEntry({ ...stored, route: '/api/entities/:eid', user: 'jql_officer' })).toMatchObject({ route: '/api/entities/:eid', user: 'jql_officer' });
  });
});

describe('userFilterHidden', () => {
  it('a filter naming an identifier matches nothing; a username filters', () => {
    expect(userFilterHidden(ID)).toBe(true);
    expect(userFilterHidden('jql_officer')).toBe(false);
    expect(userFilterHidden(undefined)).toBe(false);
  });
});
