/**
 * Masking (脱敏) of sensitive values. The shape of a masked value keeps what a frontline user
 * needs to tell values apart (region prefix, last digits) and nothing more.
 */

import { ATTRIBUTE_META, attributeMeta } from '@onemap/graph-schema';

/** Attributes that are always treated as grade 4, whatever the catalog says (R9); declared in graph-schema `ATTRIBUTE_META`. */
export const PROTECTED_ATTRIBUTES = new Set(Object.entries(ATTRIBUTE_META).filter(([, m]) => m.minGrade === 4).map(([a]) => a));

/**
 * Masks one attribute value.
 * @param attribute attribute name, e.g. `residentId`
 * @param value the plain value
 * @returns the masked string
 * @example maskValue('residentId', '620102199001011234') // '620102********1234'
 */
export function maskValue(attribute: string, value: unknown): string {
  const s = value === null || value === undefined ? '' : String(value);
  if (!s) return s;
  switch (attribute) {
    case 'residentId':
    case 'nationalId':
      return s.length > 10 ? `${s.slice(0, 6)}${'*'.repeat(s.length - 10)}${s.slice(-4)}` : '*'.repeat(s.length);
    case 'passport':
      return s.length > 4 ? `${s.slice(0, 2)}${'*'.repeat(s.length - 4)}${s.slice(-2)}` : '*'.repeat(s.length);
    case 'phone':
    case 'number': {
      const digits = s.replace(/^\+86/, '');
      const prefix = s.startsWith('+86') ? '+86' : '';
      return digits.length > 7 ? `${prefix}${digits.slice(0, 3)}${'*'.repeat(digits.length - 7)}${digits.slice(-4)}` : '*'.repeat(s.length);
    }
    case 'address':
      // Keep the district-level prefix (省/市/区 names are public), drop street and number.
      return `${[...s].slice(0, Math.min(6, Math.ceil([...s].length / 3))).join('')}****`;
    case 'name':
    case 'familyName':
    case 'givenName': {
      const chars = [...s];
      return chars.length <= 1 ? '*' : `${chars[0]}${'*'.repeat(chars.length - 1)}`;
    }
    case 'email': {
      const at = s.indexOf('@');
      return at > 0 ? `${s[0]}***${s.slice(at)}` : '***';
    }
    default: {
      // a derived attribute is masked like what it came from (given name like a name), else entirely
      const from = attributeMeta(attribute).derivedFrom ?? [];
      if (from.includes('name') && attribute !== 'nameKey') return maskValue('name', s);
      return '***';
    }
  }
}
