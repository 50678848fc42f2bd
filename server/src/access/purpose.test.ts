import { describe, expect, it } from 'vitest';
import { encodePurpose, parsePurpose } from './purpose.ts';

describe('parsePurpose', () => {
  const ok = { kind: 'criminal_case' as const, caseNumber: 'A6201022026110001', text: '盗窃案排查' };
  it('reads URI-encoded JSON', () => expect(parsePurpose(encodePurpose(ok))).toEqual(ok));
  it('reads plain JSON', () => expect(parsePurpose(JSON.stringify(ok))).toEqual(ok));
  it('returns null when absent', () => {
    expect(parsePurpose(undefined)).toBeNull();
    expect(parsePurpose('')).toBeNull();
  });
  const bad: [string, unknown, string][] = [
    ['not JSON', 'hello', 'URI-encoded JSON'],
    ['unknown kind', { ...ok, kind: 'curiosity' }, 'purpose.kind'],
    ['no case number', { ...ok, caseNumber: '' }, 'purpose.caseNumber'],
    ['case number with spaces', { ...ok, caseNumber: 'A 1 2 3' }, 'purpose.caseNumber'],
    ['no text', { ...ok, text: ' ' }, 'purpose.text'],
    ['text too long', { ...ok, text: 'x'.repeat(501) }, 'purpose.text'],
  ];
  for (const [name, v, msg] of bad) {
    it(`refuses ${name} with a message`, () => {
      expect(() => parsePurpose(typeof v === 'string' ? v : JSON.stringify(v))).toThrow(msg);
    });
  }
});
