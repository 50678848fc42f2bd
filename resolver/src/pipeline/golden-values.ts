import type { EntityKind } from '@onemap/graph-schema';
import type { Mention } from '../types.ts';

/** Where a golden value came from. */
export interface ValueSource {
  source: string;
  rid: string;
}

export interface GoldenValues {
  props: Record<string, string>;
  provenance: Record<string, ValueSource>;
  /** distinct names and identifiers, for the full-text index */
  searchText: string;
}

/** Standardized attribute → entity property, per kind (一数一源: each property has one chosen source). */
const PROPERTY_OF: Record<EntityKind, Record<string, string>> = {
  Person: {
    name: 'name',
    family: 'familyName',
    given: 'givenName',
    sex: 'sex',
    birthDate: 'birthDate',
    residentId: 'residentId',
    passport: 'passport',
    nationalId: 'nationalId',
    nationality: 'nationality',
    ethnicity: 'ethnicity',
    address: 'address',
    phone: 'phone',
    homeDivision: 'unitCode',
  },
  Organization: { name: 'name', creditCode: 'creditCode', address: 'address', phone: 'phone', industry: 'industry', registeredAt: 'registeredAt', status: 'status' },
  Place: { name: 'name', placeKind: 'placeKind', placeCode: 'placeCode', address: 'address', divisionCode: 'unitCode', lon: 'lon', lat: 'lat' },
  Vehicle: { plate: 'plate', plateColor: 'plateColor', vin: 'vin', brand: 'brand', model: 'model', color: 'color' },
  Phone: { phone: 'number', carrier: 'carrier', activatedAt: 'activatedAt' },
  Case: { caseNumber: 'caseNumber', caseType: 'caseType', occurredAt: 'occurredAt', description: 'description', address: 'address', lon: 'lon', lat: 'lat' },
};

/** Is `source` the authority for `Kind.property`? (the catalog's `authorityFor`) */
export type AuthorityFn = (source: string, kind: EntityKind, attribute: string) => boolean;

export function authorityFromCatalog(entries: { id: string; authorityFor: string[] }[]): AuthorityFn {
  const set = new Set(entries.flatMap((e) => e.authorityFor.map((a) => `${e.id}|${a}`)));
  return (source, kind, attribute) => set.has(`${source}|${kind}.${attribute}`);
}

/**
 * Chooses each property's value among an entity's mentions: the authoritative source first,
 * then the most frequent value, then the latest mention. Names and Pinyin keep every variant
 * in `searchText` so a search by any spelling finds the entity.
 */
export function goldenValues(kind: EntityKind, mentions: Mention[], isAuthority: AuthorityFn): GoldenValues {
  const props: Record<string, string> = {};
  const provenance: Record<string, ValueSource> = {};
  const map = PROPERTY_OF[kind];
  for (const [attr, prop] of Object.entries(map)) {
    let best: { value: string; m: Mention; auth: boolean; count: number; order: number } | undefined;
    const counts = new Map<string, number>();
    for (const m of mentions) {
      const v = m.attrs[attr];
      if (v) counts.set(v, (counts.get(v) ?? 0) + 1);
    }
    mentions.forEach((m, order) => {
      const value = m.attrs[attr];
      if (!value) return;
      const cand = { value, m, auth: isAuthority(m.source, kind, attr === 'divisionCode' ? 'divisionCode' : attr), count: counts.get(value) ?? 0, order };
      if (
        !best ||
        (cand.auth && !best.auth) ||
        (cand.auth === best.auth && (cand.count > best.count || (cand.count === best.count && cand.order > best.order)))
      ) {
        best = cand;
      }
    });
    if (best) {
      props[prop] = best.value;
      provenance[prop] = { source: best.m.source, rid: `${best.m.source}:${best.m.recordId}` };
    }
  }
  if (kind === 'Person') {
    const fam = mentions.find((m) => m.attrs.name === props.name)?.attrs;
    if (fam?.pyFamily || fam?.pyGiven) props.namePinyin = [fam.pyFamily, fam.pyGiven].filter(Boolean).join(' ');
  }
  if (kind === 'Vehicle' && props.plate) props.name = props.plate;
  if (kind === 'Phone' && props.number) props.name = props.number;
  if (kind === 'Case') props.name = [props.caseType, props.caseNumber].filter(Boolean).join(' ');
  const words = new Set<string>();
  for (const m of mentions) {
    for (const k of ['name', 'pyFamily', 'pyGiven']) if (m.attrs[k]) words.add(m.attrs[k]!);
    if (m.attrs.pyFamily && m.attrs.pyGiven) words.add(`${m.attrs.pyFamily}${m.attrs.pyGiven}`.replace(/\s/g, ''));
    for (const id of m.identifiers) words.add(id.value);
    if (kind === 'Person' || kind === 'Organization') {
      for (const id of m.identifiers) if (id.kind === 'phone') words.add(id.value.replace(/^\+86/, ''));
    }
  }
  return { props, provenance, searchText: [...words].join(' ') };
}
