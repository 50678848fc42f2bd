/**
 * Standardize the attribute values of one entity role of one record. Table-driven: each
 * attribute has one standardizer; invalid values are kept raw as `<attr>Raw` and flagged,
 * valid identifiers become anchors. Names are assembled from `name`, `familyName`/`givenName`
 * or `namePinyin`.
 */
import type { EntityKind, IdentifierKind } from '@onemap/graph-schema';
import type { Attrs, Identifier } from '../types.ts';
import { standardizeAddress, standardizeDivisionCode } from './address.ts';
import { BoundedMemo } from './bounded-memo.ts';
import { standardizeCreditCode } from './credit-code.ts';
import { standardizeBirthDate, standardizeDate } from './date.ts';
import {
  standardizeEmail,
  standardizeNationalId,
  standardizeNationality,
  standardizePassport,
  standardizePostcode,
  standardizeSex,
} from './identifiers.ts';
import { standardizeOrgName, standardizePlaceName } from './org-name.ts';
import { regionFillsName } from './plate-region.ts';
import { type PersonName, standardizeNameParts, standardizePersonName } from './person-name.ts';
import { standardizePhone } from './phone.ts';
import { standardizePlate, standardizeVin } from './plate.ts';
import { standardizeResidentId } from './resident-id.ts';
import { cleanText, type StdResult } from './text.ts';

export interface AttrValue {
  value: string;
  column: string;
  format?: string;
}

export interface AttrProblem {
  attr: string;
  column: string;
  value: string;
  reason: string;
  checksum?: boolean;
}

export interface EntityAttrsResult {
  attrs: Attrs;
  identifiers: Identifier[];
  flags: string[];
  problems: AttrProblem[];
}

type Std = (v: string, format?: string) => StdResult;

const plain: Std = (v) => {
  const s = cleanText(v);
  return s ? { ok: true, value: s } : { ok: false, reason: 'empty', raw: s };
};
/**
 * A WGS84 coordinate within `limit` degrees (180 for a longitude, 90 for a latitude). One out of
 * range (a latitude of 103.1: swapped with its longitude) is that value's problem, flagged and kept
 * raw: Neo4j refuses a geographic point with a latitude beyond ±90, and one such value made the
 * whole chunk's write fail (every record after it in the file lost, the job retried to `failed`).
 */
const coord =
  (limit: number): Std =>
  (v) => {
    const s = cleanText(v);
    const n = Number(s);
    // (0 is a system's placeholder for "no position": every such place would share one point)
    if (s && n === 0) return { ok: false, reason: 'zero_coordinate', raw: s };
    return s && Number.isFinite(n) && Math.abs(n) <= limit
      ? { ok: true, value: String(n) }
      : { ok: false, reason: 'bad_coordinate', raw: s };
  };

/**
 * The longest standardized value kept (characters). A value goes into the graph's indexes (an
 * identifier's `Identifier.value`, a case's `caseType`), whose keys Neo4j caps at 8,167 bytes: one
 * 9,000-character code failed its whole chunk's write. Nothing real comes near it (addresses and
 * names are tens of characters); a longer value is that value's problem, flagged, its first
 * characters kept raw.
 */
export const MAX_VALUE_CHARS = 1000;

function withinLength(r: StdResult, delivered: string): StdResult {
  if (!r.ok || r.value.length <= MAX_VALUE_CHARS) return r;
  return { ok: false, reason: 'too_long', raw: delivered.slice(0, MAX_VALUE_CHARS) };
}

const PLAIN_STANDARDIZERS: Record<string, Std> = {
  residentId: (v) => standardizeResidentId(v),
  passport: (v) => standardizePassport(v),
  nationalId: (v) => standardizeNationalId(v),
  nationality: (v) => standardizeNationality(v),
  sex: (v) => standardizeSex(v),
  birthDate: (v, f) => standardizeBirthDate(v, f),
  phone: (v) => standardizePhone(v),
  email: (v) => standardizeEmail(v),
  address: (v) => standardizeAddress(v),
  postcode: (v) => standardizePostcode(v),
  creditCode: (v) => standardizeCreditCode(v),
  plate: (v) => standardizePlate(v),
  vin: (v) => standardizeVin(v),
  divisionCode: (v) => standardizeDivisionCode(v),
  registeredAt: (v, f) => standardizeDate(v, f),
  activatedAt: (v, f) => standardizeDate(v, f),
  occurredAt: (v, f) => standardizeDate(v, f),
  lon: coord(180),
  lat: coord(90),
  caseNumber: (v) => {
    const s = cleanText(v).toUpperCase().replace(/\s/g, '');
    return s ? { ok: true, value: s } : { ok: false, reason: 'empty', raw: s };
  },
  placeCode: (v) => {
    const s = cleanText(v).toUpperCase().replace(/\s/g, '');
    return s ? { ok: true, value: s } : { ok: false, reason: 'empty', raw: s };
  },
};

/**
 * The same standardizer, remembering its result per distinct (value, format): names, birth
 * dates, addresses and phones repeat across the mentions of a person and across sources.
 * Results are shared, so callers read them and never change them.
 */
export function memoized<R>(fn: (v: string, format?: string) => R): (v: string, format?: string) => R {
  // one memo per format: no key string is built per lookup
  const plain = new BoundedMemo<R>();
  const byFormat = new Map<string, BoundedMemo<R>>();
  return (v, format) => {
    let memo = plain;
    if (format !== undefined) {
      let m = byFormat.get(format);
      if (!m) byFormat.set(format, (m = new BoundedMemo()));
      memo = m;
    }
    let r = memo.get(v);
    if (r === undefined) {
      r = fn(v, format);
      memo.set(v, r);
    }
    return r;
  };
}

/** Address and phone keep their own caches (the address one is reset with the gazetteer). */
const OWN_CACHE = new Set(['address', 'divisionCode', 'phone']);
const STANDARDIZERS: Record<string, Std> = Object.fromEntries(
  Object.entries(PLAIN_STANDARDIZERS).map(([attr, fn]) => [attr, OWN_CACHE.has(attr) ? fn : memoized(fn)]),
);

const IDENTIFIER_OF: Record<string, IdentifierKind> = {
  residentId: 'resident_id',
  passport: 'passport',
  nationalId: 'national_id',
  creditCode: 'credit_code',
  plate: 'plate',
  vin: 'vin',
  phone: 'phone',
  placeCode: 'place_code',
  caseNumber: 'case_number',
};

const NAME_ATTRS = new Set(['name', 'familyName', 'givenName', 'namePinyin']);

function applyName(kind: EntityKind, values: Map<string, AttrValue>, out: EntityAttrsResult): void {
  const name = values.get('name');
  if (kind === 'Organization' || kind === 'Place') {
    if (!name) return;
    const r = kind === 'Organization' ? standardizeOrgName(name.value) : standardizePlaceName(name.value);
    if (r) Object.assign(out.attrs, r);
    return;
  }
  if (kind !== 'Person') {
    if (name) out.attrs.name = cleanText(name.value);
    return;
  }
  const order = name?.format === 'family_first' || name?.format === 'given_first' ? name.format : undefined;
  let pn: PersonName | null = name ? standardizePersonName(name.value, order) : null;
  if (!pn && (values.has('familyName') || values.has('givenName'))) {
    pn = standardizeNameParts(values.get('familyName')?.value, values.get('givenName')?.value);
  }
  const pyv = values.get('namePinyin');
  const pyName = pyv ? standardizePersonName(pyv.value, 'family_first') : null;
  if (!pn) pn = pyName;
  else if (pyName && pn.script === 'han' && pyName.pyFamily + pyName.pyGiven !== pn.pyFamily + pn.pyGiven) {
    out.flags.push('namePinyin:differs_from_name');
  }
  if (!pn) return;
  out.attrs.name = pn.name;
  out.attrs.nameScript = pn.script;
  if (pn.family) out.attrs.family = pn.family;
  if (pn.given) out.attrs.given = pn.given;
  if (pn.pyFamily) out.attrs.pyFamily = pn.pyFamily;
  if (pn.pyGiven) out.attrs.pyGiven = pn.pyGiven;
  for (const n of pn.notes) out.flags.push(`name:${n}`);
}

/**
 * @param kind entity kind of the role
 * @param values attribute -> raw value (several columns mapped to one attribute are joined with a space)
 */
export function standardizeEntityAttrs(kind: EntityKind, values: Map<string, AttrValue>): EntityAttrsResult {
  // Venues, vehicles and organizations repeat in every event that mentions them: memoize.
  if (kind !== 'Person') {
    let ck = kind;
    for (const [a, v] of values) ck += `\u0001${a}\u0002${v.column}\u0002${v.format ?? ''}\u0002${v.value}`;
    const hit = entityCache.get(ck);
    if (hit) return copy(hit);
    const r = computeEntityAttrs(kind, values);
    entityCache.set(ck, r);
    return copy(r);
  }
  return computeEntityAttrs(kind, values);
}

const entityCache = new BoundedMemo<EntityAttrsResult>();

function copy(r: EntityAttrsResult): EntityAttrsResult {
  return {
    attrs: { ...r.attrs },
    identifiers: r.identifiers.slice(),
    flags: r.flags.slice(),
    problems: r.problems.slice(),
  };
}

/** The same standardization without any memo (tests check the memoized path equals it). */
export function standardizeEntityAttrsUncached(kind: EntityKind, values: Map<string, AttrValue>): EntityAttrsResult {
  return computeEntityAttrs(kind, values, PLAIN_STANDARDIZERS);
}

function computeEntityAttrs(
  kind: EntityKind,
  values: Map<string, AttrValue>,
  table: Record<string, Std> = STANDARDIZERS,
): EntityAttrsResult {
  const out: EntityAttrsResult = { attrs: {}, identifiers: [], flags: [], problems: [] };
  applyName(kind, values, out);
  let residentId: StdResult | undefined;
  for (const [attr, v] of values) {
    if (NAME_ATTRS.has(attr)) continue;
    const std = table[attr] ?? plain;
    const r = withinLength(std(v.value, v.format), v.value);
    if (attr === 'residentId') residentId = r;
    if (r.ok) {
      out.attrs[attr] = r.value;
      if (r.derived) for (const [k, dv] of Object.entries(r.derived)) if (out.attrs[k] === undefined) out.attrs[k] = dv;
      if (r.note) out.flags.push(`${attr}:${r.note}`);
      const idk = IDENTIFIER_OF[attr];
      if (idk) out.identifiers.push({ kind: idk, value: r.value });
    } else if (r.reason !== 'empty') {
      // a masked value is kept for people to read but never compared (`<attr>Raw` is: as a typo)
      out.attrs[r.reason === 'masked' ? `${attr}Masked` : `${attr}Raw`] = r.raw;
      out.flags.push(`${attr}:${r.reason}`);
      const p: AttrProblem = { attr, column: v.column, value: v.value, reason: r.reason };
      if (r.checksum) p.checksum = true;
      out.problems.push(p);
    }
  }
  if (kind === 'Person') derivePerson(out, residentId);
  if (kind === 'Organization') deriveOrganization(out);
  return out;
}

/**
 * Organization: a valid credit code's registering authority (its characters 3 to 8, a division
 * code, GB 32100) gives the company's city when its name states no region, or the province's only
 * (`甘肃华宇商贸有限公司` registered in Lanzhou: `6201`), as a fleet record's plate does
 * (`plate-region.ts`), so the two compare city to city.
 */
function deriveOrganization(out: EntityAttrsResult): void {
  const a = out.attrs;
  const division = a.creditCode?.slice(2, 8);
  if (!division || !/^\d{6}$/.test(division) || division.endsWith('0000')) return;
  const city = division.slice(0, 4);
  if (regionFillsName(a.orgRegionCode, city)) {
    a.orgRegionCode = city;
    out.flags.push('orgRegionCode:from_credit_code');
  }
}

/**
 * Person: birth date / sex from the resident id when not stated; conflicts flagged, not fixed.
 * @param id the resident id's standardization (`a.residentId` is its value when it is valid)
 */
function derivePerson(out: EntityAttrsResult, id: StdResult | undefined): void {
  const a = out.attrs;
  if (a.residentId) {
    if (id?.ok && id.derived) {
      if (a.birthDate && a.birthDate !== id.derived.birthDate) out.flags.push('birthDate:conflicts_with_resident_id');
      if (a.sex && a.sex !== id.derived.sex) out.flags.push('sex:conflicts_with_resident_id');
      a.birthDate ??= id.derived.birthDate!;
      a.sex ??= id.derived.sex!;
      a.birthCounty = id.derived.birthCounty!;
    }
  } else if (a.residentIdRaw && /^\d{17}[\dXx]$/.test(a.residentIdRaw)) {
    // A mistyped id still carries its birth date more often than not; keep it apart from a stated one.
    const d = a.residentIdRaw;
    const bd = `${d.slice(6, 10)}-${d.slice(10, 12)}-${d.slice(12, 14)}`;
    if (standardizeBirthDate(bd).ok) a.idBirthDate = bd;
  }
}
