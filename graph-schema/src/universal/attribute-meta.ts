/**
 * Property metadata that masking reads: which standardized attributes are derived from which
 * sensitive ones, which complete a masked identifier, and which are internal keys that never
 * leave the server. Declared once here so that a new derived attribute cannot leak what its
 * source attribute's masking hides (a masked resident ID next to a plain birth date rebuilds it).
 * Import-safe (no Node built-ins).
 */
import type { Grade } from './graph-model.ts';

export interface AttributeMeta {
  /**
   * Sensitive attributes this one is computed from (or holds a piece of). When a source does not
   * deliver the attribute itself (the standardizer computed it), it takes the highest grade of
   * these in that source, so it is masked whenever they would be.
   */
  derivedFrom?: readonly string[];
  /** Grade when the catalog grades neither this attribute nor anything it derives from. */
  defaultGrade?: Grade;
  /**
   * Identifier attributes whose masked form this one would complete (the hidden middle of a
   * resident ID is the birth date). Whenever an answer shows one of them masked, this attribute is
   * masked in the same answer, whatever source it came from.
   */
  completes?: readonly string[];
  /** Internal comparison or blocking key: never part of an API answer. */
  internal?: boolean;
  /** Lowest grade, whatever the catalog says (identifying and contact attributes are 4). */
  minGrade?: Grade;
}

/**
 * Attributes the standardizer writes into `SourceRecord.attrs` (and golden values onto nodes) that
 * need more than their catalog grade. An attribute not listed takes its catalog grade.
 */
export const ATTRIBUTE_META: Readonly<Record<string, AttributeMeta>> = {
  // identifiers and contact data
  residentId: { minGrade: 4 },
  passport: { minGrade: 4 },
  nationalId: { minGrade: 4 },
  phone: { minGrade: 4 },
  number: { minGrade: 4 },
  email: { minGrade: 4 },
  address: { minGrade: 4 },
  /** a source column kept only as raw provenance (no attribute): graded as sensitive as anything */
  unmappedColumn: { minGrade: 4 },
  // from the resident ID (GB 11643: county, birth date, sequence with the sex digit); the masked
  // form shows county and last four digits, so the birth date is what would complete it
  birthDate: { derivedFrom: ['residentId'], completes: ['residentId', 'nationalId'], defaultGrade: 3 },
  idBirthDate: { derivedFrom: ['residentId'], completes: ['residentId'] },
  birthCounty: { derivedFrom: ['residentId'] },
  sex: { derivedFrom: ['residentId'] },
  // from the address
  addressKey: { derivedFrom: ['address'], internal: true },
  divisionCode: { derivedFrom: ['address'] },
  homeDivision: { derivedFrom: ['address'] },
  // a place's or case's exact position: for a home it is the address
  lon: { derivedFrom: ['location'] },
  lat: { derivedFrom: ['location'] },
  location: { derivedFrom: ['address'] },
  // from the name
  name: { defaultGrade: 3 },
  familyName: { derivedFrom: ['name'], defaultGrade: 3 },
  givenName: { derivedFrom: ['name'], defaultGrade: 3 },
  family: { derivedFrom: ['name'] },
  given: { derivedFrom: ['name'] },
  namePinyin: { derivedFrom: ['name'] },
  pyFamily: { derivedFrom: ['name'], internal: true },
  pyGiven: { derivedFrom: ['name'], internal: true },
  nameKey: { derivedFrom: ['name'], internal: true },
  nameScript: { derivedFrom: ['name'], internal: true },
  searchText: { derivedFrom: ['name', 'residentId', 'phone', 'passport', 'nationalId'], internal: true },
  pinyinKeys: { derivedFrom: ['name'], internal: true },
  pinyinInitials: { derivedFrom: ['name'], internal: true },
  // a company's region as a division code, a comparison key: from its name, or from its credit
  // code's registering authority or its fleet's plate when the name states none (never shown: it
  // would tell a part of a credit code the viewer may see masked)
  orgRegionCode: { derivedFrom: ['name', 'creditCode', 'plate'], internal: true },
};

/** The metadata of one attribute (empty when it needs nothing beyond its catalog grade). */
export function attributeMeta(attribute: string): AttributeMeta {
  const own = ATTRIBUTE_META[attribute];
  if (own) return own;
  // Any `<attr>Key` is a comparison key of `<attr>`; any `<attr>Raw` keeps an invalid `<attr>` as
  // delivered, any `<attr>Masked` a masked one (620102********5012): graded as `<attr>`.
  const key = /^(.+)Key$/.exec(attribute);
  if (key?.[1]) return { derivedFrom: [key[1]], internal: true };
  const raw = /^(.+)(?:Raw|Masked)$/.exec(attribute);
  if (raw?.[1]) return { derivedFrom: [raw[1]] };
  if (/^py[A-Z]/.test(attribute)) return { derivedFrom: ['name'], internal: true };
  return {};
}

/** True for internal keys that never appear in an API answer (`*Key`, `py*`, `nameScript`, `searchText`). */
export function isInternalAttribute(attribute: string): boolean {
  return attributeMeta(attribute).internal === true;
}

/**
 * Every attribute `attribute` is derived from, transitively (`lon` → `location` → `address`).
 * @example derivationChain('lon') // ['location', 'address']
 */
export function derivationChain(attribute: string): string[] {
  const out: string[] = [];
  const walk = (a: string) => {
    for (const p of attributeMeta(a).derivedFrom ?? []) {
      if (out.includes(p) || p === attribute) continue;
      out.push(p);
      walk(p);
    }
  };
  walk(attribute);
  return out;
}
