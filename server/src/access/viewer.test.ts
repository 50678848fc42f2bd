import { describe, expect, it } from 'vitest';
import { buildViewer } from './viewer.ts';

describe('buildViewer', () => {
  it('a viewer is frozen: it is shared by every request of the same caller and purpose', () => {
    const v = buildViewer({
      username: 'u',
      displayName: 'U',
      unitCode: '620102',
      roles: ['analyst'],
      authMethod: 'jwt',
      purpose: null,
      units: new Map(),
      sources: new Map([['open', { id: 'open', nameZh: 'o', nameEn: 'o', ownerUnit: '620000', shareClass: 'unconditional', grade: 1, fieldSensitivity: {} }]]),
      grants: [],
      authority: new Map(),
      kAnonymity: 5,
    });
    expect(v.visibleSources).toEqual(['open']);
    expect(() => (v.visibleSources as string[]).push('closed')).toThrow();
    expect(() => {
      (v as { visibleSources: string[] }).visibleSources = ['closed'];
    }).toThrow();
    expect(() => {
      v.sourceAccess.closed = { visible: true, via: 'unconditional' };
    }).toThrow();
  });
});
