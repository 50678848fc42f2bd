import { bestGoldenGroup, composeName, countIntoGoldenGroups, type EntityKind, type GoldenGroup, NAMING_ATTRIBUTES, Prop, type ValueCandidate } from '@onemap/graph-schema';
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

/** The node property that holds a kind's golden value of a standardized attribute (`homeDivision` → `unitCode`), or null when the node keeps none. */
export function nodePropertyOf(kind: string, attribute: string): string | null {
  return (PROPERTY_OF as Record<string, Record<string, string> | undefined>)[kind]?.[attribute] ?? null;
}

/** Is `source` the authority for `Kind.property`? (the catalog's `authorityFor`) */
export type AuthorityFn = (source: string, kind: EntityKind, attribute: string) => boolean;

export function authorityFromCatalog(entries: { id: string; authorityFor: string[] }[]): AuthorityFn {
  const set = new Set(entries.flatMap((e) => e.authorityFor.map((a) => `${e.id}|${a}`)));
  return (source, kind, attribute) => set.has(`${source}|${kind}.${attribute}`);
}

/** When a mention's record was received (epoch ms), or null when unknown. */
export type ReceivedAtFn = (m: Mention) => number | null;

/** `PROPERTY_OF` of each kind as (attribute, property) pairs, made once. */
const ATTRIBUTES_OF: Record<EntityKind, readonly (readonly [string, string])[]> = {
  Person: Object.entries(PROPERTY_OF.Person),
  Organization: Object.entries(PROPERTY_OF.Organization),
  Place: Object.entries(PROPERTY_OF.Place),
  Vehicle: Object.entries(PROPERTY_OF.Vehicle),
  Phone: Object.entries(PROPERTY_OF.Phone),
  Case: Object.entries(PROPERTY_OF.Case),
};

/**
 * Per authority function and kind: source -> per attribute of the kind, whether the source is an
 * authority for it. Shared by every fold of the kind (an `AuthorityFn` answers from the catalog,
 * the same every time), so a fold does not ask again for each source of each entity.
 */
const AUTHORITY_OF = new WeakMap<AuthorityFn, Map<EntityKind, Map<string, boolean[]>>>();

/** The groups of one field's candidates (graph-schema's golden-value rule, kept between mentions). */
type Groups = Map<string, GoldenGroup<ValueCandidate<string>>>;

/**
 * What the golden-value rule needs of an entity's mentions, folded one mention at a time: per
 * field the rule's groups (graph-schema `countIntoGoldenGroups` / `bestGoldenGroup`: count and latest
 * candidate per value), apart for authoritative sources; the search
 * words in the order the mentions came; a person's first mention of each name (its Pinyin). Adding
 * the mentions of an entity in order and reading `result()` gives exactly `goldenValues` of those
 * mentions, so an entity's row can follow its new mentions only (`RecordResolver.entityRow`).
 */
export class GoldenFold {
  private readonly attrs: readonly (readonly [string, string])[];
  /** per field its groups, made when the field's first value comes (an entity states few of its kind's fields) */
  private readonly all: (Groups | undefined)[];
  /** the same of authoritative sources only */
  private readonly auth: (Groups | undefined)[];
  /** source -> per attribute, whether it is an authority for it (shared by the folds of a kind) */
  private readonly authorityOf: Map<string, boolean[]>;
  private readonly words = new Set<string>();
  private readonly pinyin: Set<string>;
  private readonly initials: Set<string>;
  /** name (or '' for none) -> the attributes of the first mention stating it (a person's `namePinyin`) */
  private readonly firstOfName = new Map<string, Mention['attrs']>();
  /** mentions folded so far (their order stands for their arrival when no time is given) */
  size = 0;

  constructor(
    readonly kind: EntityKind,
    private readonly isAuthority: AuthorityFn,
  ) {
    this.attrs = ATTRIBUTES_OF[kind];
    this.all = new Array(this.attrs.length);
    this.auth = new Array(this.attrs.length);
    let byKind = AUTHORITY_OF.get(isAuthority);
    if (!byKind) AUTHORITY_OF.set(isAuthority, (byKind = new Map()));
    let bySource = byKind.get(kind);
    if (!bySource) byKind.set(kind, (bySource = new Map()));
    this.authorityOf = bySource;
    this.pinyin = kind === 'Person' ? new Set() : this.words;
    this.initials = kind === 'Person' ? new Set() : this.words;
  }

  /** Folds in one mention received at `at` (epoch ms; null when unknown). */
  add(m: FoldedMention, at: number | null): void {
    this.size++;
    let authority = this.authorityOf.get(m.source);
    if (!authority) {
      authority = this.attrs.map(([attr]) => this.isAuthority(m.source, this.kind, attr));
      this.authorityOf.set(m.source, authority);
    }
    let rid: string | undefined;
    for (let f = 0; f < this.attrs.length; f++) {
      const value = m.attrs[this.attrs[f]![0]];
      if (!value) continue;
      rid ??= m.rid ?? `${m.source}:${m.recordId}`;
      // each pool's groups own their candidates (`countIntoGoldenGroups`): no object per mention and field
      countIntoGoldenGroups((this.all[f] ??= new Map()), value, m.source, rid, authority[f]!, at);
      if (authority[f]) countIntoGoldenGroups((this.auth[f] ??= new Map()), value, m.source, rid, true, at);
    }
    const { words, pinyin, initials } = this;
    if (this.kind === 'Person') {
      const name = m.attrs.name ?? '';
      if (!this.firstOfName.has(name)) {
        this.firstOfName.set(name, m.attrs);
        // Pinyin initials (张伟 → zw) so a search by initials is one index term: once a name (a
        // person's mentions mostly repeat it)
        if (name) {
          const ini = pinyinInitials(name);
          if (ini.length >= 2) initials.add(ini);
        }
      }
    }
    if (m.attrs.name) words.add(m.attrs.name);
    for (const k of ['pyFamily', 'pyGiven']) if (m.attrs[k]) pinyin.add(m.attrs[k]!);
    if (m.attrs.pyFamily && m.attrs.pyGiven) pinyin.add(`${m.attrs.pyFamily}${m.attrs.pyGiven}`.replace(/\s/g, ''));
    for (const id of m.identifiers) words.add(id.value);
    if (this.kind === 'Person' || this.kind === 'Organization') {
      for (const id of m.identifiers) if (id.kind === 'phone') words.add(id.value.replace(/^\+86/, ''));
    }
  }

  /** The golden values of the mentions folded so far. */
  result(): GoldenValues {
    const { kind } = this;
    const props: Record<string, string> = {};
    const provenance: Record<string, ValueSource> = {};
    for (let f = 0; f < this.attrs.length; f++) {
      // authority first: when an authoritative source states the field, only its values compete
      const pool = this.auth[f]?.size ? this.auth[f] : this.all[f];
      const best = pool && bestGoldenGroup(pool.values())?.latest;
      if (best) {
        const prop = this.attrs[f]![1];
        props[prop] = best.value;
        provenance[prop] = { source: best.source, rid: best.rid };
      }
    }
    if (kind === 'Person') {
      const fam = this.firstOfName.get(props.name ?? '');
      if (fam?.pyFamily || fam?.pyGiven) props.namePinyin = [fam.pyFamily, fam.pyGiven].filter(Boolean).join(' ');
    }
    // a kind named by other attributes than `name` (a vehicle by its plate, a case by its type and
    // number): the node's name is made of their golden values, as the server's summaries make it
    const naming = NAMING_ATTRIBUTES[kind];
    if (naming.some((a) => a.property !== 'name')) {
      const name = composeName(naming.map((a) => props[a.property]));
      if (name !== null) props.name = name;
    }
    // A person's Pinyin (syllable groups and joined: `pinyinKeys`; initials: `pinyinInitials`) is
    // indexed apart from its names and identifiers (`entity_pinyin`), so a search can tell by the
    // field that found a candidate what rank it can reach (docs/api.md, "Pinyin indexed apart");
    // other kinds keep their Pinyin in searchText.
    if (kind === 'Person' && this.pinyin.size) props[Prop.pinyinKeys] = [...this.pinyin].join(' ');
    if (kind === 'Person' && this.initials.size) props[Prop.pinyinInitials] = [...this.initials].join(' ');
    return { props, provenance, searchText: [...this.words].join(' ') };
  }
}

/**
 * What a fold reads of a mention: its source, record (`rid`, when at hand: else made from the
 * record id), attributes and identifiers.
 */
export type FoldedMention = Pick<Mention, 'source' | 'attrs' | 'identifiers'> & ({ rid: string; recordId?: string } | { rid?: undefined; recordId: string });

/**
 * Chooses each property's value among an entity's mentions by the one golden-value rule
 * (`chooseGoldenValue` in graph-schema: authority, then frequency, then recency, then the
 * smallest value), the same rule the server applies per viewer. Names and Pinyin keep every
 * variant in `searchText` so a search by any spelling finds the entity. (`GoldenFold` of the
 * mentions in order: the real-time leader keeps an entity's fold and adds its new mentions.)
 * @param receivedAt when each mention's record was received; by default the mentions' order
 *   stands for their arrival (later in the list = more recent)
 */
export function goldenValues(
  kind: EntityKind,
  mentions: Mention[],
  isAuthority: AuthorityFn,
  receivedAt?: ReceivedAtFn,
): GoldenValues {
  const f = new GoldenFold(kind, isAuthority);
  for (let i = 0; i < mentions.length; i++) f.add(mentions[i]!, receivedAt ? receivedAt(mentions[i]!) : i);
  return f.result();
}
