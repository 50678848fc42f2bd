/**
 * What persons and companies own: phone lines, vehicles with local plates, companies with
 * credit codes. Numbers, plates and codes are unique by construction (a bijective scramble
 * of a run-wide counter), so no lookup table is needed at any scale.
 */
import { makeCreditCode } from '../ids/credit-code.ts';
import type { Rng } from '../random/rng.ts';
import { AREA_CODE, type County, type Geography, PLATE_LETTER } from './geography.ts';
import { composeOrgName, lookAlikeTrade } from './org-variants.ts';
import { eid } from './places.ts';
import type { Company, Person, PhoneLine, PopulationState, Vehicle } from './population-types.ts';

const CARRIERS: [string, string[]][] = [
  ['中国移动', ['139', '138', '137', '135', '150', '151', '188', '187', '182', '198']],
  ['中国联通', ['130', '131', '132', '155', '156', '186', '185', '176']],
  ['中国电信', ['133', '153', '189', '180', '181', '177', '199']],
];
const BRANDS: [string, string[]][] = [
  ['大众', ['朗逸', '速腾', '宝来', '帕萨特']],
  ['丰田', ['卡罗拉', '凯美瑞', 'RAV4']],
  ['本田', ['思域', '雅阁', 'CR-V']],
  ['比亚迪', ['秦PLUS', '宋PLUS', '汉', '元PLUS']],
  ['吉利', ['帝豪', '博越', '星越L']],
  ['长安', ['CS75', '逸动', 'UNI-K']],
  ['哈弗', ['H6', 'H9', '大狗']],
  ['五菱', ['宏光MINI', '宏光S', '征程']],
  ['日产', ['轩逸', '奇骏']],
  ['解放', ['J6P', 'JH6']],
];
const COLORS = ['白', '黑', '银', '灰', '红', '蓝', '金'];
const INDUSTRIES = [
  '商贸',
  '建筑工程',
  '农业科技',
  '餐饮管理',
  '物流',
  '信息技术',
  '旅游开发',
  '矿业',
  '牧业',
  '文化传媒',
  '汽车服务',
  '医药',
];
const FIRM_WORDS = [
  '金鼎',
  '华夏',
  '祁连',
  '陇原',
  '丝路',
  '黄河',
  '敦煌',
  '飞天',
  '永泰',
  '宏达',
  '瑞丰',
  '昌盛',
  '聚源',
  '天成',
  '鑫源',
  '恒通',
];
const PLATE_CHARS = '0123456789ABCDEFGHJKLMNPQRSTUVWXYZ';
const CREDIT_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';

/** Bijective scramble of a counter into [0, mod) (mult coprime with mod). */
export function scramble(n: number, mult: number, mod: number, offset = 0): number {
  return Number((BigInt(n) * BigInt(mult) + BigInt(offset)) % BigInt(mod));
}

function baseN(n: number, chars: string, width: number): string {
  let s = '';
  for (let i = 0; i < width; i++) {
    s = chars[n % chars.length] + s;
    n = Math.floor(n / chars.length);
  }
  return s;
}

/** A new phone line with a number unique in the run. */
export function newPhone(rng: Rng, state: PopulationState, refTime: number): PhoneLine {
  const k = state.phoneCount++;
  const [carrier, prefixes] = rng.pick(CARRIERS);
  const number = rng.pick(prefixes) + String(scramble(k, 48271, 100_000_000, 12_345_678)).padStart(8, '0');
  return { eid: eid('T', k + 1), number, carrier, activated: refTime - rng.range(30, 4000) * 86400 };
}

/** A new vehicle with a local plate unique in the run, owned by a person or a company. */
export function newVehicle(
  rng: Rng,
  state: PopulationState,
  refTime: number,
  county: County,
  owner: Person | null,
  company: Company | null,
): Vehicle {
  const k = state.vehicleCount++;
  const [brand, models] = rng.pick(BRANDS);
  const truck = brand === '解放';
  const green = !truck && rng.chance(0.1);
  const serial = baseN(scramble(k, 7919, PLATE_CHARS.length ** 5, 777_777), PLATE_CHARS, 5);
  const plate = `甘${PLATE_LETTER[county.city.code] ?? 'A'}${green ? `D${serial}` : serial}`;
  const vin = `L${rng.pick(['SV', 'FV', 'GB', 'VH', 'BE'])}${baseN(scramble(k, 104729, 33 ** 14, 99), '0123456789ABCDEFGHJKLMNPRSTUVWXYZ', 14)}`;
  return {
    eid: eid('V', k + 1),
    plate,
    plateColor: truck ? '黄' : green ? '绿' : '蓝',
    vin,
    brand,
    model: rng.pick(models),
    color: rng.pick(COLORS),
    owner,
    company,
    registered: refTime - rng.range(30, 5000) * 86400,
  };
}

/** The city of a county as company names write it (酒泉, 临夏). */
export function cityShort(county: County): string {
  return county.city.name.replace(/(市|回族自治州|藏族自治州)$/, '');
}

/** A new company registered in its legal representative's county, with a valid credit code. */
export function newCompany(
  rng: Rng,
  state: PopulationState,
  refTime: number,
  geo: Geography,
  rep: Person,
  county: County = rep.county,
): Company {
  const k = state.companyCount++;
  const body = `MA${baseN(scramble(k, 7919, CREDIT_CHARS.length ** 6, 4242), CREDIT_CHARS, 6)}`;
  const industry = rng.pick(INDUSTRIES);
  const nameParts = {
    region: cityShort(county),
    trade: rng.pick(FIRM_WORDS) + rng.pick(FIRM_WORDS),
    industry,
    form: '有限公司',
  };
  // a registered name is unique: draw another trade name while this one is taken (rarely)
  for (let t = 0; t < 20 && state.usedOrgNames.has(composeOrgName(nameParts)); t++)
    nameParts.trade = rng.pick(FIRM_WORDS) + rng.pick(FIRM_WORDS);
  state.usedOrgNames.add(composeOrgName(nameParts));
  return {
    eid: eid('O', k + 1),
    creditCode: makeCreditCode(county.code, body),
    name: composeOrgName(nameParts),
    nameParts,
    address: geo.address(rng, county, false),
    phone: `${AREA_CODE[county.city.code] ?? '0931'}-${rng.range(2, 8)}${String(rng.int(1_000_000)).padStart(6, '0')}`,
    industry,
    registeredAt: refTime - rng.range(60, 7000) * 86400,
    status: rng.chance(0.9) ? '存续' : rng.chance(0.7) ? '注销' : '吊销',
    capital: rng.range(1, 500) * 10,
    rep,
    county,
  };
}

/**
 * The hard negatives planted next to a company, each a company of its own with its own credit
 * code, address and phone: the same trade name and industry in another city, a branch in
 * another city (`…兰州分公司`), a look-alike trade name (华宇 / 桦宇) in the same city.
 */
export function hardNegatives(
  rng: Rng,
  state: PopulationState,
  refTime: number,
  geo: Geography,
  c: Company,
  reps: Person[],
  rates: { otherCity: number; branch: number; lookAlike: number },
): Company[] {
  const out: Company[] = [];
  const elsewhere = (): County => {
    for (;;) {
      const k = geo.counties[rng.int(geo.counties.length)] as County;
      if (k.city.code !== c.county.city.code) return k;
    }
  };
  const like = (county: County, parts: Company['nameParts']): void => {
    const name = composeOrgName(parts);
    if (state.usedOrgNames.has(name)) return; // that name is registered already
    const n = newCompany(rng, state, refTime, geo, rng.pick(reps), county);
    state.usedOrgNames.delete(n.name);
    state.usedOrgNames.add(name);
    out.push({ ...n, industry: parts.industry, nameParts: parts, name });
  };
  if (rng.chance(rates.otherCity)) {
    const county = elsewhere();
    like(county, { ...c.nameParts, region: cityShort(county) });
  }
  if (rng.chance(rates.branch)) {
    const county = elsewhere();
    like(county, { ...c.nameParts, branchCity: cityShort(county) });
  }
  if (rng.chance(rates.lookAlike)) {
    const trade = lookAlikeTrade(rng, c.nameParts.trade);
    const county = rng.pick(geo.countiesOf(c.county.city.code));
    if (trade) like(county, { ...c.nameParts, trade });
  }
  return out;
}
