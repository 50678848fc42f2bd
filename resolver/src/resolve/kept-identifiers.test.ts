import { describe, expect, it } from 'vitest';
import type { Identifier } from '../types.ts';
import { IdentifierShape, identifiersOf, keepIdentifiers, sameIdentifiers } from './kept-identifiers.ts';

const phone = (value: string): Identifier => ({ kind: 'phone', value });
const rid = (value: string): Identifier => ({ kind: 'resident_id', value });

describe('kept identifiers', () => {
  it('keeps identifiers held by attributes as a shared shape and gives them back in order', () => {
    const a = { name: '王芳', phone: '+8613800138000', residentId: '110105199003070021' };
    const b = { name: '李娜', phone: '+8613912345678', residentId: '110105198511020022' };
    const ia = [rid(a.residentId), phone(a.phone)];
    const ib = [rid(b.residentId), phone(b.phone)];
    const ka = keepIdentifiers(ia, a);
    expect(ka).toBeInstanceOf(IdentifierShape);
    expect(keepIdentifiers(ib, b)).toBe(ka);
    expect(identifiersOf(ka, a)).toEqual(ia);
    expect(identifiersOf(ka, b)).toEqual(ib);
    expect(sameIdentifiers(ka, a, ia)).toBe(true);
    expect(sameIdentifiers(ka, a, ib)).toBe(false);
    expect(sameIdentifiers(ka, a, [phone(a.phone), rid(a.residentId)])).toBe(false);
    expect(sameIdentifiers(ka, a, [rid(a.residentId)])).toBe(false);
  });

  it('keeps a list with a value no attribute holds as it is, and no identifiers as a shape', () => {
    const attrs = { name: '王芳', phone: '+8613800138000' };
    const odd = [phone('+8613800138000'), rid('110105199003070021')];
    expect(keepIdentifiers(odd, attrs)).toBe(odd);
    expect(identifiersOf(odd, attrs)).toBe(odd);
    expect(sameIdentifiers(odd, attrs, [...odd])).toBe(true);
    expect(sameIdentifiers(odd, attrs, [odd[0]!])).toBe(false);
    const none = keepIdentifiers([], attrs);
    expect(none).toBeInstanceOf(IdentifierShape);
    expect(identifiersOf(none, attrs)).toEqual([]);
    expect(sameIdentifiers(none, attrs, [])).toBe(true);
    expect(sameIdentifiers(none, attrs, [phone(attrs.phone)])).toBe(false);
    // an empty value is never read from an attribute (a missing one reads '' too)
    expect(keepIdentifiers([phone('')], { phone: '' })).toEqual([phone('')]);
  });
});
