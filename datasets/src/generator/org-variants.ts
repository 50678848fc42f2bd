/**
 * Companies as registries and other sources write them: the registered name with legal-form,
 * region, parenthesis, spacing, traditional-character and dropped-industry variants; credit
 * codes missing, lower-cased or mistyped by one character; and the hard negatives a resolver
 * must keep apart (the same trade name in another city, branches, look-alike trade names).
 * Every variant is a noise tag; every hard negative is its own entity in the truth.
 */
import { creditCodeCheckChar } from '@onemap/graph-schema';
import type { NoiseInjector, NoiseTag } from '../noise/noise-injector.ts';
import type { Rng } from '../random/rng.ts';
import type { SourceId } from './options.ts';
import type { Company } from './population-types.ts';

/** How often each hard negative is planted, per company (not scaled by `noiseScale`). */
export interface CompanyOptions {
  /** The same trade name and industry registered in another city (own code, other address). */
  otherCity: number;
  /** A branch (…兰州分公司) in another city, its own entity with its own code. */
  branch: number;
  /** A look-alike trade name one character apart (华宇 / 桦宇) in the same city. */
  lookAlike: number;
  /** A change registration (变更登记): a second business-registry row of the company. */
  changeRecord: number;
}

export const DEFAULT_COMPANY_OPTIONS: CompanyOptions = {
  otherCity: 0.06,
  branch: 0.06,
  lookAlike: 0.06,
  changeRecord: 0.4,
};

/** Look-alike / same-sound characters of the trade-name words (华→桦). */
// biome-ignore format: a table reads better packed
export const LOOK_ALIKE: Record<string, string> = {
  金: '鑫', 鼎: '顶', 华: '桦', 夏: '厦', 祁: '琪', 连: '联', 陇: '龙', 原: '源', 丝: '思', 路: '璐',
  黄: '璜', 河: '禾', 敦: '墩', 煌: '皇', 飞: '菲', 天: '添', 永: '咏', 泰: '太', 宏: '鸿', 达: '大',
  瑞: '睿', 丰: '峰', 昌: '常', 盛: '晟', 聚: '巨', 源: '元', 成: '诚', 鑫: '新', 恒: '衡', 通: '同',
};

/** Simplified → traditional for the characters of company names. */
// biome-ignore format: a table reads better packed
const TRADITIONAL: Record<string, string> = {
  贸: '貿', 业: '業', 农: '農', 饮: '飲', 术: '術', 开: '開', 发: '發', 矿: '礦', 传: '傳', 车: '車',
  务: '務', 医: '醫', 药: '藥', 筑: '築', 游: '遊', 责: '責', 华: '華', 连: '連', 陇: '隴', 丝: '絲',
  黄: '黃', 飞: '飛', 达: '達', 丰: '豐', 恒: '恆', 兰: '蘭', 肃: '肅', 凉: '涼', 张: '張', 庆: '慶',
  临: '臨', 宁: '寧', 阳: '陽', 门: '門', 关: '關', 银: '銀', 设: '設', 济: '濟', 经: '經', 营: '營',
  长: '長', 鸿: '鴻', 龙: '龍', 为: '為', 实: '實', 汉: '漢', 南: '南', 东: '東', 区: '區', 分: '分',
};

const PROVINCE_SHORT = '甘肃';
const CREDIT_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';

/** The parts a company name is built from. */
export interface OrgNameParts {
  /** City without 市 (酒泉), or the province (甘肃), or '' */
  region: string;
  trade: string;
  industry: string;
  form: string;
  /** Branch city (兰州) when the company is a branch of `headName`. */
  branchCity?: string;
}

/** The registered name: region + trade name + industry + legal form (+ branch). */
export function composeOrgName(p: OrgNameParts): string {
  const head = `${p.region}${p.trade}${p.industry}${p.form}`;
  return p.branchCity ? `${head}${p.branchCity}分公司` : head;
}

const paren = (rng: Rng, s: string) => (rng.chance(0.5) ? `（${s}）` : `(${s})`);

/**
 * A company's name as `source` writes it: each variant with its configured rate, tagged.
 * Branch names keep their branch part (a branch written without it is another company).
 */
export function orgNameVariant(
  rng: Rng,
  noise: NoiseInjector,
  source: SourceId,
  c: Company,
  field: string,
  tags: NoiseTag[],
): string {
  const p = c.nameParts;
  let region = p.region;
  let form = p.form;
  let industry = p.industry;
  let regionAfterTrade = false;
  if (noise.chance(rng, source, 'orgRegion')) {
    tags.push({ field, kind: 'org_region' });
    const u = rng.next();
    if (u < 0.3) region = PROVINCE_SHORT;
    else if (u < 0.6) region = `${p.region}市`;
    else if (u < 0.85) regionAfterTrade = true;
    else region = '';
  }
  if (noise.chance(rng, source, 'orgLegalForm')) {
    tags.push({ field, kind: 'org_legal_form' });
    const u = rng.next();
    form = u < 0.45 ? '有限责任公司' : u < 0.8 ? paren(rng, '有限公司') : '股份有限公司';
  }
  if (noise.chance(rng, source, 'orgDropIndustry')) {
    tags.push({ field, kind: 'org_drop_industry' });
    industry = '';
  }
  let name = regionAfterTrade
    ? `${p.trade}${industry}${paren(rng, p.region)}${form}`
    : `${region}${p.trade}${industry}${form}`;
  if (p.branchCity) name += `${p.branchCity}分公司`;
  if (noise.chance(rng, source, 'orgSpaces')) {
    tags.push({ field, kind: 'org_spaces' });
    const chars = [...name];
    const at = rng.range(1, chars.length - 1);
    chars.splice(at, 0, rng.chance(0.5) ? ' ' : '\u3000');
    name = chars.join('');
  }
  const t = [...name].map((ch) => TRADITIONAL[ch] ?? ch).join('');
  // only names with a traditional form are opportunities, so every application is a change
  if (t !== name && noise.chance(rng, source, 'orgTraditional')) {
    tags.push({ field, kind: 'org_traditional' });
    name = t;
  }
  return name;
}

/**
 * A credit code as `source` writes it: left empty, lower-cased, or one character mistyped
 * (always so that the check character no longer matches), each with its rate.
 */
export function creditCodeVariant(
  rng: Rng,
  noise: NoiseInjector,
  source: SourceId,
  code: string,
  field: string,
  tags: NoiseTag[],
): string {
  if (noise.chance(rng, source, 'creditMissing')) {
    tags.push({ field, kind: 'credit_missing' });
    return '';
  }
  if (noise.chance(rng, source, 'creditTypo')) {
    tags.push({ field, kind: 'credit_typo' });
    for (;;) {
      const i = rng.range(8, 16); // the organization code part
      const ch = CREDIT_CHARS[rng.int(CREDIT_CHARS.length)] as string;
      if (ch === code[i]) continue;
      const typo = code.slice(0, i) + ch + code.slice(i + 1);
      // a change that still passes the check would be another valid code, not a typo
      if (creditCodeCheckChar(typo.slice(0, 17)) !== typo[17]) return typo;
    }
  }
  if (noise.chance(rng, source, 'creditLower')) {
    tags.push({ field, kind: 'credit_lower' });
    return code.toLowerCase();
  }
  return code;
}

/** One character of the trade name replaced by a look-alike, or null when none has one. */
export function lookAlikeTrade(rng: Rng, trade: string): string | null {
  const chars = [...trade];
  const pos = chars.map((ch, i) => (LOOK_ALIKE[ch] ? i : -1)).filter((i) => i >= 0);
  if (!pos.length) return null;
  const i = rng.pick(pos);
  chars[i] = LOOK_ALIKE[chars[i] as string] as string;
  return chars.join('');
}
