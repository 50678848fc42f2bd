import { chooseGoldenValue, type EntityKind, Prop, type ValueCandidate } from '@onemap/graph-schema';
import { pinyinInitials } from '../standardize/index.ts';
import type { Mention } from '../types.ts';

/** Where a golden value came from. */
export interface ValueSource {
  source: string;
  rid: string;
}

export interface GoldenValues {
  props: Record<string, string>;
  provenance: Record<string, ValueSource>;
  /** distinct names and identifiers, for the full-text index `entity_search` (a person's Pinyin is in `props.pinyinKeys`, index `entity_pinyin`) */
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
  Organization: {
    name: 'name',
    creditCode: 'creditCode',
    address: 'address',
    phone: 'phone',
    industry: 'industry',
    registeredAt: 'registeredAt',
    status: 'status',
  },
  Place: {
    name: 'name',
    placeKind: 'placeKind',
    placeCode: 'placeCode',
    address: 'address',
    divisionCode: 'unitCode',
    lon: 'lon',
    lat: 'lat',
  },
  Vehicle: { plate: 'plate', plateColor: 'plateColor', vin: 'vin', brand: 'brand', model: 'model', color: 'color' },
  Phone: { phone: 'number', carrier: 'carrier', activatedAt: 'activatedAt' },
  Case: {
    caseNumber: 'caseNumber',
    caseType: 'caseType',
    occurredAt: 'occurredAt',
    description: 'description',
    address: 'address',
    lon: 'lon',
    lat: 'lat',
  },
};

/** Is `source` the authority for `Kind.property`? (the catalog's `authorityFor`) */
export type AuthorityFn = (source: string, kind: EntityKind, attribute: string) => boolean;

export function authorityFromCatalog(entries: { id: string; authorityFor: string[] }[]): AuthorityFn {
  const set = new Set(entries.flatMap((e) => e.authorityFor.map((a) => `${e.id}|${a}`)));
  return (source, kind, attribute) => set.has(`${source}|${kind}.${attribute}`);
}

/** When a mention's record was received (epoch ms), or null when unknown. */
export type ReceivedAtFn = (m: Mention) => number | null;

/**
 * Chooses each property's value among an entity's mentions by the one golden-value rule
 * (`chooseGoldenValue` in graph-schema: authority, then frequency, then recency, then the
 * smallest value), the same rule the server applies per viewer. Names and Pinyin keep every
 * variant in `searchText` so a search by any spelling finds the entity.
 * @param receivedAt when each mention's record was received; by default the mentions' order
 *   stands for their arrival (later in the list = more recent)
 */
export function goldenValues(
  kind: EntityKind,
  mentions: Mention[],
  isAuthority: AuthorityFn,
  receivedAt?: ReceivedAtFn,
): GoldenValues {
  const props: Record<string, string> = {};
  const provenance: Record<string, ValueSource> = {};
  const map = PROPERTY_OF[kind];
  // Once per mention and per (source, attribute), not per candidate: an entity touched by every
  // group (a hub, a guest pushed again and again) has its values chosen again each time.
  const times = mentions.map((m, i) => (receivedAt ? receivedAt(m) : i));
  const rids = mentions.map((m) => `${m.source}:${m.recordId}`);
  const sources = [...new Set(mentions.map((m) => m.source))];
  for (const [attr, prop] of Object.entries(map)) {
    const candidates: ValueCandidate<string>[] = [];
    const authoritative = new Map(sources.map((src) => [src, isAuthority(src, kind, attr)]));
    for (let i = 0; i < mentions.length; i++) {
      const m = mentions[i]!;
      const value = m.attrs[attr];
      if (!value) continue;
      candidates.push({
        value,
        source: m.source,
        rid: rids[i]!,
        authoritative: authoritative.get(m.source)!,
        at: times[i] ?? null,
      });
    }
    const best = chooseGoldenValue(candidates);
    if (best) {
      props[prop] = best.candidate.value;
      provenance[prop] = { source: best.source, rid: best.rid };
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
  // A person's Pinyin (syllable groups and joined: `pinyinKeys`; initials: `pinyinInitials`) is
  // indexed apart from its names and identifiers (`entity_pinyin`), so a search can tell by the
  // field that found a candidate what rank it can reach (docs/api.md, "Pinyin indexed apart");
  // other kinds keep their Pinyin in searchText.
  const pinyin = kind === 'Person' ? new Set<string>() : words;
  const initials = kind === 'Person' ? new Set<string>() : words;
  for (const m of mentions) {
    if (m.attrs.name) words.add(m.attrs.name);
    for (const k of ['pyFamily', 'pyGiven']) if (m.attrs[k]) pinyin.add(m.attrs[k]!);
    if (m.attrs.pyFamily && m.attrs.pyGiven) pinyin.add(`${m.attrs.pyFamily}${m.attrs.pyGiven}`.replace(/\s/g, ''));
    // Pinyin initials (张伟 → zw) so a search by initials is one index term.
    if (kind === 'Person' && m.attrs.name) {
      const ini = pinyinInitials(m.attrs.name);
      if (ini.length >= 2) initials.add(ini);
    }
    for (const id of m.identifiers) words.add(id.value);
    if (kind === 'Person' || kind === 'Organization') {
      for (const id of m.identifiers) if (id.kind === 'phone') words.add(id.value.replace(/^\+86/, ''));
    }
  }
  if (kind === 'Person' && pinyin.size) props[Prop.pinyinKeys] = [...pinyin].join(' ');
  if (kind === 'Person' && initials.size) props[Prop.pinyinInitials] = [...initials].join(' ');
  return { props, provenance, searchText: [...words].join(' ') };
}
