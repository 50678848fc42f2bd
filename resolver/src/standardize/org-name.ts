/**
 * Organization and place names: simplified, full-width folded, legal-form suffixes set aside
 * for matching. Organization names are also parsed into the parts registries write
 * differently — region, trade name (字号), industry, legal form, branch — so the scorer can
 * compare them part by part (华宇商贸（甘肃）有限公司 = 甘肃华宇商贸有限责任公司).
 */
import * as OpenCC from 'opencc-js';
import { pinyin } from 'pinyin-pro';
import { countyShortCodeOf, leadingRegion, regionCodeOf, regionShortName } from './region-names.ts';
import { cleanText } from './text.ts';

const toSimplified = OpenCC.Converter({ from: 't', to: 'cn' });
const LEGAL_FORMS =
  /(股份有限公司|有限责任公司|有限公司|集团公司|公司|合伙企业|个体工商户|工作室|经营部|商行|门市部|CO\s*LTD|CORPORATION|CORP|INC|LLC|LTD|LIMITED|GMBH|PTY)$/;

/** Legal forms at the end of a Chinese company name, longest first, and their normalized code. */
const FORMS: Array<[string, string]> = [
  ['股份有限公司', 'joint_stock'],
  ['有限责任公司', 'limited'],
  ['(有限公司)', 'limited'],
  ['有限公司', 'limited'],
  ['集团公司', 'group'],
  ['合伙企业(有限合伙)', 'partnership'],
  ['合伙企业', 'partnership'],
  ['个人独资企业', 'sole'],
  ['个体工商户', 'individual'],
  ['公司', 'company'],
  ['厂', 'factory'],
  ['经营部', 'shop'],
  ['门市部', 'shop'],
  ['商行', 'shop'],
  ['工作室', 'studio'],
  ['COLTD', 'limited'],
  ['LIMITED', 'limited'],
  ['LTD', 'limited'],
  ['CORPORATION', 'corporation'],
  ['CORP', 'corporation'],
  ['INC', 'corporation'],
  ['LLC', 'llc'],
  ['GMBH', 'gmbh'],
];

const BRANCH = /^(.+?)(分公司|分店|分厂|营业部|办事处|分部|分行|支行|分所)$/;

/** Industry words (行业) that end a company name before its legal form; longest match wins. */
// biome-ignore format: a list reads better packed
const INDUSTRY_WORDS = [
  '商贸', '贸易', '商务', '商业', '建筑工程', '建筑', '工程', '建设', '建材', '装饰工程', '装饰', '农业科技', '农业',
  '农牧', '牧业', '畜牧', '林业', '渔业', '科技', '信息技术', '信息科技', '网络科技', '网络技术', '信息', '技术',
  '软件', '通信', '电子', '电子科技', '生物科技', '生物', '餐饮管理', '餐饮', '酒店管理', '酒店', '物流', '运输',
  '货运', '供应链管理', '供应链', '旅游开发', '旅游', '文化传媒', '文化传播', '传媒', '文化', '广告', '矿业',
  '煤业', '能源', '新能源', '电力', '石油', '化工', '环保', '环保科技', '水务', '汽车服务', '汽车销售', '汽车',
  '医药', '药业', '医疗器械', '健康', '房地产开发', '房地产', '置业', '物业管理', '物业', '实业', '投资', '投资管理',
  '资产管理', '咨询', '管理咨询', '企业管理', '管理', '服务', '劳务', '人力资源', '教育', '培训', '机械', '设备',
  '机电', '五金', '钢铁', '冶金', '有色金属', '食品', '粮油', '服装', '服饰', '纺织', '印刷', '包装', '家具', '电器',
  '园林', '绿化', '租赁', '安防', '金融', '担保', '典当', '进出口', '百货', '超市', '工贸', '实业发展', '发展',
].sort((a, b) => b.length - a.length);

export interface OrgNameParts {
  /** Region as written, short form (甘肃, 酒泉), from the start of the name or in parentheses. */
  region?: string;
  /** Division code prefix of the region: `62` province, `6209` city, `620982` county. */
  regionCode?: string;
  /** 字号: what is left once region, industry, legal form and branch are set aside. */
  trade: string;
  /** Toneless Pinyin of the trade name (华宇 and 桦宇 share it). */
  tradePinyin: string;
  industry?: string;
  /** Normalized legal form: `limited` (有限公司, 有限责任公司, （有限公司）), `joint_stock`, … */
  legalForm?: string;
  /** Branch (兰州分公司 → `兰州`); absent for a head office. */
  branch?: string;
}

const py = (s: string) => pinyin(s, { toneType: 'none', type: 'array', v: true, nonZh: 'consecutive' }).join('');

function stripForm(s: string): { rest: string; form?: string } {
  for (const [w, code] of FORMS)
    if (s.length > w.length && s.endsWith(w)) return { rest: s.slice(0, -w.length), form: code };
  return { rest: s };
}

function stripIndustry(s: string): { rest: string; industry?: string } {
  let rest = s;
  const words: string[] = [];
  // several industry words may follow each other (商贸物流); keep at least two characters of trade name
  for (let again = true; again; ) {
    again = false;
    for (const w of INDUSTRY_WORDS) {
      if (rest.endsWith(w) && rest.length - w.length >= 2) {
        words.unshift(w);
        rest = rest.slice(0, -w.length);
        again = true;
        break;
      }
    }
  }
  return words.length ? { rest, industry: words.join('') } : { rest };
}

/**
 * Parse a company name into region, trade name, industry, legal form and branch.
 * Expects a name already simplified, with half-width parentheses and no spaces
 * (`standardizeOrgName` does that).
 * @example parseOrgName('华宇商贸(甘肃)有限公司') // { region: '甘肃', regionCode: '62', trade: '华宇', industry: '商贸', legalForm: 'limited', ... }
 */
export function parseOrgName(compact: string): OrgNameParts {
  let s = compact;
  let branch: string | undefined;
  const b = BRANCH.exec(s);
  if (b) {
    const head = stripForm(b[1]!);
    // a branch follows the head office's full name: …有限公司兰州分公司
    for (const [w] of FORMS) {
      const at = b[1]!.lastIndexOf(w);
      if (at > 0 && at + w.length < b[1]!.length) {
        const where = b[1]!.slice(at + w.length);
        branch = regionShortName(where);
        s = b[1]!.slice(0, at + w.length);
        break;
      }
    }
    if (branch === undefined) {
      branch = b[2]!;
      s = head.rest;
    }
  }
  const { rest: noForm, form } = stripForm(s);
  s = noForm;
  let region: string | undefined;
  let regionCode: string | undefined;
  // a region in parentheses, anywhere: 华宇商贸(甘肃)有限公司, 华宇(兰州)商贸
  s = s.replace(/\(([^()]{2,8})\)/g, (all, inner: string) => {
    // (a county's short name in parentheses is a region: 华宇商贸(敦煌)有限公司)
    const code = regionCodeOf(inner) ?? regionCodeOf(regionShortName(inner)) ?? countyShortCodeOf(inner);
    if (code === undefined && !/(省|市|区|县|州)$/.test(inner)) return inner;
    if (region === undefined) {
      region = regionShortName(inner);
      if (code) regionCode = code;
    }
    return '';
  });
  s = s.replace(/[()]/g, '');
  // leading regions: a province, a city, a county (甘肃省酒泉市…, 酒泉…, 兰州市城关区…, 城关区…)
  for (let k = 0; k < 3; k++) {
    const lead = leadingRegion(s, regionCode);
    if (!lead || s.length - lead.name.length < 2) break;
    const code = lead.code;
    if (regionCode && code && !(code.startsWith(regionCode) || regionCode.startsWith(code))) break;
    // (a county several cities have, with no city to tell which: no region to compare, but no trade name either)
    if (code) region = regionShortName(lead.name);
    if (code && (!regionCode || code.length > regionCode.length)) regionCode = code;
    s = s.slice(lead.name.length);
  }
  const { rest: trade, industry } = stripIndustry(s);
  const out: OrgNameParts = { trade, tradePinyin: py(trade) };
  if (region !== undefined) out.region = region;
  if (regionCode !== undefined) out.regionCode = regionCode;
  if (industry) out.industry = industry;
  if (form) out.legalForm = form;
  if (branch !== undefined) out.branch = branch;
  return out;
}

/** Folded form of an organization name: simplified, half-width parentheses, no spaces, Latin upper case. */
function compactOrgName(name: string): string {
  return name.toUpperCase().replace(/[\s\u3000.,·'"&-]/g, '');
}

export interface StandardOrgName {
  /** Display name (simplified, half-width parentheses). */
  name: string;
  /** Compact form without legal-form suffix and punctuation. */
  nameKey: string;
  orgTrade: string;
  orgTradePy: string;
  orgRegion?: string;
  orgRegionCode?: string;
  orgIndustry?: string;
  orgForm?: string;
  /** Branch name; `-` for a head office (a branch and its head office are never one entity). */
  orgBranch: string;
}

/**
 * What registries write after a name that is no part of it: a status (（已注销）, (吊销)), the
 * kind of owner of a limited company ((自然人独资), (法人独资)), a final full stop.
 */
const ANNOTATION =
  /(?:\((?:已?注销|已?吊销(?:未注销)?|停业|歇业|撤销|迁出|(?:非自然人投资或控股的)?法人独资|自然人独资|自然人投资或控股|外商独资|国有独资|台港澳法人独资)\)|[。.])$/;
/** A branch written in parentheses after its head office: 华宇商贸有限公司(兰州分公司). */
const BRANCH_IN_PARENTHESES = /\(([^()]{1,12}(?:分公司|分店|分厂|营业部|办事处|分部|分行|支行|分所))\)$/;

/** The name without trailing annotations (`ANNOTATION`), a branch in parentheses unwrapped. */
function withoutAnnotations(name: string): string {
  let s = name;
  for (let prev = ''; prev !== s; ) {
    prev = s;
    s = s.replace(ANNOTATION, '').trimEnd();
  }
  return s.replace(BRANCH_IN_PARENTHESES, '$1');
}

/** @returns `name` (display), `nameKey` (compact form without legal-form suffix and punctuation) and the parsed parts. */
export function standardizeOrgName(rawValue: string | undefined): StandardOrgName | null {
  const s = cleanText(rawValue);
  if (!s) return null;
  const name = withoutAnnotations(toSimplified(s).replace(/（/g, '(').replace(/）/g, ')')) || s;
  const compact = name.toUpperCase().replace(/[\s()（）.,·\-'"&]/g, '');
  const nameKey = compact.replace(LEGAL_FORMS, '') || compact;
  const p = parseOrgName(compactOrgName(name));
  const out: StandardOrgName = {
    name,
    nameKey,
    orgTrade: p.trade,
    orgTradePy: p.tradePinyin,
    orgBranch: p.branch ?? '-',
  };
  if (p.region !== undefined) out.orgRegion = p.region;
  if (p.regionCode !== undefined) out.orgRegionCode = p.regionCode;
  if (p.industry !== undefined) out.orgIndustry = p.industry;
  if (p.legalForm !== undefined) out.orgForm = p.legalForm;
  return out;
}

/** Place names (hotels, internet cafés, stations): same folding as organizations, suffix kept. */
export function standardizePlaceName(rawValue: string | undefined): { name: string; nameKey: string } | null {
  const s = cleanText(rawValue);
  if (!s) return null;
  const name = toSimplified(s).replace(/（/g, '(').replace(/）/g, ')');
  return { name, nameKey: name.toUpperCase().replace(/[\s()（）.,·\-'"&]/g, '') };
}
